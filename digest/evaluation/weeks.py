"""Measure whole editions on labelled weeks of real feeds: `digest eval weeks DIR`.

Each week folder (named like `2023-W16`) holds `feeds/*.xml` (one RSS feed per outlet) and
`labels.jsonl` (hand labels: `on_topic` 1/0/null, `event`, `thread`). The whole pipeline runs
over the feeds with the clock at the Monday after the week, and the edition is scored against
the labels: how many on-topic items it keeps, how many off-topic ones get in, whether the items
of one story share an event and a thread (pair precision), whether the items of one event share
a story (pair recall, stories per event), and how many summary and brief sentences are photo
captions or dangle (open by pointing back at something the reader was not given).

Weeks are split into halves A and B by a stable hash of their name, so a figure can be reported
on the half nobody tuned on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from pathlib import Path

import httpx

from digest.config import Config
from digest.edition import run_edition
from digest.errors import DigestError
from digest.evaluation.jsonl import json_rows
from digest.language.captions import is_caption
from digest.models import Edition
from digest.publish.render import edition_page, make_environment, render_edition
from digest.sources import Source
from digest.sources.feeds import FeedSource
from digest.store import Store
from digest.summary.references import dangles

__all__ = [
    "Label",
    "WeekScore",
    "default_config",
    "evaluate_weeks",
    "format_scores",
    "half_of",
    "score_edition",
]

_WEEK_NAME = re.compile(r"(\d{4})-W(\d{2})")


def half_of(week: str) -> str:
    """ "A" or "B", from a stable hash of the week's name (never from its content)."""
    return "AB"[int(hashlib.sha256(week.encode()).hexdigest(), 16) % 2]


@dataclass(frozen=True, slots=True)
class Label:
    on_topic: int | None
    clear: bool
    event: str | None
    thread: str | None


