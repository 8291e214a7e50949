"""Facts about the HTTP request that several apps need."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client, seen through TRUSTED_PROXY_COUNT reverse proxies.

    With no trusted proxy (the default) X-Forwarded-For is ignored: anyone can send it. Behind N
    proxies, each appends the address it received the request from, so the client is the N-th
    entry from the right; entries further left are the client's own claim and are not trusted. A request that did not
    come through every trusted proxy, or whose entry is not an address, counts against REMOTE_ADDR.
    The login lock (AXES_CLIENT_IP_CALLABLE), the survey guess limit and the password reset limit
    all use this.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through every trusted proxy: the peer itself is the client
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote  # not an address: never count against a made-up key
