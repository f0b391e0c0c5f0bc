"""Summary quality against human highlights: ROUGE for the configured summariser and Lead-3.

Both systems run on the same pairs in the same run, so the comparison is fair however the set
changes. Lead-3 is the first three sentences from our own splitter, with nothing removed.
Input lines are JSON objects with `article` and `reference` (highlights, one per line).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import click
from nltk.stem import porter
from rouge_score import rouge_scorer, tokenize

from digest.errors import UsageError
from digest.summary.summarize import SummarySettings, split_sentences, summarize

METRICS = ("rouge1", "rouge2", "rougeLsum")
Part = Literal["all", "tune", "test"]


@dataclass(frozen=True, slots=True)
class Scores:
    """Mean F1 (0-100) of one system over the pairs, and its mean time per article."""

    system: str
    rouge1: float
    rouge2: float
    rougeLsum: float  # named as rouge-score names it
    ms_per_article: float

    def line(self) -> str:
        return (
            f"{self.system:<24} R1 {self.rouge1:5.2f}  R2 {self.rouge2:5.2f}  "
            f"RLsum {self.rougeLsum:5.2f}  {self.ms_per_article:6.2f} ms/article"
        )


@dataclass(frozen=True, slots=True)
class ItemResult:
    id: str
    summary: tuple[str, ...]
    lead3: tuple[str, ...]
    scores: Mapping[str, float]
    lead3_scores: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class SummaryReport:
    pairs: int
    settings: SummarySettings
    system: Scores
    lead3: Scores
    items: tuple[ItemResult, ...]


class _Tokenizer:
    """rouge-score's own tokenizer with its Porter stemmer (the same tokens as
    `use_stemmer=True`), remembering each word's stem and each text's tokens: every reference
    is read for both systems, once whole and once a line at a time, and the stemmer took most
    of an evaluation's time on words it had already stemmed."""

    def __init__(self) -> None:
        self._stemmer = _Stems()
        self._texts: dict[str, tuple[str, ...]] = {}

    def tokenize(self, text: str) -> list[str]:
        tokens = self._texts.get(text)
        if tokens is None:
            tokens = self._texts[text] = tuple(tokenize.tokenize(text, self._stemmer))
        return list(tokens)


class _Stems:
    """nltk's PorterStemmer (as rouge-score makes it), each word stemmed once."""

    def __init__(self) -> None:
        self._porter = porter.PorterStemmer()
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._porter.stem(word)
        return stem


def read_pairs(path: Path, limit: int | None = None, part: Part = "all") -> list[dict[str, str]]:
    """The pairs of a JSONL file; `part` takes even ("tune") or odd ("test") lines only."""
    pairs: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if (
                not line.strip()
                or (part == "tune" and index % 2)
                or (part == "test" and not index % 2)
            ):
                continue
            pairs.append(_pair(line, f"{path}:{index + 1}"))
            if limit is not None and len(pairs) >= limit:
                break
    return pairs


def _pair(line: str, where: str) -> dict[str, str]:
    """One line as a pair with text `article` and `reference`; a UsageError naming the line."""
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise UsageError(f"{where}: not a JSON line ({exc}); expected JSON Lines") from None
    if not isinstance(row, dict):
        raise UsageError(f"{where}: expected an object with 'article' and 'reference'")
    for key in ("article", "reference"):
        if not isinstance(row.get(key), str):
            raise UsageError(f"{where}: expected text under {key!r}, found none")
    return row


def evaluate_summaries(
    path: Path, settings: SummarySettings, limit: int | None = None, part: Part = "all"
) -> SummaryReport:
    """Mean ROUGE-1/2/Lsum F1 of `settings`' summariser and of Lead-3 on the same pairs."""
    pairs = read_pairs(path, limit, part)
    scorer = rouge_scorer.RougeScorer(list(METRICS), tokenizer=_Tokenizer())
    system_summaries, system_ms = _timed(lambda text: summarize(text, settings), pairs)
    lead_summaries, lead_ms = _timed(lambda text: tuple(split_sentences(text)[:3]), pairs)
    items = []
    for pair, summary, lead in zip(pairs, system_summaries, lead_summaries, strict=True):
        items.append(
            ItemResult(
                id=str(pair.get("id", "")),
                summary=summary,
                lead3=lead,
                scores=_rouge(scorer, pair["reference"], summary),
                lead3_scores=_rouge(scorer, pair["reference"], lead),
            )
        )
    return SummaryReport(
        pairs=len(pairs),
        settings=settings,
        system=_mean(settings.algorithm, [i.scores for i in items], system_ms),
        lead3=_mean("lead-3 (baseline)", [i.lead3_scores for i in items], lead_ms),
        items=tuple(items),
    )


