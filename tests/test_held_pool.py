"""A connection handed to a request is that request's until it ends: never closed under it, never
handed to a second one (httpcore#1110: httpcore 1.0.x's pool does both to a connection whose
request has not started on it yet, and the request fails, "Bad file descriptor"). Checked on the
pool digest's transport really uses (`make_transport`), so swapping httpcore's stock pool back in
fails here: once replayed step by step, once raced by threads against loopback servers.
benchmarks/bench_pool_race.py counts the failures of both pools over more requests."""

from __future__ import annotations

import inspect
from concurrent.futures import ThreadPoolExecutor

import httpcore
import httpx
from httpcore._sync.connection_pool import PoolRequest
from keep_alive import keep_alive_servers

from digest.sources.http import _tls_context, make_transport
from digest.sources.settings import FetchSettings

# A small pool shared by many threads: requests queue for connections, and idle ones beyond the
# keep-alive limit or of another origin are closed for room, which is when the fault shows.
LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=2)
THREADS, REQUESTS, SERVERS = 12, 1500, 3


def digests_pool(transport: httpx.BaseTransport) -> httpcore.ConnectionPool:
    """The httpcore pool under `make_transport`'s transport, whatever its class."""
    inner = getattr(transport, "_own", transport)
    pool = inner._pool  # type: ignore[attr-defined]
    assert isinstance(pool, httpcore.ConnectionPool), pool
    return pool


def watch(pool: httpcore.ConnectionPool) -> list[str]:
    """Check the rule after each of the pool's assignment passes (run with its lock held); the
    breaches seen. A connection a request holds, started on it or not, counts as held."""
    breaches: list[str] = []
    assign = pool._assign_requests_to_connections

    def checked() -> list[httpcore.ConnectionInterface]:
        closing = assign()
        held = [id(r.connection) for r in pool._requests if r.connection is not None]
        if len(set(held)) < len(held):
            breaches.append("a connection handed to two requests")
        if any(id(connection) in held for connection in closing):
            breaches.append("a connection closed under its request")
        return closing

    pool._assign_requests_to_connections = checked  # type: ignore[method-assign]
    return breaches


def test_the_rule_replayed_one_step_at_a_time() -> None:
    """The race without threads: each request's pass runs while the requests before it have been
    given connections but not started on them. httpcore's own pool hands the idle connection to
    a second request, and once over the keep-alive limit closes it under the first."""
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=1)
    transport = make_transport(FetchSettings(allow_private_addresses=True), limits)
    pool = digests_pool(transport)
    breaches = watch(pool)
    with keep_alive_servers(2) as bases, transport:
        assert pool.request("GET", f"{bases[0]}/1").content == b"/1"
        [idle] = pool.connections
        waiting = []
        with pool._optional_thread_lock:
            for number, base in enumerate([bases[0], bases[0], bases[1], bases[0]]):
                waiting.append(PoolRequest(httpcore.Request("GET", f"{base}/{number}")))
                pool._requests.append(waiting[-1])
                pool._assign_requests_to_connections()  # this request's pass; none starts
            pool._requests.clear()
    assert waiting[0].connection is idle  # handed to the first, which is yet to start on it
    assert all(r.connection is not idle for r in waiting[1:])
    assert breaches == [], breaches


def test_threads_racing_through_digests_transport_never_break_the_rule() -> None:
    transport = make_transport(FetchSettings(allow_private_addresses=True), LIMITS)
    breaches = watch(digests_pool(transport))
    with keep_alive_servers(SERVERS) as bases, httpx.Client(transport=transport) as client:
        paths = [(bases[n % SERVERS], f"/{n % 100}") for n in range(REQUESTS)]

        def get(base_path: tuple[str, str]) -> str:
            base, path = base_path
            try:
                body = client.get(base + path).content
            except httpx.TransportError as exc:  # "Bad file descriptor", a closed connection
                return f"{type(exc).__name__}: {exc}"
            return "" if body == path.encode() else f"{path} answered {body[:20]!r}"

        with ThreadPoolExecutor(THREADS) as threads:
            failures = [f for f in threads.map(get, paths) if f]
    assert failures == [], f"{len(failures)} of {REQUESTS} failed: {sorted(set(failures))[:5]}"
    assert breaches == [], f"{len(breaches)} breaches: {sorted(set(breaches))}"


def test_the_pool_is_made_as_httpx_makes_its_own() -> None:
    """Every parameter httpx gives its pool is the same on digest's: only the backend differs."""
    names = [n for n in inspect.signature(httpcore.ConnectionPool).parameters if n != "self"]
    assert "network_backend" in names
    for limits in (httpx.Limits(), LIMITS, httpx.Limits(max_connections=40, keepalive_expiry=2)):
        stock = httpx.HTTPTransport(limits=limits, verify=_tls_context())._pool
        ours = digests_pool(make_transport(FetchSettings(), limits))
        for name in names:
            if name != "network_backend":
                assert getattr(ours, f"_{name}") == getattr(stock, f"_{name}"), (name, limits)
