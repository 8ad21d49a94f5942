"""A Redis cache that degrades instead of breaking while Redis is unreachable.

Django's RedisCache raises on every call when Redis is down, and DRF's rate limiting reads the
cache on every API request, so a Redis outage would turn the whole API into 500s. Here a call
that cannot reach Redis is answered from per-process memory instead, and Redis is not tried
again for a few seconds (so requests do not each wait for a connection timeout). Rate limits
keep working, counted per process; sessions and login lockouts are in the database anyway.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_REDIS_AFTER_SECONDS = 10.0
# Per process (Django makes one cache object per thread): location -> monotonic time to retry.
_redis_down_until: dict[str, float] = {}


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)
        self._fallback = LocMemCache(f"redis-fallback:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})


def _falls_back(name: str):
    def method(self, *args, **kwargs):
        if time.monotonic() >= _redis_down_until.get(self._location, 0.0):
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                _redis_down_until[self._location] = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
                logger.warning("Redis cache unreachable, using process memory for %.0f s: %s",
                               RETRY_REDIS_AFTER_SECONDS, exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
              "delete_many", "clear"):
    setattr(FallbackRedisCache, _name, _falls_back(_name))
