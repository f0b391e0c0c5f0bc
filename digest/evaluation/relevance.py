"""Measure the topic filter on a labelled JSONL file: precision, recall, F1, and what it missed.

Each input line is a JSON object with `title`, `text` and `label` (1 on topic, 0 not); `id`,
`borderline` (a call an editor could make either way) and other fields are optional.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from digest.editorial.relevance import TopicSettings, score_item
from digest.errors import DigestError
from digest.evaluation.jsonl import json_rows

__all__ = [
    "ItemResult",
    "RelevanceReport",
    "Scores",
    "evaluate_relevance",
    "format_report",
    "relevance_command",
    "write_results",
]


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One labelled item and how the filter judged it."""

    id: str
    title: str
    label: int
    borderline: bool
    score: float
    on_topic: bool
    matched: tuple[str, ...]

    @property
    def correct(self) -> bool:
        return self.on_topic == bool(self.label)


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 over a set of items, with the counts they come from."""

    items: int
    positives: int
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        kept = self.true_pos + self.false_pos
        return self.true_pos / kept if kept else 0.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, results: Iterable[ItemResult]) -> Scores:
        rows = list(results)
        return cls(
            items=len(rows),
            positives=sum(1 for r in rows if r.label),
            true_pos=sum(1 for r in rows if r.label and r.on_topic),
            false_pos=sum(1 for r in rows if not r.label and r.on_topic),
            false_neg=sum(1 for r in rows if r.label and not r.on_topic),
        )


@dataclass(frozen=True, slots=True)
class RelevanceReport:
    """Figures on all items and on the clear (non-borderline) ones, and every wrong item."""

    path: Path
    topic: str
    all: Scores
    clear: Scores
    results: tuple[ItemResult, ...]

    @property
    def wrong(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.results if not r.correct)


def _read(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, row in json_rows(path):
        if row.get("label") not in (0, 1):
            message = "not a labelled item: need an object with label 0 or 1"
            raise DigestError(f"{path}:{number}: {message}")
        rows.append(row)
    return rows


def evaluate_relevance(path: Path, topic: TopicSettings) -> RelevanceReport:
    """Score every labelled item in `path` with `topic` and compare with its label."""
    results = []
    for number, row in enumerate(_read(path), 1):
        title, text = str(row.get("title") or ""), str(row.get("text") or "")
        relevance = score_item(topic, title, text)
        results.append(
            ItemResult(
                id=str(row.get("id", number)),
                title=title,
                label=int(row["label"]),
                borderline=bool(row.get("borderline", False)),
                score=relevance.score,
                on_topic=relevance.on_topic,
                matched=relevance.matched,
            )
        )
    return RelevanceReport(
        path=path,
        topic=topic.name,
        all=Scores.of(results),
        clear=Scores.of(r for r in results if not r.borderline),
        results=tuple(results),
    )


def _line(name: str, s: Scores) -> str:
    return (
        f"{name:<6} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
        f"({s.items} items, {s.positives} on topic; {s.true_pos} TP, {s.false_pos} FP, "
        f"{s.false_neg} FN)"
    )


def format_report(report: RelevanceReport) -> str:
    """The report as plain text: the figures, then each wrong item."""
    lines = [
        f"relevance of {report.path} for topic {report.topic!r}",
        _line("all", report.all),
        _line("clear", report.clear),
    ]
    wrong: Sequence[ItemResult] = report.wrong
    if wrong:
        lines.append(f"wrong ({len(wrong)}):")
    for r in wrong:
        kind = "FN" if r.label else "FP"
        flag = " borderline" if r.borderline else ""
        lines.append(f"  {kind}{flag} {r.score:.3f} {r.id} | {r.title[:90]}")
        lines.append(f"      matched: {', '.join(r.matched) or '-'}")
    return "\n".join(lines)


def write_results(report: RelevanceReport, out: TextIO) -> None:
    """One JSON line per item: id, title, label, borderline, score, on_topic, matched."""
    for r in report.results:
        out.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")


@click.command("relevance")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--config", default="feeds.yaml", show_default=True, help="Config whose topic: is measured."
)
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), help="Write per-item results (JSONL) here."
)
def relevance_command(file: Path, config: str, out: TextIO | None) -> None:
    """Measure the topic filter on a labelled JSONL FILE (title, text, label)."""
    from digest.config import load_config  # the config imports the topic model: load late

    try:
        report = evaluate_relevance(file, load_config(Path(config)).topic)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_report(report))
    if out is not None:
        write_results(report, out)
