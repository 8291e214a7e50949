"""Authentication of API requests (`Authorization: Token <key>`) and the audit of each request."""

from __future__ import annotations

import logging

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.audit import log_action
from accounts.http import client_address
from api.tokens import READ_ACTION

logger = logging.getLogger("api")


class AuditedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a refused token is logged with the client's address (never the key)."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:
            logger.warning("API token refused from %s: %s", client_address(request._request), exc.detail)
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
