"""Django's Redis cache with one client per connection pool.

Django's backend builds a new `redis.Redis` around the shared pool on every cache call, and
building one fills its table of reply handlers anew (about 170 entries): a tenth of a
millisecond or more per call, paid by every page that reads the cache or counts a rate
limit. A client is safe to share between threads (each command borrows a connection from
the pool, and the pool starts afresh in a forked process), so it is built once per pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """settings.CACHES' backend for Redis (`core.redis_cache.ReusedClientRedisCache`)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
