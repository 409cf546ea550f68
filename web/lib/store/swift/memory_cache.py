# An in-process stand-in for memcached in the test Swift's proxy: tempauth (also for S3 requests)
# and the proxy's account/container info want a `swift.cache`. With `workers = 0` the proxy is
# one process, so a dict with expiry times is the whole cache. Used in the pipeline as
#   [filter:cache]
#   paste.filter_factory = memory_cache:filter_factory
import time


class MemoryCache:
    def __init__(self):
        self.entries = {}

    def _live(self, key):
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires and expires < time.time():
            del self.entries[key]
            return None
        return entry

    def _expiry(self, ttl):
        # memcached semantics: 0 = no expiry; above 30 days the value is an absolute time.
        if not ttl:
            return 0
        return ttl if ttl > 30 * 24 * 3600 else time.time() + ttl

    def get(self, key, raise_on_error=False):
        entry = self._live(key)
        return None if entry is None else entry[0]

    def set(self, key, value, serialize=True, time=0, min_compress_len=0, raise_on_error=False):
        self.entries[key] = (value, self._expiry(time))

    def incr(self, key, delta=1, time=0):
        entry = self._live(key)
        value = max(0, (int(entry[0]) if entry else 0) + delta)
        self.entries[key] = (value, entry[1] if entry else self._expiry(time))
        return value

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -delta, time)

    def delete(self, key, server_key=None):
        self.entries.pop(key, None)

    def get_multi(self, keys, server_key):
        return [self.get(k) for k in keys]

    def set_multi(self, mapping, server_key, serialize=True, time=0, min_compress_len=0):
        for key, value in mapping.items():
            self.set(key, value, time=time)


def filter_factory(global_conf, **local_conf):
    cache = MemoryCache()

    def make_filter(app):
        def middleware(env, start_response):
            env["swift.cache"] = cache
            return app(env, start_response)

        return middleware

    return make_filter
