"""`digest eval crosslang`: cross-language story grouping on labelled pairs, alone and in context.

A labelled pair judged alone (a CrossLinks of its two items) says whether the rules see one
event in what the two share; an edition judges it among the period's other items, where the
period's everyday words drop out and a big event's cast is in every other item. So each pair
set is scored both ways: alone, and with the links computed over every item of the shared file
the pair comes from.

`--anchors` scores whole groupings: a file of anchor items, each with every item of the other
languages labelled as the same event (and, apart, those of its thread), read exhaustively
within the anchor's window. All items of each window are grouped as an edition groups them
(`group_items`, the window's items as the context), and the other-language items in the
anchor's story are compared with the labels: precision and recall of what a reader sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from digest.editorial.crosslang import CrossLinks
from digest.editorial.stories import GroupingSettings, group_items
from digest.errors import UsageError
from digest.evaluation.jsonl import json_rows
from digest.models import Item, Origin, Relevance, ScoredItem

__all__ = ["PairScore", "crosslang_command", "linked_alone", "shared_item"]

_SHARED = ("yonhap-naver-en-ko-ja-2025.jsonl", "nhk-yonhap-chosun-2025.jsonl")


@dataclass(frozen=True, slots=True)
class PairScore:
    found: int = 0  # same-event pairs linked
    same: int = 0
    wrong: int = 0  # different-event pairs linked
    different: int = 0

    def line(self) -> str:
        return f"found {self.found}/{self.same}, wrong {self.wrong}/{self.different}"

    def __add__(self, other: PairScore) -> PairScore:
        return PairScore(
            self.found + other.found,
            self.same + other.same,
            self.wrong + other.wrong,
            self.different + other.different,
        )


def shared_item(row: dict[str, str]) -> ScoredItem:
    """An item of the shared Japanese and Korean files; a bare date is noon in Seoul and Tokyo."""
    day = row.get("date") or "2025-01-01"
    when = datetime.fromisoformat(day if len(day) > 10 else day + "T12:00:00+09:00")
    item = Item(
        row["id"],
        row.get("publisher") or "",
        Origin.FEED,
        row.get("title") or "",
        row.get("url") or "",
        row.get("text") or "",
        when,
        when,
        lang=row.get("lang") or "en",
    )
    return ScoredItem(item, Relevance(0.5, True))


def _linked(links: CrossLinks, i: int, j: int) -> bool:
    i, j = min(i, j), max(i, j)
    return links.applies(i, j) and links.link(i, j) > 0


def linked_alone(a: ScoredItem, b: ScoredItem, hours: float) -> bool:
    """Are two items in different languages linked, judged with no other item about?"""
    two = CrossLinks([a, b], hours)
    return (0, 1) in two.candidates() and _linked(two, 0, 1)


class _Period:
    """One shared file's items with their cross-language links, computed once."""

    def __init__(self, items: Sequence[ScoredItem], hours: float) -> None:
        self.items = list(items)
        self.index = {s.item.id: k for k, s in enumerate(self.items)}
        self.links = CrossLinks(self.items, hours)
        self.candidates = set(self.links.candidates())

    def linked(self, a: str, b: str) -> bool:
        i, j = sorted((self.index[a], self.index[b]))
        return (i, j) in self.candidates and _linked(self.links, i, j)


def _read_shared(folder: Path) -> dict[str, list[ScoredItem]]:
    files: dict[str, list[ScoredItem]] = {}
    for name in _SHARED:
        path = folder / name
        if not path.is_file():
            raise UsageError(f"{path}: no such file (the shared lang folder holds it)")
        files[name] = [shared_item(row) for _, row in json_rows(path)]
    return files


Scores = dict[str, tuple[PairScore, PairScore]]


def score_pairs(
    rows: Iterable[dict[str, object]], periods: Sequence[_Period], hours: float
) -> Scores:
    """(alone, in context) for labelled pairs {"a", "b", "same"}: all of them under "", and
    those of each pair of languages under its name ("en/ko", "ja/ko")."""
    scores: Scores = {}
    for row in rows:
        a, b, same = str(row["a"]), str(row["b"]), bool(row["same"])
        period = next((p for p in periods if a in p.index and b in p.index), None)
        if period is None:
            raise UsageError(f"pair {a} / {b}: not both in one shared file")
        x, y = period.items[period.index[a]], period.items[period.index[b]]
        together, in_context = linked_alone(x, y, hours), period.linked(a, b)
        for key in ("", "/".join(sorted((x.item.lang or "en", y.item.lang or "en")))):
            alone, context = scores.get(key, (PairScore(), PairScore()))
            scores[key] = (_tally(alone, same, together), _tally(context, same, in_context))
    return scores


