"""Which HTTP client to poll with: `python benchmarks/bench_clients.py` (from the project root).

Starts the benchmark feed server (benchmarks/feedserver.py, its own process) and times the same
500 GETs through each candidate with the same number of connections: conditional GETs that all
answer 304 (the warm poll) and plain GETs of the whole feed (the cold poll's fetch). Each figure
is the median of `--runs` runs; `--delay 0` shows each client's own cost per request.

- httpx-async: one `httpx.AsyncClient`, `stream()` per request (the poller before issue 6's
  follow-up);
- httpx-threads: one shared sync `httpx.Client`, one request per thread in a pool of
  `connections` threads;
- aiohttp: one `aiohttp.ClientSession` with a `TCPConnector(limit=connections)`, if installed;
- raw-asyncio: bare HTTP/1.1 over `asyncio.open_connection` with keep-alive: no redirects, no
  gzip, no chunked bodies, so only the floor, not a candidate.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedserver
import httpx


def httpx_async(urls: list[str], headers: list[dict[str, str]], connections: int) -> int:
    async def main() -> int:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=20) as client:

            async def one(url: str, head: dict[str, str]) -> int:
                async with client.stream("GET", url, headers=head) as response:
                    body = b"".join([c async for c in response.aiter_bytes()])
                    return len(body)

            return sum(await asyncio.gather(*map(one, urls, headers)))

    return asyncio.run(main())


def httpx_threads(urls: list[str], headers: list[dict[str, str]], connections: int) -> int:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    with httpx.Client(limits=limits, timeout=20) as client:

        def one(url: str, head: dict[str, str]) -> int:
            with client.stream("GET", url, headers=head) as response:
                return len(b"".join(response.iter_bytes()))

        with ThreadPoolExecutor(connections) as pool:
            return sum(pool.map(one, urls, headers))


def aiohttp_session(urls: list[str], headers: list[dict[str, str]], connections: int) -> int:
    import aiohttp

    async def main() -> int:
        connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(url: str, head: dict[str, str]) -> int:
                async with session.get(url, headers=head) as response:
                    return len(await response.read())

            return sum(await asyncio.gather(*map(one, urls, headers)))

    return asyncio.run(main())


def raw_asyncio(urls: list[str], headers: list[dict[str, str]], connections: int) -> int:
    async def main() -> int:
        host, port = urls[0].split("//")[1].split("/")[0].split(":")
        free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        for _ in range(connections):
            free.put_nowait(await asyncio.open_connection(host, int(port)))

        async def one(url: str, head: dict[str, str]) -> int:
            reader, writer = await free.get()
            path = "/" + url.split("//")[1].split("/", 1)[1]
            lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n".encode())
            top = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in top.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            free.put_nowait((reader, writer))
            return len(body)

        total = sum(await asyncio.gather(*map(one, urls, headers)))
        while not free.empty():
            free.get_nowait()[1].close()
        return total

    return asyncio.run(main())


CLIENTS: dict[str, Callable[[list[str], list[dict[str, str]], int], int]] = {
    "httpx-async": httpx_async,
    "httpx-threads": httpx_threads,
    "aiohttp": aiohttp_session,
    "raw-asyncio": raw_asyncio,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=list(CLIENTS))
    args = parser.parse_args()
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        args.only = [c for c in args.only if c != "aiohttp"]
    feeds = feedserver.build_feeds(args.feeds)
    tags = ['"' + hashlib.sha1(f).hexdigest() + '"' for f in feeds]
    base, server = feedserver.start(args.feeds, args.delay)
    try:
        time.sleep(1.0)
        urls = [f"{base}/f/{i}" for i in range(args.feeds)]
        warm = [{"If-None-Match": tag} for tag in tags]
        cold: list[dict[str, str]] = [{} for _ in tags]
        print(
            f"{args.feeds} GETs, {args.connections} connections, {args.delay * 1000:.0f} ms per "
            f"answer, median of {args.runs}; load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'client':15} {'304 GETs/s':>11} {'200 GETs/s':>11}")
        for name in args.only:
            client = CLIENTS[name]
            rates = []
            for headers in (warm, cold):
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    client(urls, headers, args.connections)
                    times.append(time.perf_counter() - started)
                rates.append(args.feeds / statistics.median(times))
            print(f"{name:15} {rates[0]:11.1f} {rates[1]:11.1f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
