"""Requests that fail because the pool closed their connection under them (httpcore#1110):
`python benchmarks/bench_pool_race.py [--requests 5000] [--rounds 2]` (from the project root).

The race of tests/test_held_pool.py, longer: THREADS threads share one client on digest's
transport (`make_transport`: its deadline backend, its routing) with 4 connections, 2 kept
alive, GETting small files from 3 keep-alive servers on loopback. The same transport is run
with httpcore's stock `ConnectionPool` and with digest's `LinearPool` (made by `held_pool`),
alternating, round by round. Per round and pool: requests failed (a transport error or a wrong
body), breaches of the rule seen after the pool's assignment passes (a connection a request
holds closed, or handed to a second request; the stock pool's count includes the harmless
moment a finished response has not yet left the pool), wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import httpcore
import httpx
from test_held_pool import LIMITS, SERVERS, THREADS, digests_pool, keep_alive_servers, watch

from digest.sources.http import _tls_context, make_transport
from digest.sources.settings import FetchSettings


def one_round(stock: bool, bases: list[str], requests: int) -> tuple[int, int, float, float]:
    """(failed, breaches, wall s, CPU s) for `requests` GETs through one pool."""
    transport = make_transport(FetchSettings(allow_private_addresses=True), LIMITS)
    own = transport._own  # type: ignore[attr-defined]
    if stock:  # the same parameters and backend, httpcore's own pool
        own._pool = httpcore.ConnectionPool(
            ssl_context=_tls_context(),
            max_connections=LIMITS.max_connections,
            max_keepalive_connections=LIMITS.max_keepalive_connections,
            keepalive_expiry=LIMITS.keepalive_expiry,
            network_backend=own.backend,
        )
    breaches = watch(digests_pool(transport))
    urls = [f"{bases[n % SERVERS]}/{n % 100}" for n in range(requests)]
    with httpx.Client(transport=transport) as client:

        def get(url: str) -> bool:
            try:
                return client.get(url).content == url[url.rindex("/") :].encode()
            except httpx.TransportError:
                return False

        wall, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(THREADS) as threads:
            failed = sum(not ok for ok in threads.map(get, urls))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return failed, len(breaches), wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=5000, help="per round and pool")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {THREADS} threads, {LIMITS}, {SERVERS} servers")
    totals = {True: [0, 0], False: [0, 0]}
    with keep_alive_servers(SERVERS) as bases:
        for number in range(1, args.rounds + 1):
            for stock in (True, False):
                failed, breaches, wall, cpu = one_round(stock, bases, args.requests)
                totals[stock][0] += failed
                totals[stock][1] += breaches
                name = "httpcore ConnectionPool" if stock else "digest LinearPool"
                print(
                    f"round {number} {name:24} {failed:5} of {args.requests} failed,"
                    f" {breaches:6} breaches, {wall:5.2f} s wall, {cpu:5.2f} CPU-s"
                )
    for stock in (True, False):
        name = "httpcore ConnectionPool" if stock else "digest LinearPool"
        failed, breaches = totals[stock]
        print(
            f"total {name:24} {failed:5} of {args.rounds * args.requests} failed,"
            f" {breaches} breaches"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