@dataclass(frozen=True, slots=True)
class WeekScore:
    """Counts for one week (or a sum of weeks); the rates are computed from them."""

    weeks: int = 0
    on_topic: int = 0  # items labelled on topic
    kept: int = 0  # ... of them in the edition
    off_topic: int = 0  # items labelled off topic in the edition
    unlabelled: int = 0  # unlabelled items in the edition (they name one side or neither)
    thread_pairs: int = 0  # pairs in one story, both labelled with a thread
    same_thread: int = 0
    event_pairs: int = 0  # pairs in one story, both labelled with an event
    same_event: int = 0
    event_mates: int = 0  # pairs of kept items labelled with one event
    together: int = 0  # ... of them in one story
    events: int = 0  # events with a kept item
    event_stories: int = 0  # stories those events are spread over (one count per event)
    stories: int = 0
    sentences: int = 0  # summary and brief sentences
    captions: int = 0
    dangling: int = 0

    def __add__(self, other: WeekScore) -> WeekScore:
        return WeekScore(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def recall(self) -> float:
        return _rate(self.kept, self.on_topic)

    @property
    def thread_precision(self) -> float:
        return _rate(self.same_thread, self.thread_pairs)

    @property
    def event_precision(self) -> float:
        return _rate(self.same_event, self.event_pairs)

    @property
    def pair_recall(self) -> float:
        return _rate(self.together, self.event_mates)

    @property
    def stories_per_event(self) -> float:
        return self.event_stories / self.events if self.events else 1.0


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def read_labels(path: Path) -> dict[str, Label]:
    """The week's labels by item id; a week without a labels file has none."""
    labels: dict[str, Label] = {}
    for number, row in json_rows(path) if path.is_file() else ():
        if "id" not in row or row.get("on_topic") not in (0, 1, None):
            raise DigestError(f"{path}:{number}: not a label (need id and on_topic 1, 0 or null)")
        labels[str(row["id"])] = Label(
            on_topic=row.get("on_topic"),
            clear=bool(row.get("clear")),
            event=row.get("event"),
            thread=row.get("thread"),
        )
    return labels


def _link_ids(path: Path) -> dict[str, str]:
    """The labelled id of each item link (the feeds carry links; the labels name ids)."""
    if not path.is_file():
        return {}
    return {str(row.get("url", "")): str(row.get("id", "")) for _, row in json_rows(path)}


def score_edition(edition: Edition, labels: dict[str, Label], ids: dict[str, str]) -> WeekScore:
    """Score one edition against the week's labels (items matched by id, else by link)."""

    def label_id(item_id: str, link: str) -> str:
        if item_id in labels:
            return item_id
        return ids.get(link) or ids.get(item_id) or item_id

    stories = [[label_id(s.item.id, s.item.link) for s in story.items] for story in edition.stories]
    story_of = {i: k for k, story in enumerate(stories) for i in story}
    on_topic = [i for i, lab in labels.items() if lab.on_topic == 1]
    counts = grouping_counts(stories, labels)
    hygiene = _hygiene(edition)
    return WeekScore(
        weeks=1,
        on_topic=len(on_topic),
        kept=sum(i in story_of for i in on_topic),
        off_topic=sum(1 for i in story_of if i in labels and labels[i].on_topic == 0),
        unlabelled=sum(1 for i in story_of if i not in labels),
        thread_pairs=counts[0],
        same_thread=counts[1],
        event_pairs=counts[2],
        same_event=counts[3],
        event_mates=counts[4],
        together=counts[5],
        events=counts[6],
        event_stories=counts[7],
        stories=len(stories),
        sentences=hygiene[0],
        captions=hygiene[1],
        dangling=hygiene[2],
    )


def grouping_counts(
    stories: Sequence[Sequence[str]], labels: dict[str, Label]
) -> tuple[int, int, int, int, int, int, int, int]:
    """Pairs of labelled items put in one story (with a thread; of one thread; with an event;
    of one event), pairs of one event (and of those, put together), events, and the number of
    stories the events are spread over."""
    story_of = {i: k for k, story in enumerate(stories) for i in story}
    thread_pairs = same_thread = event_pairs = same_event = 0
    for story in stories:
        labelled = [labels[i] for i in story if i in labels]
        for a, b in combinations(labelled, 2):
            if a.thread and b.thread:
                thread_pairs += 1
                same_thread += a.thread == b.thread
            if a.event and b.event:
                event_pairs += 1
                same_event += a.event == b.event
    by_event: dict[str, list[str]] = {}
    for i, label in labels.items():
        if label.on_topic == 1 and label.event and i in story_of:
            by_event.setdefault(label.event, []).append(i)
    mates = [(a, b) for members in by_event.values() for a, b in combinations(members, 2)]
    return (
        thread_pairs,
        same_thread,
        event_pairs,
        same_event,
        len(mates),
        sum(story_of[a] == story_of[b] for a, b in mates),
        len(by_event),
        sum(len({story_of[i] for i in m}) for m in by_event.values()),
    )


def _hygiene(edition: Edition) -> tuple[int, int, int]:
    """(sentences, captions, dangling) over the summaries and the brief.

    A sentence dangles when it leans on something the reader was not given (`dangles`: "It",
    "This", "But", "He said", "The two-day meeting" with no meeting named before it, a verbless
    "This after ..."), unless the sentence shown right before it is the one it follows in an
    item's text. Under a story's headline; a brief line stands alone.
    """
    sentences = captions = dangling = 0
    for story in edition.stories:
        texts = [s.item.text for s in story.items]
        for k, sentence in enumerate(story.summary):
            sentences += 1
            captions += is_caption(sentence)
            dangling += dangles(sentence, [story.lead.item.title, *story.summary[:k]], texts)
    for line in edition.brief:
        sentences += 1
        captions += is_caption(line)
        dangling += dangles(line, ())
    return sentences, captions, dangling


def week_clock(name: str) -> datetime:
    """Midnight UTC of the Monday after the ISO week `name` ("2023-W16")."""
    match = _WEEK_NAME.fullmatch(name)
    if match is None:
        raise DigestError(f"{name}: a week folder is named like 2023-W16")
    monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    return datetime.combine(monday + timedelta(days=7), time(), UTC)


def week_sources(folder: Path, config: Config) -> list[Source]:
    feeds = sorted((folder / "feeds").glob("*.xml"))
    return [FeedSource(p.stem, p.resolve().as_uri(), config.fetch) for p in feeds]


def run_week(folder: Path, config: Config) -> Edition:
    """The edition the pipeline makes from the week's feeds, in a fresh in-memory store."""
    now = week_clock(folder.name)
    store = Store.memory()
    try:
        with httpx.Client() as client:  # the feeds are file: URLs; nothing goes out
            result = run_edition(
                config=config,
                sources=week_sources(folder, config),
                store=store,
                client=client,
                now=now,
                since=timedelta(days=7),
                write=False,
            )
    finally:
        store.close()
    return result.edition


def week_folders(root: Path, only: Collection[str] = ()) -> list[Path]:
    """The week folders under `root` (those named in `only`, when given)."""
    folders = sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and _WEEK_NAME.fullmatch(p.name) and (not only or p.name in only)
    )
    if not folders:
        wanted = f" named {', '.join(sorted(only))}" if only else " (named like 2023-W16)"
        raise DigestError(f"{root}: no week folders{wanted} here")
    return folders


