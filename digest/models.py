"""The data that flows between stages, as frozen value types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Origin(StrEnum):
    """Where an item came from; decides which clock counts for 'new'."""

    FEED = "feed"  # counts from when it was published (first run) or first seen
    SAVED = "saved"  # counts from when it was saved (the file's time)


@dataclass(frozen=True, slots=True)
class Item:
    """One article as read from a source, before any judgement about it.

    `id` is stable across polls: the feed's guid or link, else a hash of the content.
    `seen_at` is when digest first saw it (feeds) or when it was saved (files).
    """

    id: str
    source: str
    origin: Origin
    title: str
    link: str
    text: str
    seen_at: datetime
    published: datetime | None = None
    author: str = ""
    lang: str = ""  # ISO 639-1 code (the source's `lang:`, else detected); "" = not known yet
    gloss: str = ""  # the headline in English when the entry itself carries it beside its own


@dataclass(frozen=True, slots=True)
class Relevance:
    """How strongly an item is about the topic, and why."""

    score: float
    on_topic: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoredItem:
    item: Item
    relevance: Relevance


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An earlier edition's story that a story continues (the same developing thread)."""

    headline: str
    edition_date: str  # ISO date of the earlier edition
    href: str  # the earlier story inside the archive: "2023/2023-05-29-slug.html#story-id"


@dataclass(frozen=True, slots=True)
class Story:
    """One event as told by one or more items; `lead` is the item shown first."""

    id: str
    lead: ScoredItem
    others: tuple[ScoredItem, ...]
    summary: tuple[str, ...]
    section: str = "Other"
    follows: FollowUp | None = None  # the earlier edition's story this one continues
    related: tuple[str, ...] = ()  # ids of this edition's stories on the same developing thread
    gloss: str = ""  # the lead's headline in English, from its source's English service
    # why `summary` is empty ("headline", "cut", "unfit": digest.summary.gaps), else ""
    summary_gap: str = ""
    opening: str = ""  # with no summary, the feed's cut-off opening of the report, ending in "…"

    @property
    def items(self) -> tuple[ScoredItem, ...]:
        return (self.lead, *self.others)

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.item.source for s in self.items))


@dataclass(frozen=True, slots=True)
class Batch:
    """What one read of a source gave: its items, and a warning when it was only half readable."""

    items: tuple[Item, ...]
    warning: str = ""
    teasers: frozenset[str] = frozenset()  # ids of entries that carry only a teaser


@dataclass(frozen=True, slots=True)
class SourceState:
    """A feed's polling state (validators, waits, moved URL) and health, kept across runs."""

    name: str
    config_url: str  # the URL in the config; when it changes, the state starts afresh
    url: str  # where to ask: the config URL, or where a permanent redirect pointed
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""  # sha256 of the last body parsed, for servers that send no validators
    retry_after: datetime | None = None  # not asked again before this (429/503)
    retired: str = ""  # why the source is no longer polled (410 Gone), with the date
    last_success: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    failing_since: datetime | None = None
    failures: int = 0  # consecutive
    polls: int = 0  # successful polls
    items: int = 0  # items read over those polls
    times_ms: tuple[float, ...] = ()  # the latest response times

    @property
    def items_per_poll(self) -> float:
        return self.items / self.polls if self.polls else 0.0

    @property
    def median_ms(self) -> float | None:
        ordered = sorted(self.times_ms)
        if not ordered:
            return None
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What happened when one source was read in this run."""

    name: str
    ok: bool
    items: int = 0
    error: str = ""  # why it failed, or what was wrong with a source read despite faults


@dataclass(frozen=True, slots=True)
class Tally:
    sources_ok: int
    sources_failed: int
    items_seen: int
    items_new: int
    items_on_topic: int

    def line(self) -> str:
        return (
            f"sources {self.sources_ok} ok, {self.sources_failed} failed; "
            f"items {self.items_seen} seen, {self.items_new} new, {self.items_on_topic} on topic"
        )


@dataclass(frozen=True, slots=True)
class Edition:
    """One dated edition of one digest, ready to render."""

    digest: str
    slug: str
    date: datetime  # the edition's date in the configured time zone
    since: datetime
    until: datetime
    stories: tuple[Story, ...]
    brief: tuple[str, ...] = ()
    failed_sources: tuple[SourceReport, ...] = ()
    tally: Tally | None = None
    sections: tuple[str, ...] = field(default=())


def plural(count: int, singular: str, many: str | None = None) -> str:
    """A count with its noun: '1 story', '2 stories', '0 feeds'."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"
