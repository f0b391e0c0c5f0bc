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
    # 2: per-source polling state and health; the article-page cache for teaser feeds.
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
    ) -> int:
        """Record an edition and the items it took, in one transaction."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO editions (digest, slug, date, since, until, html_path, text_path,"
                " stories, headlines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
            edition_id = int(cursor.lastrowid or 0)
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
    )
