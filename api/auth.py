"""Authentication of API requests (`Authorization: Token <key>`) and the audit of each request."""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

from accounts.audit import log_action
from accounts.http import client_address
from accounts.throttle import count_attempt
from api.throttling import AnonThrottle
from api.tokens import READ_ACTION

logger = logging.getLogger("api")


class AuditedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a refused token is logged with the client's address (never the key),
    and counts against the client's API_ANON_RATE_LIMIT: past it, guesses are answered 429."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:
            address = client_address(request._request)
            logger.warning("API token refused from %s: %s", address, exc.detail)
            limit, window = AnonThrottle().parse_rate(settings.API_ANON_RATE_LIMIT)
            if count_attempt("api-token-refused", address, window) > limit:
                raise Throttled(wait=window) from exc
            raise


def audit(request, response) -> None:
    """One audit entry per authenticated API request: who, what path and query, the answer's status."""
    user = getattr(request, "_user", None)
    if user is None or not user.is_authenticated:
        return
    via = "token" if request.auth is not None else "session"
    log_action(
        READ_ACTION,
        user=user,
        data={
            "path": request.path[:300],
            "query": request.META.get("QUERY_STRING", "")[:300],
            "status": response.status_code,
            "via": via,
        },
    )
    logger.info("API %s %s %s by %s via %s", request.method, request.path, response.status_code, user, via)
