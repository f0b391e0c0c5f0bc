"""Median `digest search` query time over 100,000 synthetic items.

    PYTHONPATH=. python benchmarks/bench_search.py [--items 100000] [--repeat 15]
    PYTHONPATH=. python benchmarks/bench_search.py --automerge 4,8,16 --items 15000

Items go in through Store.add_items, then `Store.index_pending` puts them into the FTS
indexes, as the first search after a poll does (since migration 9 storing leaves that to it);
the store is a real SQLite file in a temporary folder. Prints the time to store, the time to
index and, for each query, the median over the repeats; the last line is the median over all
queries. With `--automerge`, it instead stores the items in batches of 250 (as a poll does) into
in-memory stores whose FTS indexes merge that many segments at a time, indexing after each
batch, alternating over 5 rounds, and prints the median CPU time of storing and indexing and of
the queries for each setting (the store uses 8 since migration 7).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from digest.models import Item, Origin
from digest.store import SearchFilters, Store
from digest.store.query import search

# Word frequencies: each common word is in about 7 items of 10, each topical one in about 2 of
# 10 (a digest's archive is all on one topic), the filler words are rare.
COMMON = tuple(
    str.split(
        "japan north korea pyongyang tokyo government minister talks said officials foreign"
        " ministry statement week meeting security issue summit envoy relations"
    )
)
TOPICAL = tuple(
    str.split(
        "abduction abductees missile ballistic sanctions remains burial chongryon red cross"
        " launch hokkaido eez families repatriation nuclear diplomats ulaanbaatar shenyang"
    )
)
FILLER = [f"word{n}" for n in range(5000)]
SOURCES = ("Wire", "NK News", "Yonhap", "Japan Times", "Clippings")

QUERIES: tuple[tuple[str, SearchFilters], ...] = (
    ("abduction", SearchFilters()),
    ("japan", SearchFilters()),
    ('"red cross" remains', SearchFilters()),
    ("abduct*", SearchFilters()),
    ("missile OR sanctions", SearchFilters()),
    ("word4242", SearchFilters()),
    ("summit envoy", SearchFilters(since=date(2012, 1, 1), until=date(2012, 12, 31))),
    ("sanctions", SearchFilters(source="Yonhap")),
)


def synthetic(count: int, seed: int = 4) -> list[Item]:
    rng = random.Random(seed)
    start = datetime(2005, 1, 1, tzinfo=UTC)
    items = []
    for number in range(count):

        def words(n: int) -> str:
            return " ".join(
                rng.choice(COMMON)
                if r < 0.5
                else rng.choice(TOPICAL)
                if r < 0.6
                else rng.choice(FILLER)
                for r in (rng.random() for _ in range(n))
            )

        when = start + timedelta(minutes=rng.randrange(20 * 365 * 24 * 60))
        items.append(
            Item(
                id=f"bench:{number}",
                source=rng.choice(SOURCES),
                origin=Origin.FEED,
                title=words(9).capitalize(),
                link=f"http://news.invalid/{number}",
                text=words(rng.randrange(80, 250)),
                seen_at=when,
                published=when,
            )
        )
    return items


def compare_automerge(items: list[Item], settings: list[int], rounds: int = 5) -> None:
    storing: dict[int, list[float]] = {n: [] for n in settings}
    querying: dict[int, list[float]] = {n: [] for n in settings}
    for _ in range(rounds):
        for setting in settings:
            store = Store.memory()
            for table in ("items_fts", "items_cjk"):
                store.db.execute(
                    f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', ?)", (setting,)
                )
            began = time.process_time()
            for offset in range(0, len(items), 250):
                store.add_items(items[offset : offset + 250], datetime.now(UTC))
                store.index_pending()
            storing[setting].append(time.process_time() - began)
            times = []
            for query, filters in QUERIES:
                search(store, query, filters)
                began = time.process_time()
                for _ in range(5):
                    search(store, query, filters)
                times.append((time.process_time() - began) / 5 * 1000)
            querying[setting].append(statistics.median(times))
            store.close()
    for setting in settings:
        rounds_text = " ".join(f"{t:.2f}" for t in storing[setting])
        print(
            f"automerge {setting:2d}: storing {statistics.median(storing[setting]):.2f} CPU-s "
            f"({rounds_text}); median query {statistics.median(querying[setting]):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--automerge", help="settings to compare, e.g. 4,8,16")
    args = parser.parse_args()
    if args.automerge:
        compare_automerge(synthetic(args.items), [int(n) for n in args.automerge.split(",")])
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.sqlite3")
        items = synthetic(args.items)
        began = time.perf_counter()
        for offset in range(0, len(items), 5000):
            store.add_items(items[offset : offset + 5000], datetime.now(UTC))
        print(f"stored {store.count_items()} items in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        store.index_pending()
        print(f"indexed them for search in {time.perf_counter() - began:.1f} s")
        medians = []
        for query, filters in QUERIES:
            search(store, query, filters)  # warm the page cache
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                hits = search(store, query, filters)
                times.append(time.perf_counter() - began)
            median = statistics.median(times) * 1000
            medians.append(median)
            print(f"{median:8.2f} ms  {len(hits):3d} hits  {query!r} {_describe(filters)}")
        print(f"median query time over {args.items} items: {statistics.median(medians):.2f} ms")
        store.close()


def _describe(filters: SearchFilters) -> str:
    parts = [f"{k}={v}" for k in ("since", "until", "source") if (v := getattr(filters, k))]
    return " ".join(parts)


if __name__ == "__main__":
    main()
