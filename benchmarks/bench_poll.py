"""Polling and edition benchmark: `python benchmarks/bench_poll.py` (from the project root).

Starts a feed server on 127.0.0.1 in its own process (500 feeds of 10-50 entries built from the
real feeds in ../shared/eval/feeds/real, each answering after 50 ms, with ETag/Last-Modified),
then measures, each beside a sequential `feedparser.parse(url)` loop run in the same process:

- cold poll (empty store), warm poll (every feed answers 304), warm poll of feeds that send no
  validators (identical bytes, recognised by hash);
- an edition made from 10,000 stored items of which 5% are on topic;
- peak RSS of this process and of its worker processes.

The baseline loop is timed on every 5th feed (100 feeds) unless --full-baseline is given; its
figure is a rate (feeds/s), so the sample changes the run's length, not the comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedparser  # noqa: E402
import feedserver  # noqa: E402
import httpx  # noqa: E402

from digest.config import Config, FetchSettings  # noqa: E402
from digest.edition import poll_sources, run_edition  # noqa: E402
from digest.models import Item, Origin  # noqa: E402
from digest.sources.feeds import FeedSource  # noqa: E402
from digest.sources.poller import Poller  # noqa: E402
from digest.store import Store  # noqa: E402

ON_TOPIC = [
    "Japan and North Korea held talks on the abduction of Japanese citizens in Ulaanbaatar.",
    "Tokyo protested to Pyongyang after a North Korean ballistic missile flew over Japan.",
    "Families of abductees urged the Japanese government to seek a summit with North Korea.",
    "Japan extended its sanctions on North Korea, citing the unresolved abduction issue.",
    "The Chongryon headquarters in Tokyo was the focus of a dispute over North Korean assets.",
    "Japanese officials said Pyongyang had agreed to reinvestigate the fate of the abductees.",
    "North Korea's KCNA accused Japan of hostile policies over the abduction issue.",
    "Japan's prime minister said Tokyo was ready to meet Kim Jong Un without preconditions.",
]


def ready(base: str) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/f/0", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the benchmark feed server did not start")


def baseline(urls: list[str], etags: dict[str, str] | None = None) -> tuple[float, dict[str, str]]:
    """Feeds/s of a sequential feedparser.parse(url) loop (with etags: conditional)."""
    seen: dict[str, str] = {}
    started = time.perf_counter()
    for url in urls:
        parsed = feedparser.parse(url, etag=(etags or {}).get(url))
        seen[url] = parsed.get("etag", "")
    return len(urls) / (time.perf_counter() - started), seen


def ours(feeds: list[FeedSource], store: Store, poller: Poller) -> tuple[float, int]:
    """Feeds/s of digest's poll (fetch, parse, store), and the items it parsed."""
    with httpx.Client() as client:
        started = time.perf_counter()
        result = poll_sources(
            sources=feeds, store=store, client=client, now=datetime.now(UTC), poller=poller
        )
        elapsed = time.perf_counter() - started
    failed = [r for r in result.reports if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} feeds failed, e.g. {failed[0].name}: {failed[0].error}")
    return len(feeds) / elapsed, result.items_seen


def edition_items(store: Store, count: int, share: float) -> list[Item]:
    """`count` items: stored feed items (off topic) and `share` of them written on topic."""
    now = datetime.now(UTC)
    pool = store.candidates("x", now=now, lookback=timedelta(days=36500), since=None)
    rng = random.Random(6)
    on = int(count * share)
    items = []
    for index in range(count - on):
        source = pool[index % len(pool)]
        items.append(
            Item(
                f"off{index}",
                source.source,
                Origin.FEED,
                source.title,
                source.link,
                source.text,
                now,
                now - timedelta(hours=rng.uniform(1, 100)),
            )
        )
    for index in range(on):
        sentences = rng.sample(ON_TOPIC, 4)
        items.append(
            Item(
                f"on{index}",
                f"Outlet {index % 40}",
                Origin.FEED,
                sentences[0][:70],
                f"http://127.0.0.1/a/{index}",
                " ".join(sentences),
                now,
                now - timedelta(hours=rng.uniform(1, 100)),
            )
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05, help="server delay, seconds")
    parser.add_argument("--full-baseline", action="store_true", help="time the loop on all feeds")
    parser.add_argument(
        "--connections", type=int, default=40, help="fetch.connections (and per_host) for digest"
    )
    args = parser.parse_args()

    base, server = feedserver.start(args.feeds, args.delay)
    try:
        ready(base)
        run(base, args)
    finally:
        server.kill()


