"""Time `group_items` on 10,000 synthetic-but-realistic items.

Real texts are read by path from the shared evaluation data (never copied into the project):
each real article becomes one "event" reported by 1-30 outlets, as identical wire copy, a
rewrite (sentences dropped, words swapped, headline reworded) or a headline-and-snippet,
published within a day of each other across a week. Prints the median time of a few runs and
how many groups mix two source articles (a rough purity check: a few real articles in the
shared set are themselves about the same event).

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_stories.py [--items 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.editorial.stories import GroupingSettings, group_items
from digest.models import Item, Origin, Relevance, ScoredItem

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
OUTLETS = [f"outlet-{i:02d}" for i in range(40)]
FILLERS = ["reportedly", "officials said", "according to sources", "meanwhile", "it said"]


def load_bases(shared: Path) -> list[tuple[str, str]]:
    bases: list[tuple[str, str]] = []
    with (shared / "relevance-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["title"] and len(row["text"]) > 60:
                bases.append((row["title"], row["text"]))
    with (shared / "summaries-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            headline = row["reference"].split("\n")[0]
            bases.append((headline, row["article"][:3000]))
    return bases


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def rewrite(title: str, text: str, rng: random.Random) -> tuple[str, str]:
    sents = sentences(text)
    kept = [s for i, s in enumerate(sents) if i == 0 or rng.random() > 0.3]
    words = " ".join(kept).split()
    for _ in range(max(1, len(words) // 15)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
    head = title.split()
    if len(head) > 4:
        i = rng.randrange(len(head) - 1)
        head[i], head[i + 1] = head[i + 1], head[i]
    return " ".join(head), " ".join(words)


def build(n: int, seed: int = 7) -> list[ScoredItem]:
    rng = random.Random(seed)
    bases = load_bases(SHARED)
    rng.shuffle(bases)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    items: list[ScoredItem] = []
    event = 0
    while len(items) < n:
        title, text = bases[event % len(bases)]
        # A base used again (only if --items is very large) lands in a later month.
        month = timedelta(days=30 * (event // len(bases)))
        when = start + month + timedelta(hours=rng.uniform(0, 24 * 7))
        copies = min(n - len(items), rng.choice([1, 1, 2, 3, 4, 6, 8, 10, 15, 30]))
        for c in range(copies):
            kind = rng.random()
            if kind < 0.4:
                t, x = title, text
            elif kind < 0.8:
                t, x = rewrite(title, text, rng)
            else:
                t, x = title, text[:200]
            item = Item(
                id=f"ev{event}-{c}",
                source=rng.choice(OUTLETS),
                origin=Origin.FEED,
                title=t,
                link=f"https://example.org/{event}/{c}",
                text=x,
                seen_at=when + timedelta(hours=rng.uniform(0, 12)),
                published=when + timedelta(hours=rng.uniform(0, 12)),
            )
            score = rng.random()
            items.append(ScoredItem(item, Relevance(score=score, on_topic=score > 0.5)))
        event += 1
    rng.shuffle(items)
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (SHARED / "relevance-dev.jsonl").exists():
        print(f"shared evaluation data not found under {SHARED}", file=sys.stderr)
        return 2
    items = build(args.items)
    settings = GroupingSettings()
    times = []
    groups: list[list[ScoredItem]] = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        groups = group_items(items, settings)
        times.append(time.perf_counter() - t0)
    events = len({s.item.id.split("-")[0] for s in items})
    mixed = sum(len({s.item.id.split("-")[0] for s in g}) > 1 for g in groups)
    print(
        f"items={len(items)} events={events} groups={len(groups)} "
        f"multi-item groups={sum(len(g) > 1 for g in groups)} groups mixing events={mixed}"
    )
    print(
        f"median {statistics.median(times):.2f}s over {args.runs} runs "
        f"(min {min(times):.2f}s, max {max(times):.2f}s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
