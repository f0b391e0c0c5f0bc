"""What the store hands out: records of editions, deliveries and searches, and row
conversions."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from digest.models import Item, Origin, SourceState


@dataclass(frozen=True, slots=True)
class EditionRecord:
    id: int
    digest: str
    slug: str
    date: str
    since: datetime
    until: datetime
    html_path: str
    text_path: str
    stories: int
    headlines: tuple[str, ...]
    scheduled: datetime | None = None  # the schedule's time this edition answers; None if by hand

    @property
    def stem(self) -> str:
        """The name people see in the archive, e.g. 2026-11-23-japan-north-korea."""
        return Path(self.html_path).stem


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of an archive page as digest's own templates rendered it (markup escaped by
    them, or the search index's escaped JSON), kept in the store under a hash of its inputs."""

    kind: str  # "feed", "month" or "search": what the piece is (see schema migration 11)
    text: str


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # to send at next_attempt
    SENDING = "sending"  # handed to the server; the outcome is not recorded yet
    SENT = "sent"
    FAILED = "failed"  # refused for good (e.g. 550 no such user): not retried
    UNKNOWN = "unknown"  # the process died while sending: not resent automatically


@dataclass(frozen=True, slots=True)
class Delivery:
    """One edition for one recipient."""

    edition_id: int
    recipient: str
    status: DeliveryStatus
    attempts: int
    next_attempt: datetime
    error: str = ""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Narrowing of a search: dates are inclusive days of the item's publication (else saving)."""

    since: date | None = None
    until: date | None = None
    digest: str | None = None  # only items that appeared in an edition of this digest
    source: str | None = None  # only items from this source (case-insensitive)
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    item: Item
    rank: float  # FTS5 BM25: lower is better
    editions: tuple[EditionRecord, ...]  # the editions it appeared in, oldest first


def iso(moment: datetime) -> str:
    """A stored time: UTC, to the microsecond, a fraction only when it is not zero.

    One spelling per moment (a `scheduled = ?` lookup finds rows of any age), and SQLite's text
    comparisons order these as moments: a whole second ("…:05+00:00", as every row before
    microseconds was written) sorts before any fraction of it ("…:05.000001+00:00"), since
    '+' < '.'. So two runs within one second no longer share a time.
    """
    return moment.astimezone(UTC).isoformat()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def state_row(row: sqlite3.Row) -> SourceState:
    return SourceState(
        name=row["name"],
        config_url=row["config_url"],
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        content_hash=row["content_hash"],
        retry_after=parse_time(row["retry_after"]),
        retired=row["retired"],
        last_success=parse_time(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=parse_time(row["last_error_at"]),
        failing_since=parse_time(row["failing_since"]),
        failures=row["failures"],
        polls=row["polls"],
        items=row["items"],
        times_ms=tuple(json.loads(row["times_ms"])),
    )


def item_row(row: sqlite3.Row) -> Item:
    seen_at = parse_time(row["seen_at"])
    assert seen_at is not None
    return Item(
        id=row["id"],
        source=row["source"],
        origin=Origin(row["origin"]),
        title=row["title"],
        link=row["link"],
        text=row["text"],
        seen_at=seen_at,
        published=parse_time(row["published"]),
        author=row["author"],
        lang=row["lang"],
        gloss=row["gloss"],
    )


# Every column `edition_row` reads; not `content`, which is large and read only when rendering.
EDITION_COLUMNS = (
    "id, digest, slug, date, since, until, html_path, text_path, stories, headlines, scheduled"
)


def edition_row(row: sqlite3.Row) -> EditionRecord:
    since, until = parse_time(row["since"]), parse_time(row["until"])
    assert since is not None and until is not None
    return EditionRecord(
        id=row["id"],
        digest=row["digest"],
        slug=row["slug"],
        date=row["date"],
        since=since,
        until=until,
        html_path=row["html_path"],
        text_path=row["text_path"],
        stories=row["stories"],
        headlines=tuple(json.loads(row["headlines"])),
        scheduled=parse_time(row["scheduled"]),
    )


def delivery_row(row: sqlite3.Row) -> Delivery:
    return Delivery(
        edition_id=row["edition_id"],
        recipient=row["recipient"],
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt=datetime.fromisoformat(row["next_attempt"]),
        error=row["error"],
    )
