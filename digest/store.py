"""The item store: one SQLite file in the archive, reached only through this module.

Every item is kept with a stable id and the moment digest first saw it; an edition records the
items it took, so an item is never new twice for the same digest.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from digest.models import Item, Origin, ScoredItem, SourceState

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
    # 2: the edition as JSON, so `digest archive rebuild` can re-render it (NULL for editions made
    # before); and full-text search over every item. The FTS table is contentless, keyed by
    # search_rows.rowid (an explicit INTEGER PRIMARY KEY, so VACUUM cannot renumber it), and kept
    # in step with `items` by triggers.
    """
    ALTER TABLE editions ADD COLUMN content TEXT;
    CREATE TABLE search_rows (
        rowid INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE
    );
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, source, content='', tokenize='porter unicode61 remove_diacritics 2'
    );
    INSERT INTO items_fts(items_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');
    CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
        INSERT INTO search_rows (item_id) VALUES (new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    CREATE TRIGGER items_search_delete BEFORE DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE item_id = old.id;
        DELETE FROM search_rows WHERE item_id = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF id, title, text, source ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE item_id = old.id;
        DELETE FROM search_rows WHERE item_id = old.id;
        INSERT INTO search_rows (item_id) VALUES (new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    INSERT INTO search_rows (item_id) SELECT id FROM items ORDER BY first_seen, id;
    INSERT INTO items_fts (rowid, title, text, source)
        SELECT search_rows.rowid, items.title, items.text, items.source
        FROM search_rows JOIN items ON items.id = search_rows.item_id;
    """,
    # 3: per-source polling state and health; the article-page cache for teaser feeds.
    """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        config_url TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        retry_after TEXT,
        retired TEXT NOT NULL DEFAULT '',
        last_success TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        last_error_at TEXT,
        failing_since TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        items INTEGER NOT NULL DEFAULT 0,
        times_ms TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    """,
    # 4: scheduled editions (one per digest and period), publication markers, mail deliveries.
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
            # rowcount, not total_changes: the search triggers' own rows must not count.
            cursor = db.executemany(
                "INSERT OR IGNORE INTO items (id, source, origin, title, link, text, author,"
                " published, seen_at, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return max(cursor.rowcount, 0)

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
        content: str | None = None,
        recipients: Sequence[str] = (),
    ) -> int:
        """Record an edition, the items it took, its `content` (JSON) and a pending delivery per
        recipient, in one transaction: a recorded edition never lacks its items or deliveries."""
        with self.transaction():
            return self._insert_edition(record, items, content, recipients)

    def begin_edition(
        self,
        record: EditionRecord,
        items: Sequence[ScoredItem],
        content: str | None = None,
        recipients: Sequence[str] = (),
    ) -> int:
        """Record an edition in a transaction left open: this connection sees it at once, no
        other does until `commit()`; `rollback()` (or a crash) leaves no trace of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            return self._insert_edition(record, items, content, recipients)
        except BaseException:
            self.rollback()
            raise

    def commit(self) -> None:
        """End the open transaction; on failure (a full disk) it is rolled back and re-raised."""
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self.rollback()
            raise

    def rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself
                self.db.execute("ROLLBACK")

    def _insert_edition(
        self,
        record: EditionRecord,
        items: Sequence[ScoredItem],
        content: str | None,
        recipients: Sequence[str],
    ) -> int:
        db = self.db
        cursor = db.execute(
            "INSERT INTO editions (digest, slug, date, since, until, html_path, text_path,"
            " stories, headlines, content, scheduled)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                content,
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

    def edition_contents(self) -> dict[int, str]:
        """The stored JSON of every edition that has it, by edition id."""
        rows = self.db.execute("SELECT id, content FROM editions WHERE content IS NOT NULL")
        return {int(row["id"]): str(row["content"]) for row in rows}

    # --- search -----------------------------------------------------------------------------

    def search(self, match: str, filters: SearchFilters) -> list[SearchHit]:
        """Items matching the FTS5 expression `match`, best first (BM25, titles weigh most).

        Raises sqlite3.OperationalError when FTS5 refuses the expression.
        """
        where = ["items_fts MATCH ?"]
        params: list[str | int] = [match]
        date = "substr(COALESCE(items.published, items.seen_at), 1, 10)"
        if filters.since is not None:
            where.append(f"{date} >= ?")
            params.append(filters.since.isoformat())
        if filters.until is not None:
            where.append(f"{date} <= ?")
            params.append(filters.until.isoformat())
        if filters.source is not None:
            where.append("items.source = ? COLLATE NOCASE")
            params.append(filters.source)
        if filters.digest is not None:
            where.append(
                "EXISTS (SELECT 1 FROM edition_items JOIN editions"
                " ON editions.id = edition_items.edition_id"
                " WHERE edition_items.item_id = items.id AND (editions.digest = ?"
                " OR editions.slug = ?))"
            )
            params.extend([filters.digest, filters.digest])
        rows = self.db.execute(
            "SELECT items.*, items_fts.rank AS rank FROM items_fts"
            " JOIN search_rows ON search_rows.rowid = items_fts.rowid"
            " JOIN items ON items.id = search_rows.item_id"
            f" WHERE {' AND '.join(where)} ORDER BY items_fts.rank LIMIT ?",
            [*params, filters.limit],
        ).fetchall()
        appeared = self._appearances([row["id"] for row in rows])
        return [
            SearchHit(
                item=_item(row), rank=float(row["rank"]), editions=appeared.get(row["id"], ())
            )
            for row in rows
        ]

    def _appearances(self, item_ids: Sequence[str]) -> dict[str, tuple[EditionRecord, ...]]:
        found: dict[str, list[EditionRecord]] = {}
        if not item_ids:
            return {}
        marks = ", ".join("?" for _ in item_ids)
        rows = self.db.execute(
            "SELECT edition_items.item_id AS item_id, editions.* FROM edition_items"
            " JOIN editions ON editions.id = edition_items.edition_id"
            f" WHERE edition_items.item_id IN ({marks}) ORDER BY editions.until, editions.id",
            list(item_ids),
        )
        for row in rows:
            found.setdefault(row["item_id"], []).append(_edition(row))
        return {key: tuple(value) for key, value in found.items()}

    # --- sources and pages ---------------------------------------------------------------------

    def source_states(self) -> dict[str, SourceState]:
        """Every source's polling state and health, by name."""
        return {row["name"]: _state(row) for row in self.db.execute("SELECT * FROM sources")}

    def save_source_states(self, states: Iterable[SourceState]) -> None:
        rows = [
            (
                s.name,
                s.config_url,
                s.url,
                s.etag,
                s.last_modified,
                s.content_hash,
                _iso(s.retry_after) if s.retry_after else None,
                s.retired,
                _iso(s.last_success) if s.last_success else None,
                s.last_error,
                _iso(s.last_error_at) if s.last_error_at else None,
                _iso(s.failing_since) if s.failing_since else None,
                s.failures,
                s.polls,
                s.items,
                json.dumps(list(s.times_ms)),
            )
            for s in states
        ]
        with self.transaction() as db:
            db.executemany(f"INSERT OR REPLACE INTO sources VALUES ({', '.join('?' * 16)})", rows)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` already stored."""
        wanted = list(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id FROM items WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def cached_pages(self, urls: Iterable[str]) -> dict[str, str]:
        """Article texts already fetched, by URL."""
        found: dict[str, str] = {}
        for url in urls:
            row = self.db.execute("SELECT text FROM pages WHERE url = ?", (url,)).fetchone()
            if row is not None:
                found[url] = row[0]
        return found

    def cache_pages(self, pages: dict[str, str], now: datetime) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pages (url, text, fetched_at) VALUES (?, ?, ?)",
                [(url, text, _iso(now)) for url, text in pages.items()],
            )

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


def _state(row: sqlite3.Row) -> SourceState:
    return SourceState(
        name=row["name"],
        config_url=row["config_url"],
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        content_hash=row["content_hash"],
        retry_after=_parse(row["retry_after"]),
        retired=row["retired"],
        last_success=_parse(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=_parse(row["last_error_at"]),
        failing_since=_parse(row["failing_since"]),
        failures=row["failures"],
        polls=row["polls"],
        items=row["items"],
        times_ms=tuple(json.loads(row["times_ms"])),
    )


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
