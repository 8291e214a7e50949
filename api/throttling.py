"""Rate limits of the read API: per user (token or session) and per client address without one.

The rates are read from the settings at each request (API_RATE_LIMIT, API_ANON_RATE_LIMIT, e.g.
"1000/hour"), so they can be changed without touching REST_FRAMEWORK; counters live in the default
cache (shared by every web process when CACHE_URL points at Redis). Past the limit the API answers
429 with Retry-After.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from accounts.http import client_address


class UserThrottle(UserRateThrottle):
    scope = "api_user"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_ident(self, request) -> str:
        return client_address(request)


class AnonThrottle(AnonRateThrottle):
    scope = "api_anon"

    def get_rate(self) -> str:
        return settings.API_ANON_RATE_LIMIT

    def get_ident(self, request) -> str:
        return client_address(request)
