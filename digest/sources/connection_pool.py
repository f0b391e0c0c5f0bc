"""httpcore's connection pool with its bookkeeping in one pass over the connections.

httpcore (1.0.x) re-assigns requests to connections whenever a request joins or leaves the pool,
and its pass counts the pool's connections once per connection (a list built to take its
length) and rescans every connection for every waiting request: with the poller's 40
connections, ~1,500 state checks per request and release, 1.5 million in a cold 500-feed poll.
500 GETs of the benchmark's feeds on 40 threads: 1.85 CPU-s with httpcore's pool, 1.19 with this.
`LinearPool` makes the same decisions, in the same order, from one look at each connection:
which are gone, expired or idle beyond the keep-alive limit (closed), then for each waiting
request, in turn, the first connection able to take it, else a new one, else a new one in place
of the first idle connection. Two things it does otherwise: a connection handed to a request
that has not started on it yet is not idle, so it is neither closed under that request nor
handed to a second one; and whether idle connections expired (a system call each) is asked
only in a pass with a request waiting, so one that did is closed at the next request instead
of after the last response. `held_pool` makes one with the parameters httpx gives its own pool,
through httpcore's constructor (digest/sources/http.py's transports use it).
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

_Connection = httpcore.ConnectionInterface


class LinearPool(httpcore.ConnectionPool):
    """A `httpcore.ConnectionPool` whose assignment pass is linear in the connections."""

    def _assign_requests_to_connections(self) -> list[_Connection]:
        # Called with the pool's lock held, as httpcore's own is.
        closing: list[_Connection] = []
        kept: list[_Connection] = []
        # Connections handed to a request whose thread has not started on them yet still look
        # idle: httpcore's pass may close one under the request (a failed feed, "Bad file
        # descriptor") or hand it to a second request too (which then waits again).
        spoken = {id(r.connection) for r in self._requests if r.connection is not None}
        waiting = [request for request in self._requests if request.is_queued()]
        # Whether an idle connection expired (or its server closed it) costs a system call each:
        # looked at when a request waits for one, not after every response (half the passes).
        expiring = bool(waiting)
        count = len(self._connections)  # the pool's size as connections leave it, one by one
        for connection in self._connections:
            if connection.is_closed():
                count -= 1
            elif id(connection) in spoken:
                # held by a request, begun or about to begin on its own thread: never closed
                # here, even when it looks expired (closing it would race that thread's use)
                kept.append(connection)
            elif (expiring and connection.has_expired()) or (
                connection.is_idle() and count > self._max_keepalive_connections
            ):
                count -= 1
                closing.append(connection)
            else:
                kept.append(connection)
        self._connections = kept
        if not waiting:
            return closing
        # An assignment leaves a connection's state as it was (the request starts on its own
        # thread), so one look at each serves every waiting request of this pass.
        idle = [c for c in kept if c.is_idle() and id(c) not in spoken]
        available = [c for c in kept if c.is_available() and not (id(c) in spoken and c.is_idle())]
        for request in waiting:
            origin = request.request.url.origin
            found = next((c for c in available if c.can_handle_request(origin)), None)
            if found is None:
                if len(self._connections) >= self._max_connections:
                    if not idle:
                        continue  # it waits for a connection to be released
                    spare = idle.pop(0)  # idle, of another origin: closed to make room
                    self._connections.remove(spare)
                    if spare in available:
                        available.remove(spare)
                    closing.append(spare)
                found = self.create_connection(origin)
                self._connections.append(found)
                if found.is_available():  # HTTP/2 may share a connection not yet open
                    available.append(found)
            elif found.is_idle():  # an idle HTTP/1.1 connection takes one request
                if found in idle:
                    idle.remove(found)
                available.remove(found)
            request.assign_to_connection(found)
        return closing


def held_pool(
    limits: httpx.Limits, *, ssl_context: ssl.SSLContext, network_backend: httpcore.NetworkBackend
) -> LinearPool:
    """The pool `httpx.HTTPTransport(limits=limits, verify=ssl_context)` makes (httpx 0.28: every
    other parameter at httpcore's default), as a `LinearPool` on `network_backend`, through
    httpcore's own constructor (tests/test_held_pool.py compares the two parameter by parameter)."""
    return LinearPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=network_backend,
    )
