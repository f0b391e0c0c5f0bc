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
class Story:
    """One event as told by one or more items; `lead` is the item shown first."""

    id: str
    lead: ScoredItem
    others: tuple[ScoredItem, ...]
    summary: tuple[str, ...]
    section: str = "Other"

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
