"""`digest eval threads DIR`: the developing-story rule on the labelled weeks' threads.

Every pair of items labelled on topic that report different events (`event` differs) is a case:
the rule should say "continues" when the two share a `thread` (a launch notice and the launch)
and not otherwise (two launches months apart). Each item is taken with its week's whole stream
for the rarity of its terms, as an edition takes it. Printed with the time window and without it,
since the window does much of the work.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import click

from digest.editorial import threads


@dataclass(frozen=True, slots=True)
class Case:
    week: str
    event: str
    thread: str
    day: date
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class ThreadScore:
    linked_same: int  # pairs of one thread that the rule links
    same: int
    linked_other: int  # pairs of different threads that the rule links
    other: int

    def line(self, name: str) -> str:
        return (
            f"{name}: same-thread pairs linked {self.linked_same}/{self.same}, "
            f"other pairs linked {self.linked_other}/{self.other}"
        )


def read_cases(root: Path) -> tuple[list[Case], dict[str, threads.Rarity]]:
    """The labelled on-topic items with an event, and each week's rarity of terms."""
    cases: list[Case] = []
    rarity: dict[str, threads.Rarity] = {}
    for labels in sorted(root.glob("*/labels.jsonl")):
        week = labels.parent.name
        items = {row["id"]: row for row in _rows(labels.parent / "items.jsonl")}
        rarity[week] = threads.Rarity.of([f"{r['title']} {r['text']}" for r in items.values()])
        for label in _rows(labels):
            item = items.get(label["id"])
            if label.get("on_topic") != 1 or not label.get("event") or item is None:
                continue
            cases.append(
                Case(
                    week,
                    label["event"],
                    label["thread"],
                    date.fromisoformat(item["date"][:10]),
                    threads.terms([item["title"], item["text"]]),
                )
            )
    return cases, rarity


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def score(
    cases: list[Case], rarity: dict[str, threads.Rarity], window: timedelta | None = None
) -> ThreadScore:
    linked_same = same = linked_other = other = 0
    for a, b in combinations(cases, 2):
        if a.event == b.event:
            continue
        weeks = rarity[a.week] if a.week == b.week else _joined(rarity[a.week], rarity[b.week])
        linked = threads.continues(a.terms, b.terms, a.day - b.day, weeks, window=window)
        if a.thread == b.thread:
            same += 1
            linked_same += linked
        else:
            other += 1
            linked_other += linked
    return ThreadScore(linked_same, same, linked_other, other)


def _joined(a: threads.Rarity, b: threads.Rarity) -> threads.Rarity:
    counts = dict(a.counts)
    for term, count in b.counts.items():
        counts[term] = counts.get(term, 0) + count
    return threads.Rarity(counts, a.items + b.items)


def report(root: Path) -> str:
    from digest.evaluation.thread_stories import evaluate

    cases, rarity = read_cases(root)
    return "\n".join(
        [
            score(cases, rarity).line(f"window {threads.WINDOW.days} days"),
            score(cases, rarity, window=timedelta(days=36500)).line("no window"),
            evaluate(root).line(),
        ]
    )


@click.command("threads")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def threads_command(folder: Path) -> None:
    """Measure the developing-story rule on the labelled weeks' threads under FOLDER.

    Pairs of on-topic items of different events: how many of one thread the rule links, and how
    many of different threads, with its time window and without it.
    """
    click.echo(report(folder))
