"""Redis as the cache, its outages tolerated: the cache holds nothing that is not elsewhere.

With Redis stopped, a read is a miss, a write is dropped and a counter starts again from its first
step (a throttle lets the request through rather than refusing every page), each logged as one
warning; pages keep working on the database alone.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("karvan.cache")

_FAULTS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
T = TypeVar("T")


def _tolerant(fallback: Callable[..., T]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @wraps(method)
        def call(*args: object, **kwargs: object) -> T:
            try:
                return method(*args, **kwargs)
            except _FAULTS as error:
                logger.warning("cache unavailable (%s): %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _default(
    _self: object, _key: object, default: object = None, *_a: object, **_k: object
) -> object:
    return default


def _nothing(*_args: object, **_kwargs: object) -> None:
    return None


def _added(*_args: object, **_kwargs: object) -> bool:
    return True


def _first_step(_self: object, _key: object, delta: int = 1, *_a: object, **_k: object) -> int:
    return delta


def _no_values(*_args: object, **_kwargs: object) -> dict[str, object]:
    return {}


def _nothing_set(_self: object, data: object, *_a: object, **_k: object) -> list[object]:
    return []


def _false(*_args: object, **_kwargs: object) -> bool:
    return False


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is unreachable."""

    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_nothing)(RedisCache.set)
    add = _tolerant(_added)(RedisCache.add)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    incr = _tolerant(_first_step)(RedisCache.incr)
    has_key = _tolerant(_false)(RedisCache.has_key)
    get_many = _tolerant(_no_values)(RedisCache.get_many)
    set_many = _tolerant(_nothing_set)(RedisCache.set_many)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    # Django's cache API has clear() return nothing; Redis's answer to FLUSHDB is not used.
    clear = _tolerant(_nothing)(RedisCache.clear)
