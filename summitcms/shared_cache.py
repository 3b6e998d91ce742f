"""The shared cache (Redis), which may go away without taking the site with it.

Django's ``RedisCache`` raises when Redis does not answer, and every cached page would
then be a 500. Here a call that cannot reach Redis is a miss (or a write not made):
pages are built uncached, still correct, since the content version, not the cache,
decides what is current. After a failure this worker leaves Redis alone for
``OUTAGE_RETRY_SECONDS`` (a hung server would otherwise cost its timeout on every call),
then tries again, so caching resumes by itself when Redis is back. The outage is
logged once when it begins and once when it ends, not a traceback per request.

Sessions are not in the cache (they are in the database), so nobody is signed out.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# What each call answers when Redis cannot: a miss, or a write not made.
MISSES = {"add": False, "set": None, "touch": False, "delete": False, "has_key": False, "delete_many": None}


def missed(name, args, kwargs):
    if name == "get":  # get(key, default=None)
        return kwargs.get("default", args[1] if len(args) > 1 else None)
    if name == "get_many":
        return {}
    if name == "set_many":  # the keys it did not store: all of them
        return list(args[0] if args else kwargs["data"])
    return MISSES[name]


def tolerant(name):
    method = getattr(django_redis.RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if self.clock() < self.unreachable_until:
            return missed(name, args, kwargs)
        try:
            result = method(self, *args, **kwargs)
        except (ConnectionError, TimeoutError) as error:
            if not self.unreachable_until:
                logger.warning(
                    "The cache does not answer (%s): pages are built uncached, trying it again every %s s.",
                    " ".join(str(error).split()),
                    settings.OUTAGE_RETRY_SECONDS,
                )
            self.unreachable_until = self.clock() + settings.OUTAGE_RETRY_SECONDS
            return missed(name, args, kwargs)
        if self.unreachable_until:
            logger.warning("The cache answers again: pages are cached again.")
            self.unreachable_until = 0
        return result

    return call


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        # Redis answers in well under a millisecond: waiting seconds for a hung one would
        # hold the page up. One immediate retry on a broken connection: after Redis
        # restarts, each pooled connection fails once before a new one is made.
        options = {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 1)}
        super().__init__(server, {**params, "OPTIONS": {**options, **params.get("OPTIONS", {})}})
        self.unreachable_until = 0
        self.clock = time.monotonic


for _name in ("get", "get_many", "set_many", *MISSES):
    setattr(RedisCache, _name, tolerant(_name))
