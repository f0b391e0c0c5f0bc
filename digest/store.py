"""The item store: one SQLite file in the archive, reached only through this module.

Every item is kept with a stable id and the moment digest first saw it; an edition records the
items it took, so an item is never new twice for the same digest.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from digest.models import Item, Origin, ScoredItem

# Each entry migrates the schema from version N to N+1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        origin TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        published TEXT,
        seen_at TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE INDEX items_first_seen ON items(first_seen);
    CREATE TABLE editions (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL,
        slug TEXT NOT NULL,
        date TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        html_path TEXT NOT NULL UNIQUE,
        text_path TEXT NOT NULL UNIQUE,
        stories INTEGER NOT NULL,
        headlines TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE edition_items (
        digest TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES items(id),
        edition_id INTEGER NOT NULL REFERENCES editions(id),
        score REAL NOT NULL,
        matched TEXT NOT NULL,
        PRIMARY KEY (digest, item_id)
    );
    """,
    # 2: scheduled editions (one per digest and period), publication markers, mail deliveries.
    """
    ALTER TABLE editions ADD COLUMN scheduled TEXT;
    CREATE UNIQUE INDEX editions_scheduled ON editions(digest, scheduled)
        WHERE scheduled IS NOT NULL;
    CREATE TABLE publications (
        digest TEXT NOT NULL,
        scheduled TEXT NOT NULL,
        started TEXT NOT NULL,
        PRIMARY KEY (digest, scheduled)
    );
    CREATE TABLE deliveries (
        edition_id INTEGER NOT NULL REFERENCES editions(id),
        recipient TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        error TEXT NOT NULL DEFAULT '',
        updated TEXT NOT NULL,
        PRIMARY KEY (edition_id, recipient)
    );
    CREATE INDEX deliveries_due ON deliveries(status, next_attempt);
    """,
)


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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @classmethod
    def open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        return cls(connection)

    @classmethod
    def memory(cls) -> Store:
        return cls(sqlite3.connect(":memory:", isolation_level=None))

    @classmethod
    def snapshot(cls, path: Path) -> Store:
        """An in-memory copy of the store at `path` (empty if absent), for dry runs."""
        memory = sqlite3.connect(":memory:", isolation_level=None)
        if path.exists():
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                source.backup(memory)
            finally:
                source.close()
        return cls(memory)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            # One script, one transaction: a migration is applied whole or not at all.
            self.db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number]};"
                f" PRAGMA user_version = {number + 1}; COMMIT;"
            )

    # --- items ------------------------------------------------------------------------------

    def add_items(self, items: Iterable[Item], now: datetime) -> int:
        """Store items not seen before (by id); return how many were new."""
        rows = [
            (
                i.id,
                i.source,
                i.origin.value,
                i.title,
                i.link,
                i.text,
                i.author,
                _iso(i.published) if i.published else None,
                _iso(i.seen_at),
                _iso(now),
            )
            for i in items
        ]
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO items (id, source, origin, title, link, text, author,"
                " published, seen_at, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return db.total_changes - before

    def candidates(
        self, digest: str, *, now: datetime, lookback: timedelta, since: timedelta | None
    ) -> list[Item]:
        """Items this digest has not taken yet that belong to the period ending `now`.

        With `since`, the window is the last `since`. Otherwise, after a previous edition, items
        first seen since it; on a first edition, feed items published (saved articles saved)
        within `lookback`.
        """
        previous = self.last_edition(digest)
        taken = "id NOT IN (SELECT item_id FROM edition_items WHERE digest = ?)"
        if since is None and previous is not None:
            query = f"SELECT * FROM items WHERE {taken} AND first_seen > ? AND first_seen <= ?"
            params: tuple[str, ...] = (digest, _iso(previous.until), _iso(now))
        else:
            start = _iso(now - (since or lookback))
            query = (
                f"SELECT * FROM items WHERE {taken} AND first_seen <= ? AND ("
                "(origin = 'saved' AND seen_at >= ?) OR "
                "(origin = 'feed' AND COALESCE(published, first_seen) >= ?))"
            )
            params = (digest, _iso(now), start, start)
        return [_item(row) for row in self.db.execute(query + " ORDER BY first_seen, id", params)]

    def count_items(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    # --- editions ---------------------------------------------------------------------------

    def record_edition(
        self,
        record: EditionRecord,
        items: Sequence[ScoredItem],
        recipients: Sequence[str] = (),
    ) -> int:
        """Record an edition, the items it took and a pending delivery per recipient, at once.

        One transaction: a crash leaves either all of it or none, so a recorded edition is never
        missing its deliveries.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO editions (digest, slug, date, since, until, html_path, text_path,"
                " stories, headlines, scheduled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.digest,
                    record.slug,
                    record.date,
                    _iso(record.since),
                    _iso(record.until),
                    record.html_path,
                    record.text_path,
                    record.stories,
                    json.dumps(list(record.headlines), ensure_ascii=False),
                    _iso(record.scheduled) if record.scheduled else None,
                ),
            )
            edition_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT OR IGNORE INTO deliveries (edition_id, recipient, status, next_attempt,"
                " updated) VALUES (?, ?, 'pending', ?, ?)",
                [(edition_id, r, _iso(record.until), _iso(record.until)) for r in recipients],
            )
            db.executemany(
                "INSERT INTO edition_items (digest, item_id, edition_id, score, matched)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        record.digest,
                        s.item.id,
                        edition_id,
                        s.relevance.score,
                        json.dumps(list(s.relevance.matched), ensure_ascii=False),
                    )
                    for s in items
                ],
            )
        return edition_id

    def last_edition(self, digest: str) -> EditionRecord | None:
        row = self.db.execute(
            "SELECT * FROM editions WHERE digest = ? ORDER BY until DESC, id DESC LIMIT 1",
            (digest,),
        ).fetchone()
        return _edition(row) if row else None

    def editions(self) -> list[EditionRecord]:
        """Every edition, newest first."""
        rows = self.db.execute("SELECT * FROM editions ORDER BY until DESC, id DESC")
        return [_edition(row) for row in rows]

    def edition(self, edition_id: int) -> EditionRecord | None:
        row = self.db.execute("SELECT * FROM editions WHERE id = ?", (edition_id,)).fetchone()
        return _edition(row) if row else None

    def edition_by_stem(self, stem: str) -> EditionRecord | None:
        """The edition whose files are named `stem` (.html/.txt), as listed in the archive."""
        for record in self.editions():
            if record.stem == stem:
                return record
        return None

    # --- scheduled publications -------------------------------------------------------------

    def scheduled_edition(self, digest: str, scheduled: datetime) -> EditionRecord | None:
        """The edition already made for this digest's period, if any (publication is idempotent)."""
        row = self.db.execute(
            "SELECT * FROM editions WHERE digest = ? AND scheduled = ?", (digest, _iso(scheduled))
        ).fetchone()
        return _edition(row) if row else None

    def start_publication(self, digest: str, scheduled: datetime, now: datetime) -> bool:
        """Mark a period's edition as begun, so one cut short is made at the next chance.

        False when it had been begun before (and, since it is being made again, cut short).
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO publications (digest, scheduled, started) VALUES (?, ?, ?)",
                (digest, _iso(scheduled), _iso(now)),
            )
            return cursor.rowcount == 1

    def unfinished_publications(self) -> list[tuple[str, datetime]]:
        """(digest, scheduled) of periods begun but with no edition recorded."""
        rows = self.db.execute(
            "SELECT p.digest, p.scheduled FROM publications p LEFT JOIN editions e"
            " ON e.digest = p.digest AND e.scheduled = p.scheduled"
            " WHERE e.id IS NULL ORDER BY p.scheduled"
        )
        return [(row["digest"], datetime.fromisoformat(row["scheduled"])) for row in rows]

    # --- deliveries -------------------------------------------------------------------------

    def deliveries(self, edition_id: int | None = None) -> list[Delivery]:
        query, params = "SELECT * FROM deliveries", tuple[int, ...]()
        if edition_id is not None:
            query, params = query + " WHERE edition_id = ?", (edition_id,)
        rows = self.db.execute(query + " ORDER BY edition_id, recipient", params)
        return [_delivery(row) for row in rows]

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt <= ?"
            " ORDER BY edition_id, recipient",
            (_iso(now),),
        )
        return [_delivery(row) for row in rows]

    def set_delivery(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        now: datetime,
        *,
        error: str = "",
        retry_at: datetime | None = None,
    ) -> None:
        """Record one step of a delivery; `retry_at` counts an attempt and sets the next one."""
        attempts = delivery.attempts + (1 if retry_at is not None else 0)
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_attempt = ?, error = ?,"
                " updated = ? WHERE edition_id = ? AND recipient = ?",
                (
                    status.value,
                    attempts,
                    _iso(retry_at or delivery.next_attempt),
                    error,
                    _iso(now),
                    delivery.edition_id,
                    delivery.recipient,
                ),
            )

    def interrupted_deliveries(self, now: datetime) -> list[Delivery]:
        """Mark deliveries left 'sending' by a process that died as 'unknown'; return them."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM deliveries WHERE status = 'sending'").fetchall()
            db.execute(
                "UPDATE deliveries SET status = 'unknown', updated = ?,"
                " error = 'interrupted while sending' WHERE status = 'sending'",
                (_iso(now),),
            )
        return [_delivery(row) for row in rows]


def _item(row: sqlite3.Row) -> Item:
    seen_at = _parse(row["seen_at"])
    assert seen_at is not None
    return Item(
        id=row["id"],
        source=row["source"],
        origin=Origin(row["origin"]),
        title=row["title"],
        link=row["link"],
        text=row["text"],
        seen_at=seen_at,
        published=_parse(row["published"]),
        author=row["author"],
    )


def _edition(row: sqlite3.Row) -> EditionRecord:
    since, until = _parse(row["since"]), _parse(row["until"])
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
        scheduled=_parse(row["scheduled"]),
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        edition_id=row["edition_id"],
        recipient=row["recipient"],
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt=datetime.fromisoformat(row["next_attempt"]),
        error=row["error"],
    )