def run(base: str, args: argparse.Namespace) -> None:
    count = args.feeds
    step = 1 if args.full_baseline else 5
    sample = list(range(0, count, step))
    print(
        f"{count} feeds on {base}, {args.delay * 1000:.0f} ms per answer; baseline on "
        f"{len(sample)} feeds: sequential feedparser.parse(url); load average "
        f"{os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores"
    )

    base_cold, etags = baseline([f"{base}/f/{i}" for i in sample])
    base_warm, _ = baseline([f"{base}/f/{i}" for i in sample], etags)
    base_nv, _ = baseline([f"{base}/nv/{i}" for i in sample])

    # One host stands for hundreds of publishers here: let every connection go to it.
    conns = args.connections
    fetch = FetchSettings(per_host=conns, connections=conns)
    poller = Poller(fetch)
    fetch20 = FetchSettings(per_host=20, connections=20)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.sqlite3")
        with_tags = [
            FeedSource(f"f{i}", f"{base}/f/{i}", fetch, full_text=False) for i in range(count)
        ]
        no_tags = [
            FeedSource(f"nv{i}", f"{base}/nv/{i}", fetch, full_text=False) for i in range(count)
        ]
        cold, items = ours(with_tags, store, poller)
        warm, warm_items = ours(with_tags, store, poller)
        with_tags20 = [
            FeedSource(f"f{i}", f"{base}/f/{i}", fetch20, full_text=False) for i in range(count)
        ]
        warm20, warm20_items = ours(with_tags20, store, Poller(fetch20))
        ours(no_tags, store, poller)  # first sight of the no-validator feeds: parsed
        hashed, hashed_items = ours(no_tags, store, poller)
        assert warm_items == warm20_items == hashed_items == 0, "an unchanged feed was parsed again"

        ceiling = 20 / args.delay if args.delay else float("inf")
        rows = [
            (f"cold poll, {conns} connections (feeds/s)", cold, base_cold, "10x"),
            (f"warm poll, 304, {conns} connections (feeds/s)", warm, base_warm, "25x"),
            ("warm poll, 304, 20 connections (feeds/s)", warm20, base_warm, f"<= {ceiling:.0f}/s"),
            (f"warm poll, no validators, {conns} conn. (feeds/s)", hashed, base_nv, "-"),
        ]
        print(f"items parsed on the cold poll: {items}")
        print(f"{'figure':46} {'digest':>8} {'baseline':>9} {'ratio':>7}  target")
        for label, value, reference, target in rows:
            print(f"{label:46} {value:8.1f} {reference:9.1f} {value / reference:6.1f}x  {target}")
        print(
            f"(20 connections can carry at most 20 / {args.delay:g} s = {ceiling:.0f} answers/s, "
            f"{ceiling / base_warm:.1f}x this baseline: the 25x warm target needs more of them)"
        )

        edition_store = Store.open(Path(tmp) / "edition.sqlite3")
        now = datetime.now(UTC)
        edition_store.add_items(edition_items(store, 10_000, 0.05), now)
        config = Config.model_validate(
            {"archive": str(Path(tmp) / "archive"), "sources": [{"name": "x", "path": tmp}]}
        )
        with httpx.Client() as client:
            started = time.perf_counter()
            result = run_edition(
                config=config,
                sources=[],
                store=edition_store,
                client=client,
                now=now,
                since=timedelta(days=7),
            )
            took = time.perf_counter() - started
        tally = result.edition.tally
        assert tally is not None
        print(
            f"edition from {edition_store.count_items()} stored items "
            f"({tally.items_on_topic} on topic, {len(result.edition.stories)} stories): "
            f"{took:.2f} s, {edition_store.count_items() / took:.0f} items/s  (target < 10 s)"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak RSS: {own:.0f} MB this process, {workers:.0f} MB largest child "
        "(the feed server or a parse worker)  (target < 400 MB)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
