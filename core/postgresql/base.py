"""Django's PostgreSQL backend, with a cheaper health check of persistent connections.

With CONN_HEALTH_CHECKS, Django checks a reused connection before the first query of each
request by sending `SELECT 1` and waiting for the answer: one more round trip to PostgreSQL
on every request that reads the database, the most requested public pages included.

A connection the server has closed (a restart, a failover, pg_terminate_backend, an idle
timeout) is told so by the server: its socket becomes readable (the termination message,
then the end of the stream). A connection that is idle and alive has nothing to read. So the
socket is polled first, which costs no round trip: nothing to read means alive; anything to
read means `SELECT 1` decides as before, and a dead connection is replaced before the
request's first query. What the poll cannot see is a server that vanished without a word (a
power cut on its machine): the request's first query then fails, as it would fail with
Django's check too once its socket timed out, and the connection is replaced after it.
"""

import select

from django.db.backends.postgresql import base

# Anything the server sent, or a closed or broken socket.
_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """Whether the idle connection's socket is open with nothing to read."""
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        try:
            descriptor = connection.pgconn.socket
        except base.Database.OperationalError:  # the socket is gone
            return False
        poll = select.poll()
        poll.register(descriptor, _READABLE)
        return not poll.poll(0)
