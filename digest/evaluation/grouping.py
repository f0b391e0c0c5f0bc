"""`digest eval grouping`: story grouping alone, on every labelled on-topic item.

`digest eval weeks` scores grouping only on the items the topic filter lets in, which are few.
Here each week's labelled on-topic items are grouped directly (bypassing relevance), with the
week's whole feed stream as the context that weighs terms, as an edition takes it. Printed per
half of the weeks (A/B by the stable hash `digest eval weeks` uses: tune on A, report on B):
pair precision by thread and by event, pair recall and stories per event.

With `--pairs` (the hand-labelled pairs of tests/data/story-pairs.json) and `--dev` (the items
they name), the dev items are grouped at once and the pairs scored, split in halves by a stable
hash of the pair's ids.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from digest.editorial.stories import GroupingSettings, group_items
from digest.evaluation.jsonl import json_rows
from digest.evaluation.weeks import (
    Label,
    grouping_counts,
    half_of,
    read_labels,
    week_clock,
    week_folders,
)
from digest.models import Item, Origin, Relevance, ScoredItem
from digest.sources.feeds import parse_feed

__all__ = ["GroupScore", "pair_half", "score_groups", "week_items"]


@dataclass(frozen=True, slots=True)
class GroupScore:
    thread_pairs: int = 0  # labelled pairs put in one story
    same_thread: int = 0
    event_pairs: int = 0
    same_event: int = 0
    mates: int = 0  # pairs of one event
    together: int = 0  # of those, put in one story
    events: int = 0
    event_stories: int = 0  # stories the events are spread over

    def __add__(self, other: GroupScore) -> GroupScore:
        return GroupScore(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))

    def line(self, name: str) -> str:
        return (
            f"{name}: pair precision thread {_rate(self.same_thread, self.thread_pairs)} "
            f"event {_rate(self.same_event, self.event_pairs)} ({self.event_pairs} pairs); "
            f"pair recall {_rate(self.together, self.mates)} ({self.together}/{self.mates}); "
            f"stories per event {_ratio(self.event_stories, self.events)} ({self.events} events)"
        )


def _values(score: GroupScore) -> tuple[int, ...]:
    return tuple(getattr(score, name) for name in score.__slots__)


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


def score_groups(groups: Sequence[Sequence[str]], labels: dict[str, Label]) -> GroupScore:
    """Pair precision and recall of groups of labelled ids against the labels."""
    return GroupScore(*grouping_counts(groups, labels))


def week_items(folder: Path) -> list[ScoredItem]:
    """Every item of the week's feeds, as the pipeline reads them, with its labelled id."""
    ids = {
        str(r.get("url", "")): str(r.get("id", "")) for _, r in json_rows(folder / "items.jsonl")
    }
    now = week_clock(folder.name)
    items = []
    for feed in sorted((folder / "feeds").glob("*.xml")):
        batch = parse_feed(feed.read_bytes(), source=feed.stem, now=now, headers={})
        for item in batch.items:
            labelled = ids.get(item.link) or ids.get(item.id) or item.id
            items.append(ScoredItem(_with_id(item, labelled), Relevance(0.5, True)))
    return items


def _with_id(item: Item, new_id: str) -> Item:
    return Item(
        id=new_id,
        source=item.source,
        origin=item.origin,
        title=item.title,
        link=item.link,
        text=item.text,
        seen_at=item.seen_at,
        published=item.published,
        lang=item.lang,
    )


def evaluate_weeks(
    root: Path, settings: GroupingSettings, whole_stream: bool = False
) -> list[tuple[str, GroupScore]]:
    results = []
    for folder in week_folders(root):
        labels = read_labels(folder / "labels.jsonl")
        stream = week_items(folder)
        on_topic = [s for s in stream if (lab := labels.get(s.item.id)) and lab.on_topic == 1]
        groups = group_items(stream if whole_stream else on_topic, settings, stream)
        results.append(
            (folder.name, score_groups([[s.item.id for s in g] for g in groups], labels))
        )
    return results


def pair_half(a: str, b: str) -> str:
    """A stable half for a labelled pair, whichever way round it is written."""
    key = "\n".join(sorted((a, b)))
    return "AB"[int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2]


def dev_items(path: Path) -> list[ScoredItem]:
    """The relevance dev items; undated ones (AG News, CNN) share one time."""
    items = []
    for _, row in json_rows(path):
        pub = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC) if row["date"] else None
        item = Item(
            id=row["id"],
            source=row["publisher"],
            origin=Origin.FEED,
            title=row["title"],
            link="",
            text=row["text"],
            seen_at=pub or datetime(2004, 10, 1, tzinfo=UTC),
            published=pub,
        )
        items.append(ScoredItem(item, Relevance(float(row["label"]), bool(row["label"]))))
    return items


def score_pairs(
    groups: Iterable[Sequence[ScoredItem]], pairs: Sequence[dict[str, str]]
) -> dict[str, tuple[int, int, int, int]]:
    """Per half: (wrong merges, different pairs, same pairs found, same pairs)."""
    group_of = {s.item.id: k for k, g in enumerate(groups) for s in g}
    out = {}
    for half in "AB":
        mine = [p for p in pairs if pair_half(p["a"], p["b"]) == half]
        joined = [p for p in mine if group_of.get(p["a"], -1) == group_of.get(p["b"], -2)]
        out[half] = (
            sum(p["label"] == "different" for p in joined),
            sum(p["label"] == "different" for p in mine),
            sum(p["label"] == "same" for p in joined),
            sum(p["label"] == "same" for p in mine),
        )
    return out


@click.command("grouping")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--pairs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dev", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--whole-stream",
    is_flag=True,
    help="Group every item of each week, as if the topic filter let all in (a stress test).",
)
def grouping_command(
    folder: Path, pairs: Path | None, dev: Path | None, whole_stream: bool
) -> None:
    """Group each week's labelled on-topic items under FOLDER (no topic filter) and score it."""
    settings = GroupingSettings()
    results = evaluate_weeks(folder, settings, whole_stream)
    for name, score in results:
        if score.mates or score.event_pairs:
            click.echo(score.line(f"{name} ({half_of(name)})"))
    for half in "AB":
        part = sum((s for n, s in results if half_of(n) == half), GroupScore())
        click.echo(part.line(f"half {half}"))
    click.echo(sum((s for _, s in results), GroupScore()).line("total"))
    if pairs and dev:
        labelled = json.loads(pairs.read_text(encoding="utf-8"))["pairs"]
        for half, (wrong, different, found, same) in score_pairs(
            group_items(dev_items(dev), settings), labelled
        ).items():
            click.echo(
                f"pairs half {half}: wrong merges {wrong}/{different}, same found {found}/{same}"
            )