def _tally(score: PairScore, same: bool, linked: bool) -> PairScore:
    return score + PairScore(same and linked, same, linked and not same, not same)


@dataclass(frozen=True, slots=True)
class AnchorScore:
    shown: int = 0  # other-language items in the anchor's story
    right: int = 0  # of those, labelled the same event
    thread: int = 0  # of those, labelled the anchor's thread (another event)
    labelled: int = 0  # items labelled the same event
    anchors: int = 0
    skipped: tuple[str, ...] = ()  # anchors whose item is outside its window (no date)

    def line(self) -> str:
        precision = f"{self.right / self.shown:.2f}" if self.shown else "n/a"
        recall = f"{self.right / self.labelled:.2f}" if self.labelled else "n/a"
        skipped = f"; skipped, outside their windows: {', '.join(self.skipped)}"
        return (
            f"{self.anchors} anchors: precision {precision} ({self.right}/{self.shown}; "
            f"{self.thread} of one thread), recall {recall} ({self.right}/{self.labelled})"
            + (skipped if self.skipped else "")
        )


def score_anchors(
    rows: Sequence[dict[str, object]],
    files: dict[str, list[ScoredItem]],
    settings: GroupingSettings,
) -> AnchorScore:
    """Group each labelled window's items as an edition does; compare the anchors' stories."""
    home = {s.item.id: (name, s) for name, items in files.items() for s in items}
    windows: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    skipped: list[str] = []
    for row in rows:
        anchor = str(row["anchor"])
        if anchor not in home:
            raise UsageError(f"anchor {anchor}: in no shared file")
        name, item = home[anchor]
        window = row.get("window")
        if isinstance(window, list) and len(window) == 2:
            first, last = str(window[0]), str(window[1])
        else:  # a day either side of the anchor
            day = _day(item)
            first, last = str(day - timedelta(days=1)), str(day + timedelta(days=1))
        if not first <= str(_day(item)) <= last:  # undated in the crawl, say: not placed
            skipped.append(anchor)
            continue
        windows.setdefault((name, first, last), []).append(row)
    score = AnchorScore(skipped=tuple(skipped))
    for (name, first, last), anchored in sorted(windows.items()):
        pool = [s for s in files[name] if first <= str(_day(s)) <= last]
        groups = group_items(pool, settings, pool)
        story = {s.item.id: k for k, group in enumerate(groups) for s in group}
        lang = {s.item.id: s.item.lang for s in pool}
        for row in anchored:
            anchor = str(row["anchor"])
            same = {str(x) for x in _ids(row.get("same"))}
            thread = {str(x) for x in _ids(row.get("thread"))}
            shown = {
                other
                for other, k in story.items()
                if k == story[anchor] and lang[other] != lang[anchor]
            }
            score = AnchorScore(
                score.shown + len(shown),
                score.right + len(shown & same),
                score.thread + len(shown & thread),
                score.labelled + len(same & story.keys()),
                score.anchors + 1,
                score.skipped,
            )
    return score


def _day(s: ScoredItem) -> date:
    return (s.item.published or s.item.seen_at).date()


def _ids(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


@click.command("crosslang")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument(
    "pair_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--anchors",
    "anchor_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Exhaustively labelled anchors: score whole groupings of their windows.",
)
def crosslang_command(folder: Path, pair_files: tuple[Path, ...], anchor_file: Path | None) -> None:
    """Cross-language links on labelled pairs (alone and in their period), and groupings.

    FOLDER is the shared `eval/lang` folder; each PAIR_FILE holds {"a", "b", "same", "why"}.
    """
    settings = GroupingSettings()
    hours = settings.cross_language_gap_hours
    files = _read_shared(folder)
    if pair_files:
        periods = [_Period(items, hours) for items in files.values()]
        totals: Scores = {}
        for path in pair_files:
            scores = score_pairs((row for _, row in json_rows(path)), periods, hours)
            alone, context = scores[""] if scores else (PairScore(), PairScore())
            click.echo(f"{path.name}: alone {alone.line()}; in context {context.line()}")
            for key, (a, c) in scores.items():
                was_a, was_c = totals.get(key, (PairScore(), PairScore()))
                totals[key] = (was_a + a, was_c + c)
        if len(pair_files) > 1:  # where the misses are: each pair of languages, all sets
            for key, (alone, context) in sorted(totals.items()):
                label = f"{key or 'all'} pairs, every set"
                click.echo(f"{label}: alone {alone.line()}; in context {context.line()}")
    if anchor_file is not None:
        rows = [row for _, row in json_rows(anchor_file)]
        click.echo(f"{anchor_file.name}: {score_anchors(rows, files, settings).line()}")
