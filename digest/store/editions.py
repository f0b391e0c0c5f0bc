"""Editions, the items they took, and the scheduled periods they answer."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from digest.models import ScoredItem
from digest.store.base import StoreBase
from digest.store.records import EDITION_COLUMNS, EditionRecord, edition_row, iso, parse_time


class EditionStore(StoreBase):
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
                iso(record.since),
                iso(record.until),
                record.html_path,
                record.text_path,
                record.stories,
                json.dumps(list(record.headlines), ensure_ascii=False),
                content,
                iso(record.scheduled) if record.scheduled else None,
            ),
        )
        edition_id = int(cursor.lastrowid or 0)
        # Due at once: from the scheduled time it answers, which the clock has passed, not from
        # its end, which is later than the clock when the clock stepped back behind the store.
        due = iso(min(record.until, record.scheduled or record.until))
        db.executemany(
            "INSERT OR IGNORE INTO deliveries (edition_id, recipient, status, next_attempt,"
            " updated) VALUES (?, ?, 'pending', ?, ?)",
            [(edition_id, r, due, iso(record.until)) for r in recipients],
        )
        db.executemany(
            "INSERT INTO edition_items (digest, source, item_id, edition_id, score, matched)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    record.digest,
                    s.item.source,
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
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE digest = ? ORDER BY until DESC, id DESC"
            " LIMIT 1",
            (digest,),
        ).fetchone()
        return edition_row(row) if row else None

    def not_before_editions(self, now: datetime) -> datetime:
        """`now`, or just after the latest edition's end when `now` is not after it (the clock
        stepped back, or two runs shared a moment). The store's time never runs backwards, so an
        item stored at this time falls after every edition made so far, in the next one's
        window, never in none."""
        row = self.db.execute("SELECT max(until) FROM editions").fetchone()
        latest = parse_time(row[0]) if row else None
        return now if latest is None or now > latest else latest + timedelta(microseconds=1)

    def editions(self) -> list[EditionRecord]:
        """Every edition, newest first."""
        rows = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions ORDER BY until DESC, id DESC"
        )
        return [edition_row(row) for row in rows]

    def newest_editions(self, count: int) -> list[EditionRecord]:
        """The `count` newest editions, newest first (as `editions` orders them)."""
        rows = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions ORDER BY until DESC, id DESC LIMIT ?",
            (count,),
        )
        return [edition_row(row) for row in rows]

    def editions_in_years(self, years: Collection[str]) -> list[EditionRecord]:
        """The editions dated in `years` ("2026"), newest first."""
        found = []
        for year in years:  # a range of dates each, so the date index finds them
            rows = self.db.execute(
                f"SELECT {EDITION_COLUMNS} FROM editions WHERE date >= ? AND date < ?",
                (year, f"{int(year) + 1:04d}"),
            )
            found += [edition_row(row) for row in rows]
        return sorted(found, key=lambda r: (iso(r.until), r.id), reverse=True)

    def editions_since(self, digest: str, moment: datetime) -> list[EditionRecord]:
        """The digest's editions whose period ends at or after `moment`, newest first."""
        rows = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE digest = ? AND until >= ?"
            " ORDER BY until DESC, id DESC",
            (digest, iso(moment)),
        )
        return [edition_row(row) for row in rows]

    def editions_on(self, digest: str, day: str) -> list[EditionRecord]:
        """The digest's editions dated `day` ("2026-11-23"), newest first."""
        # By the date index: ordering in SQL made SQLite walk the digest's whole series instead.
        rows = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions INDEXED BY editions_dates"
            " WHERE digest = ? AND date = ?",
            (digest, day),
        )
        found = [edition_row(row) for row in rows]
        return sorted(found, key=lambda r: (r.until, r.id), reverse=True)

    def series_around(self, edition_id: int, reach: int = 1) -> list[EditionRecord]:
        """The edition and up to `reach` editions of its digest on either side (the order of
        `editions`: newest `until`, then newest id), newest first; empty if there is no such
        edition."""
        here = self.edition(edition_id)
        if here is None:
            return []
        key = (here.digest, iso(here.until), edition_id, reach)
        after = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE digest = ?"
            " AND (until, id) > (?, ?) ORDER BY until, id LIMIT ?",
            key,
        ).fetchall()
        before = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE digest = ?"
            " AND (until, id) < (?, ?) ORDER BY until DESC, id DESC LIMIT ?",
            key,
        ).fetchall()
        return [*map(edition_row, reversed(after)), here, *map(edition_row, before)]

    def newest_date(self) -> str:
        """The date of the newest-dated edition ("2026-11-23"; "" when there is none)."""
        row = self.db.execute("SELECT max(date) FROM editions").fetchone()
        return str(row[0] or "")

    def editions_in_year(self, year: str) -> int:
        """How many editions are dated in `year` ("2026")."""
        row = self.db.execute(
            "SELECT count(*) FROM editions WHERE date >= ? AND date < ?",
            (year, f"{int(year) + 1:04d}"),
        ).fetchone()
        return int(row[0])

    def edition_months(self) -> list[tuple[str, int, int]]:
        """Every month with editions ("2026-11"), how many and how many stories they hold,
        newest first."""
        rows = self.db.execute(
            "SELECT substr(date, 1, 7) AS month, count(*), sum(stories) FROM editions"
            " GROUP BY month ORDER BY month DESC"
        )
        return [(str(month), int(editions), int(stories)) for month, editions, stories in rows]

    def recorded_paths(self, prefix: str) -> set[str]:
        """The recorded edition files (.html, .txt) whose archive-relative path starts with
        `prefix` ("2026/2026-11-23-"): the names taken on one day, without reading them all."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # just past every path with the prefix
        found: set[str] = set()
        for column in ("html_path", "text_path"):
            rows = self.db.execute(
                f"SELECT {column} FROM editions WHERE {column} >= ? AND {column} < ?",
                (prefix, end),
            )
            found.update(str(row[0]) for row in rows)
        return found

    def edition_contents(self, ids: Collection[int] | None = None) -> dict[int, str]:
        """The stored JSON of every edition that has it (or of those in `ids`), by edition id."""
        query = "SELECT id, content FROM editions WHERE content IS NOT NULL"
        if ids is None:
            rows = list(self.db.execute(query))
        else:
            wanted = sorted(ids)
            rows = []
            for start in range(0, len(wanted), 500):  # under SQLite's limit on parameters
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.db.execute(f"{query} AND id IN ({marks})", chunk).fetchall()
        return {int(row["id"]): str(row["content"]) for row in rows}

    def edition(self, edition_id: int) -> EditionRecord | None:
        row = self.db.execute(
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE id = ?", (edition_id,)
        ).fetchone()
        return edition_row(row) if row else None

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
            f"SELECT {EDITION_COLUMNS} FROM editions WHERE digest = ? AND scheduled = ?",
            (digest, iso(scheduled)),
        ).fetchone()
        return edition_row(row) if row else None

    def start_publication(self, digest: str, scheduled: datetime, now: datetime) -> bool:
        """Mark a period's edition as begun, so one cut short is made at the next chance.

        False when it had been begun before (and, since it is being made again, cut short).
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO publications (digest, scheduled, started) VALUES (?, ?, ?)",
                (digest, iso(scheduled), iso(now)),
            )
            return cursor.rowcount == 1

    def finish_publication(self, digest: str, scheduled: datetime) -> None:
        """Forget a begun period that needs no edition (it had no stories): never made again."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM publications WHERE digest = ? AND scheduled = ?",
                (digest, iso(scheduled)),
            )

    def unfinished_publications(self) -> list[tuple[str, datetime]]:
        """(digest, scheduled) of periods begun but with no edition recorded."""
        rows = self.db.execute(
            "SELECT p.digest, p.scheduled FROM publications p LEFT JOIN editions e"
            " ON e.digest = p.digest AND e.scheduled = p.scheduled"
            " WHERE e.id IS NULL ORDER BY p.scheduled"
        )
        return [(row["digest"], datetime.fromisoformat(row["scheduled"])) for row in rows]
