"""The client's network address, as the login lock (django-axes) and the survey guess limit see it.

Behind reverse proxies every request comes from the proxy's address, so both limits would lock
every user together. TRUSTED_PROXY_COUNT (docs/operations.md) says how many proxies in front of
the application append the address they received the request from to X-Forwarded-For (nginx's
`proxy_add_x_forwarded_for`). The client is then that many entries from the right; entries further
left were written by the client and are never trusted. With 0 (the default: no proxy) the header
is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address to count failed attempts against (AXES_CLIENT_IP_CALLABLE points here)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through every trusted proxy: the peer itself is the client
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
