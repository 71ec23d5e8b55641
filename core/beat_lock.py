"""Exactly one Celery beat, however many are started.

Two beats would queue every periodic task twice (two rating runs, two rounds of reminders).
The compose file starts one, but on several machines a second can be started by mistake,
or deliberately as a standby. Each beat takes a lock in Redis before it starts scheduling:
the first holds it and renews it every `ttl / 3` seconds; any other waits, polling, and
takes over when the holder stops (the lock expires `ttl` seconds after its last renewal).
A holder that finds its lock gone (a pause longer than `ttl`, the lock taken by another)
exits at once rather than run beside the new holder.
"""

import contextlib
import logging
import os
import threading
import time

import redis

logger = logging.getLogger(__name__)

LOCK_NAME = "zqjz:celery-beat"


class BeatLock:
    def __init__(self, url: str, *, name: str = LOCK_NAME, ttl: int = 60) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.lock = self.client.lock(name, timeout=ttl, thread_local=False)
        self.ttl = ttl
        self._stop = threading.Event()

    def acquire(self, *, wait: bool = True, poll: float = 5.0) -> bool:
        """Take the lock; with `wait`, block until it is free. False: another beat holds it."""
        announced = False
        while True:
            try:
                if self.lock.acquire(blocking=False):
                    break
                reason = "another beat holds it"
            except redis.exceptions.ConnectionError as error:
                # Never schedule without the lock: wait for Redis as for the other beat.
                reason = f"Redis unreachable ({error})"
            if not wait:
                return False
            if not announced:
                logger.warning("waiting for the beat lock %s: %s", self.lock.name, reason)
                announced = True
            time.sleep(poll)
        logger.info("beat lock %s taken", self.lock.name)
        return True

    def renew(self) -> bool:
        """Push the expiry back; False when the lock is no longer this beat's."""
        try:
            self.lock.reacquire()
        except redis.exceptions.LockError:
            return False
        except redis.exceptions.RedisError as error:
            # Redis briefly unreachable: keep going, the next renewal may succeed before
            # the lock expires; if it does not, the next one reports the lock lost.
            logger.warning("beat lock not renewed: %s", error)
        return True

    def keep(self, on_lost=None) -> threading.Thread:
        """Renew in a daemon thread until `release`; call `on_lost` (default: exit) if lost."""

        def run() -> None:
            while not self._stop.wait(self.ttl / 3):
                if not self.renew():
                    logger.critical("beat lock %s lost: stopping this beat", self.lock.name)
                    (on_lost or _exit)()
                    return

        thread = threading.Thread(target=run, name="beat-lock", daemon=True)
        thread.start()
        return thread

    def release(self) -> None:
        self._stop.set()
        with contextlib.suppress(redis.exceptions.LockError):
            self.lock.release()


def _exit() -> None:
    os._exit(1)