def evaluate_weeks(
    root: Path, config: Config, out: Path | None = None, only: Collection[str] = ()
) -> list[tuple[str, WeekScore]]:
    """Run and score every week folder under `root`; with `out`, write each edition there."""
    results = []
    for folder in week_folders(root, only):
        edition = run_week(folder, config)
        labels = read_labels(folder / "labels.jsonl")
        ids = _link_ids(folder / "items.jsonl")
        results.append((folder.name, score_edition(edition, labels, ids)))
        if out is not None:
            write_edition(out, folder.name, edition, labels, ids)
    return results


def write_edition(
    out: Path, week: str, edition: Edition, labels: dict[str, Label], ids: dict[str, str]
) -> None:
    """The text edition as readers get it, and its stories with each item's label."""
    out.mkdir(parents=True, exist_ok=True)
    _, text = render_edition(make_environment(), edition_page(edition))
    (out / f"{week}.txt").write_text(text, encoding="utf-8")
    lines = []
    for n, story in enumerate(edition.stories, 1):
        lines.append(f"story {n} [{story.section}]")
        for s in story.items:
            i = s.item.id if s.item.id in labels else ids.get(s.item.link, s.item.id)
            lab = labels.get(i)
            mark = "unlabelled" if lab is None else f"{lab.on_topic} {lab.event or '-'}"
            lines.append(f"  {s.relevance.score:.2f} {s.item.source}: {s.item.title} ({mark})")
        lines.extend(f"    | {sentence}" for sentence in story.summary)
    missed = set(labels) - {
        s.item.id if s.item.id in labels else ids.get(s.item.link, "")
        for story in edition.stories
        for s in story.items
    }
    lines.extend(f"missed: {i} ({labels[i].event})" for i in sorted(missed) if labels[i].on_topic)
    (out / f"{week}.stories.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


_HEADER = (
    f"{'week':<9} {'rec':>9} {'off':>3} {'unl':>3} {'thrP':>11} {'evtP':>11} "
    f"{'pairR':>11} {'st/ev':>9} {'cap':>3} {'dng':>3}"
)


def format_line(name: str, s: WeekScore) -> str:
    def frac(a: int, b: int) -> str:
        return f"{a}/{b}"

    return (
        f"{name:<9} {frac(s.kept, s.on_topic):>9} {s.off_topic:>3} {s.unlabelled:>3} "
        f"{frac(s.same_thread, s.thread_pairs):>11} {frac(s.same_event, s.event_pairs):>11} "
        f"{frac(s.together, s.event_mates):>11} {frac(s.event_stories, s.events):>9} "
        f"{s.captions:>3} {s.dangling:>3}"
    )


def format_total(name: str, s: WeekScore) -> str:
    return (
        f"{name}: {s.weeks} weeks; on-topic recall {s.recall:.3f} ({s.kept}/{s.on_topic}); "
        f"off topic in {s.off_topic} ({s.off_topic / max(s.weeks, 1) * 5:.2f} per 5 weeks), "
        f"unlabelled in {s.unlabelled}; pair precision thread {s.thread_precision:.3f} "
        f"event {s.event_precision:.3f} ({s.event_pairs} pairs); pair recall "
        f"{s.pair_recall:.3f} ({s.event_mates} pairs); stories per event "
        f"{s.stories_per_event:.2f} ({s.events} events); {s.stories} stories; captions "
        f"{s.captions}, dangling {s.dangling} of {s.sentences} sentences"
    )


def format_scores(results: Sequence[tuple[str, WeekScore]]) -> str:
    lines = [_HEADER, *(format_line(name, score) for name, score in results)]
    for half in ("A", "B"):
        part = _sum(score for name, score in results if half_of(name) == half)
        lines.append(format_total(f"half {half}", part))
    lines.append(format_total("total", _sum(s for _, s in results)))
    return "\n".join(lines)


def _sum(scores: Iterable[WeekScore]) -> WeekScore:
    total = WeekScore()
    for score in scores:
        total += score
    return total


def default_config(folder: Path) -> Config:
    """The default settings; the one source named only satisfies the config's rules."""
    return Config.model_validate({"sources": [{"name": "weeks", "url": folder.resolve().as_uri()}]})
