"""The fetching threads' connection pool (digest/sources/connection_pool.py): the decisions of
httpcore's own pool (reuse, new connections, idle ones closed for room or beyond the keep-alive
limit), made in one pass; real keep-alive servers on loopback."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpcore
import httpx
import pytest
from keep_alive import KeepAlive, keep_alive_servers

from digest.sources.connection_pool import LinearPool
from digest.sources.http import deadline_transport, make_transport
from digest.sources.settings import FetchSettings


class _ClosesIdle(KeepAlive):
    timeout = 0.05  # the server closes a connection idle this long (seconds)


def _states(pool: httpcore.ConnectionPool, bases: list[str]) -> list[str]:
    """Each connection's origin (as the server's number), state and request count."""
    shown = [repr(c) for c in pool.connections]
    for number, base in enumerate(bases):
        shown = [s.replace(base, f"server{number}") for s in shown]
    return shown


@pytest.mark.parametrize(("connections", "keepalive"), [(2, 1), (2, 2), (3, 1), (1, 1)])
def test_the_same_connections_as_httpcores_pool_after_every_request(
    connections: int, keepalive: int
) -> None:
    order = [0, 1, 0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 1]
    with keep_alive_servers(3) as bases:
        seen = []
        for kind in (httpcore.ConnectionPool, LinearPool):
            with kind(max_connections=connections, max_keepalive_connections=keepalive) as pool:
                states = []
                for number in order:
                    response = pool.request("GET", f"{bases[number]}/{number}")
                    assert response.content == f"/{number}".encode()
                    states.append(_states(pool, bases))
                seen.append(states)
    assert seen[0] == seen[1]
    every = " ".join(s for states in seen[1] for s in states)
    assert "Request Count: 2" in every  # a connection was used again
    assert len(seen[1][-1]) <= keepalive  # idle ones beyond the limit were closed


def test_many_threads_share_a_small_pool_and_no_connection_is_closed_under_a_request() -> None:
    with (
        keep_alive_servers(3) as bases,
        LinearPool(max_connections=4, max_keepalive_connections=2) as pool,
    ):
        urls = [f"{bases[n % 3]}/{n}" for n in range(120)]

        def one(url: str) -> bytes:
            assert len(pool.connections) <= 4
            return pool.request("GET", url).content

        with ThreadPoolExecutor(12) as threads:
            bodies = list(threads.map(one, urls))
        assert bodies == [url[url.index("/", 8) :].encode() for url in urls]
        assert len(pool.connections) <= 2
        assert all(c.is_idle() for c in pool.connections)


def test_a_connection_its_server_closed_is_not_used_again() -> None:
    with keep_alive_servers(1, _ClosesIdle) as bases, LinearPool(max_connections=1) as pool:
        assert pool.request("GET", f"{bases[0]}/1").content == b"/1"
        first = pool.connections[0]
        time.sleep(0.3)  # the server has closed it meanwhile
        assert pool.request("GET", f"{bases[0]}/2").content == b"/2"
        assert pool.connections[0] is not first
        assert first.is_closed()


def test_digests_transports_use_it() -> None:
    limits = httpx.Limits(max_connections=40, max_keepalive_connections=40)
    assert type(deadline_transport(limits)._pool) is LinearPool
    routing = make_transport(FetchSettings(), limits)
    assert type(routing._own._pool) is LinearPool  # type: ignore[attr-defined]
    assert type(routing._guarded._pool) is LinearPool  # type: ignore[attr-defined]
