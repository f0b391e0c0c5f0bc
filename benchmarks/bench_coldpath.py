"""The cold path stage by stage, in CPU-seconds: `python benchmarks/bench_coldpath.py`.

What a cold poll does with the bytes once they arrived, on the benchmark's feeds (those of
`benchmarks/feedserver.py`, built from ../shared/eval/feeds/real), each stage timed alone in
this process (`time.process_time`, so the figure is CPU, not a share of a busy machine):

- parse: documents to entries, by the lxml fast path or feedparser (how many feeds and bytes
  each took is printed: feedparser is the slow one);
- flatten: entries to Items (HTML fragments to text, whitespace, ids, dates);
- clip + language: the caps and the language guess every item gets before it is stored;
- store: the INSERTs in the poll's batches, as a poll does them (each item's search rows are
  registered and marked pending by the triggers; since migration 9 nothing is indexed then);
- full-text index: putting those items into both FTS5 indexes, as the first search after the
  poll does (`Store.index_pending`): not part of a run any more, printed for what it costs.

A run spreads parse and flatten over worker processes, and stores on a thread of its own while
the poll goes on (see digest/sources/poller.py); this gives each stage's cost, which bounds
what those can overlap.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedserver  # noqa: E402

from digest.language.detect import with_language  # noqa: E402
from digest.models import Item  # noqa: E402
from digest.sources import entries  # noqa: E402
from digest.sources.fastfeed import parse_fast  # noqa: E402
from digest.sources.limits import clip_item  # noqa: E402
from digest.store import Store  # noqa: E402

HEADERS = {"content-type": "application/xml"}


def timed(label: str, work: Any, *args: Any) -> Any:
    started = time.process_time()
    result = work(*args)
    print(f"  {label:26} {time.process_time() - started:6.2f} CPU-s")
    return result


def parse_all(feeds: list[bytes]) -> list[list[Any]]:
    fast = slow = slow_bytes = 0
    found = []
    for data in feeds:
        got = parse_fast(data, HEADERS)
        if got is None:
            got, _ = entries._feedparser_entries(data, HEADERS)
            slow, slow_bytes = slow + 1, slow_bytes + len(data)
        else:
            fast += 1
        found.append(got)
    print(f"  ({fast} feeds on the fast path, {slow} ({slow_bytes / 1e6:.1f} MB) to feedparser)")
    return found


def flatten(found: list[list[Any]], now: datetime) -> list[Item]:
    return [
        entries._item(entry, f"feed {number}", now)
        for number, feed in enumerate(found)
        for entry in feed
    ]


def store_all(items: list[Item], now: datetime) -> tuple[float, float]:
    """CPU-seconds to store `items` in the poll's batches, and then to index them."""
    with tempfile.TemporaryDirectory(prefix="bench-coldpath-") as folder:
        store = Store.open(Path(folder) / "digest.sqlite3")
        try:
            started = time.process_time()
            for start in range(0, len(items), 500):  # the poll's batches
                store.add_items(items[start : start + 500], now)
            stored = time.process_time()
            store.index_pending()
            return stored - started, time.process_time() - stored
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    args = parser.parse_args()
    feeds = feedserver.build_feeds(args.feeds)
    now = datetime.now(UTC)
    size = sum(map(len, feeds)) / 1e6
    print(f"{args.feeds} feeds, {size:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    found = timed("parse", parse_all, feeds)
    items = timed("flatten", flatten, found, now)
    items = timed("clip + language", lambda: [with_language(clip_item(i)) for i in items])
    chars = sum(len(i.title) + len(i.text) for i in items) / 1e6
    print(f"  ({len(items)} items, {chars:.1f} M characters of title and text)")
    stored, indexed = store_all(items, now)
    print(f"  {'store':26} {stored:6.2f} CPU-s")
    print(f"  {'full-text index (deferred)':26} {indexed:6.2f} CPU-s")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