def _timed(
    summarise: Callable[[str], tuple[str, ...]], pairs: list[dict[str, str]]
) -> tuple[list[tuple[str, ...]], float]:
    started = time.perf_counter()
    summaries = [summarise(pair["article"]) for pair in pairs]
    return summaries, (time.perf_counter() - started) * 1000 / max(len(pairs), 1)


def _rouge(
    scorer: rouge_scorer.RougeScorer, reference: str, summary: tuple[str, ...]
) -> dict[str, float]:
    scores = scorer.score(reference, "\n".join(summary))
    return {metric: 100 * scores[metric].fmeasure for metric in METRICS}


def _mean(system: str, scores: list[Mapping[str, float]], ms: float) -> Scores:
    def mean(metric: str) -> float:
        return sum(s[metric] for s in scores) / max(len(scores), 1)

    return Scores(system, mean("rouge1"), mean("rouge2"), mean("rougeLsum"), ms)


def print_report(report: SummaryReport, echo: Callable[[str], object] = click.echo) -> None:
    echo(f"{report.pairs} pairs; settings: {report.settings.model_dump()}")
    echo(report.system.line())
    echo(report.lead3.line())
    gain = report.system.rouge1 - report.lead3.rouge1
    echo(f"ROUGE-1 over Lead-3: {gain:+.2f}")


def write_items(report: SummaryReport, out: Path) -> None:
    """One JSON line per pair: both summaries and their scores."""
    with out.open("w", encoding="utf-8") as file:
        for row in _rows(report):
            file.write(json.dumps(row, ensure_ascii=False) + "\n")


def _rows(report: SummaryReport) -> Iterator[dict[str, object]]:
    for item in report.items:
        row = asdict(item)
        row["summary"], row["lead3"] = list(item.summary), list(item.lead3)
        yield row


def _load_settings(config: Path, explicit: bool, overrides: tuple[str, ...]) -> SummarySettings:
    if config.exists():
        from digest.config import load_config  # the config imports this package: load late

        settings: SummarySettings = load_config(config).summary
    elif explicit:
        raise click.BadParameter(f"{config} does not exist", param_hint="--config")
    else:
        settings = SummarySettings()
    updates: dict[str, str] = {}
    for override in overrides:
        key, sep, value = override.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {override!r}", param_hint="--set")
        updates[key.strip()] = value.strip()
    return SummarySettings.model_validate({**settings.model_dump(), **updates})


@click.command("summaries")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("feeds.yaml"),
    show_default=True,
    help="Settings from its `summary:` block (defaults if the default file is absent).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Per-pair JSONL.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N pairs.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a summary setting, e.g. --set algorithm=lexrank.",
)
@click.option(
    "--part",
    type=click.Choice(["all", "tune", "test"]),
    default="all",
    show_default=True,
    help="All pairs, or the even (tune) or odd (test) lines only.",
)
@click.pass_context
def summaries_command(
    ctx: click.Context,
    file: Path,
    config: Path,
    out: Path | None,
    limit: int | None,
    overrides: tuple[str, ...],
    part: Part,
) -> None:
    """Score summaries of FILE's articles against their highlights, next to Lead-3."""
    explicit = ctx.get_parameter_source("config") is not click.core.ParameterSource.DEFAULT
    try:
        settings = _load_settings(config, explicit, overrides)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise click.BadParameter(str(error), param_hint="--set") from error
    report = evaluate_summaries(file, settings, limit, part)
    print_report(report)
    if out is not None:
        write_items(report, out)
        click.echo(f"per-pair results: {out}")


if __name__ == "__main__":
    summaries_command()
