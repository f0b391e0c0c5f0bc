"""What one story across languages costs: `group_items` over a real trilingual crawl.

The 3,709 items of ../shared/eval/lang/yonhap-naver-en-ko-ja-2025.jsonl (Yonhap, Korea Herald
and JoongAng Daily in English, Yonhap in Korean and Japanese, Korean outlets; 25 Dec - 6 Jan),
read by path, all grouped at once as one period's stream would be. Prints the CPU time of the
grouping (the median of a few runs, caches cleared between runs) and how many stories hold
items of two languages or more.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_crosslang.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from digest.editorial.stories import GroupingSettings, group_items
from digest.models import Item, Origin, Relevance, ScoredItem

CRAWL = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "eval"
    / "lang"
    / "yonhap-naver-en-ko-ja-2025.jsonl"
)


def load(path: Path) -> list[ScoredItem]:
    items = []
    with path.open(encoding="utf-8") as lines:
        for row in map(json.loads, lines):
            day = row["date"] or "2025-12-31"
            when = datetime.fromisoformat(day if len(day) > 10 else day + "T12:00:00+09:00")
            item = Item(
                row["id"],
                row["publisher"],
                Origin.FEED,
                row["title"],
                row.get("url") or "",
                row["text"] or "",
                when,
                when,
                lang=row["lang"],
            )
            items.append(ScoredItem(item, Relevance(0.5, True)))
    return items


def _clear_caches() -> None:
    from digest.language import anchors, morphemes

    for module in (anchors, morphemes):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    for name in ("digest.language.sino", "digest.language.sounds", "digest.language.glosses"):
        module = sys.modules.get(name)
        for value in vars(module).values() if module else ():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not CRAWL.exists():
        print(f"{CRAWL} is absent: nothing to measure")
        return 0
    items = load(CRAWL)
    settings = GroupingSettings()
    times = []
    groups: list[list[ScoredItem]] = []
    for _ in range(args.runs):
        _clear_caches()
        begin = time.process_time()
        groups = group_items(items, settings)
        times.append(time.process_time() - begin)
    mixed = sum(1 for g in groups if len({s.item.lang for s in g}) > 1)
    print(
        f"{len(items)} items ({sum(s.item.lang != 'en' for s in items)} Japanese or Korean):"
        f" {statistics.median(times):.2f} CPU-s (median of {args.runs}; runs"
        f" {', '.join(f'{t:.2f}' for t in times)}), {len(groups)} stories,"
        f" {mixed} with two languages or more"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
