"""Archive scale: `python benchmarks/bench_archive.py [--editions 4000]` (from the project root).

A ten-year daily digest has ~3,650 editions. This records `--editions` daily editions of 8
stories each (two outlets per story, three-sentence summaries: about the size of a real week's
edition) straight into a store, then measures on this machine:

- `rebuild` of the whole archive (every page, index page, search piece), cold;
- a publish (record + write what it changes) into that archive, median of `--runs`, beside a
  publish into an archive holding one edition and one holding `--middle` (a year and more: a
  full feed, year page and month piece), alternating, in the same run;
- the largest page, the largest search file, and the search page's first load (the page, its
  manifest and the newest piece: what a browser fetches before anyone types).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.config import Config  # noqa: E402
from digest.edition import edition_record, publish, rebuild  # noqa: E402
from digest.models import Edition, Item, Origin, Relevance, ScoredItem, Story  # noqa: E402
from digest.publish import archive, codec  # noqa: E402
from digest.store import Store  # noqa: E402

_TEXT = (
    "Japan North Korea abduction talks missile sanctions Tokyo Pyongyang families government "
    "minister summit launch ballistic remains Chongryon ship trade envoy statement officials "
    "cabinet negotiations Red Cross Ulaanbaatar reinvestigation resolution coast guard"
)
WORDS = _TEXT.split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def edition(rng: random.Random, day: datetime, number: int) -> Edition:
    stories = []
    for index in range(8):
        items = []
        for outlet in range(2):
            text = " ".join(sentence(rng, rng.randint(12, 25)) for _ in range(8))
            item = Item(
                f"e{number}s{index}o{outlet}",
                f"Outlet {rng.randint(1, 40)}",
                Origin.FEED,
                sentence(rng, 9)[:-1],
                f"https://news.example.org/{number}/{index}/{outlet}",
                text,
                day,
                day - timedelta(hours=rng.uniform(1, 20)),
            )
            items.append(ScoredItem(item, Relevance(0.8, True, ("japan", "north korea"))))
        summary = tuple(sentence(rng, rng.randint(14, 22)) for _ in range(3))
        stories.append(
            Story(f"{number:05d}{index:05d}", items[0], tuple(items[1:]), summary, "Other")
        )
    return Edition(
        digest="Daily Brief",
        slug="daily",
        date=day,
        since=day - timedelta(days=1),
        until=day,
        stories=tuple(stories),
        brief=tuple(s.summary[0] for s in stories[:3]),
    )


def recording(store: Store, root: Path, editions: Iterable[Edition]) -> None:
    """Record many editions quickly: the set-up skips SQLite's syncs, the timed publishes don't."""
    store.db.execute("PRAGMA synchronous = OFF")
    for made in editions:
        record(store, root, made)
    store.db.execute("PRAGMA synchronous = FULL")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # on disk now, not during a publish


def record(store: Store, root: Path, made: Edition) -> None:
    """Record an edition as publish would, without writing its files (the set-up's shortcut)."""
    html, text = archive.edition_paths(root, made.date, made.slug)
    store.add_items([s.item for story in made.stories for s in story.items], made.until)
    store.record_edition(
        edition_record(made, root=root, html=html, text=text),
        [s for story in made.stories for s in story.items],
        codec.dumps(made, archive_root=root.resolve().as_posix()),
    )


def timed_publish(config: Config, store: Store, day: datetime, number: int) -> float:
    made = edition(random.Random(number), day, number)
    store.add_items([s.item for story in made.stories for s in story.items], made.until)
    started = time.perf_counter()
    publish(config=config, store=store, edition=made)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--middle", type=int, default=400, help="editions of a third archive (a year and more)"
    )
    args = parser.parse_args()
    rng = random.Random(5)
    first = datetime(2016, 1, 1, 7, tzinfo=UTC)
    after = first + timedelta(days=args.editions)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        small_root, big_root = Path(tmp) / "one", Path(tmp) / "many"
        middle_root = Path(tmp) / "middle"
        configs = [
            Config.model_validate({"archive": str(r), "sources": [{"name": "x", "path": tmp}]})
            for r in (small_root, big_root, middle_root)
        ]
        small = Store.open(small_root / archive.DATABASE_NAME)
        timed_publish(configs[0], small, after, 900_000)
        middle = Store.open(middle_root / archive.DATABASE_NAME)
        numbers = range(args.editions - args.middle, args.editions)
        days = ((first + timedelta(days=n), n) for n in numbers)
        recording(middle, middle_root, (edition(rng, day, n) for day, n in days))
        rebuild(config=configs[2], store=middle)

        big = Store.open(big_root / archive.DATABASE_NAME)
        started = time.perf_counter()
        days = ((first + timedelta(days=n), n) for n in range(args.editions))
        recording(big, big_root, (edition(rng, day, n) for day, n in days))
        made = time.perf_counter() - started
        started = time.perf_counter()
        written = rebuild(config=configs[1], store=big)
        rebuilt = time.perf_counter() - started
        print(
            f"{args.editions} editions recorded in {made:.1f} s; rebuild: {rebuilt:.1f} s, "
            f"{len(written)} files written (load {os.getloadavg()[0]:.1f})"
        )
        os.sync()  # what the set-up wrote is on disk before anything is timed
        # Alternate, so both see the same load.
        one: list[float] = []
        many: list[float] = []
        year: list[float] = []
        for run in range(args.runs):
            day = after + timedelta(days=1 + run)
            one.append(timed_publish(configs[0], small, day, 900_001 + run))
            many.append(timed_publish(configs[1], big, day, 900_001 + run))
            year.append(timed_publish(configs[2], middle, day, 900_001 + run))
        ratio = statistics.median(many) / statistics.median(one)
        print(
            f"publish with 1 edition:   median {statistics.median(one):.3f} s  "
            f"({' '.join(f'{t:.3f}' for t in one)})"
        )
        print(
            f"publish with {args.middle + 1}+:  median {statistics.median(year):.3f} s  "
            f"({' '.join(f'{t:.3f}' for t in year)})"
        )
        print(
            f"publish with {args.editions + 1}+:  median {statistics.median(many):.3f} s  "
            f"({' '.join(f'{t:.3f}' for t in many)})  ratio {ratio:.2f}x  (target < 2x); "
            f"{statistics.median(many) / statistics.median(year):.2f}x the {args.middle + 1}+ one"
        )
        files = [p for p in big_root.rglob("*") if p.is_file() and p.suffix in (".html", ".js")]
        page = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
        script = max((p for p in files if p.suffix == ".js"), key=lambda p: p.stat().st_size)
        pieces = sorted(big_root.glob("*/search-*.js"))
        first_load = (
            sum(p.stat().st_size for p in (big_root / "search.html", big_root / "search-index.js"))
            + max(pieces).stat().st_size
        )
        all_pieces = sum(p.stat().st_size for p in pieces)
        print(
            f"largest page: {page.relative_to(big_root)} {page.stat().st_size / 1000:.0f} KB "
            f"(target < 300 KB); largest search file: {script.relative_to(big_root)} "
            f"{script.stat().st_size / 1000:.0f} KB"
        )
        print(
            f"search page's first load: {first_load / 1000:.0f} KB (target < 500 KB); "
            f"the whole index: {all_pieces / 1e6:.1f} MB in {len(pieces)} pieces"
        )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
