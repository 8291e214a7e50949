"""Fixed-window attempt counters in the cache, for limits outside django-axes (which covers log-in).

`cache.add` then `cache.incr` is atomic on Redis (and on the in-process memory cache), so parallel
requests cannot all slip under the limit. Keys are hashed: no e-mail address is stored in the cache.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def count_attempt(scope: str, key: str, window_seconds: int) -> int:
    """Count one attempt for `key` and return how many there have been in the current window."""
    cache_key = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the window ended between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return 1
