"""Items: stored once per source and id, and the windows that decide which are new."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from digest.models import Item
from digest.store.editions import EditionStore
from digest.store.records import iso, item_row

_INSERT = (
    "INSERT OR IGNORE INTO items (id, source, origin, title, link, text, author, published,"
    " seen_at, first_seen, lang, gloss) "
)
_VALUES = "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_FROM_JSON = (
    "SELECT "
    + ", ".join(f"json_extract(value, '$[{n}]')" for n in range(12))
    + " FROM json_each(?)"
)


class ItemStore(EditionStore):  # "new" is relative to the last edition
    # --- items ------------------------------------------------------------------------------

    def add_items(self, items: Iterable[Item], now: datetime) -> int:
        """Store items not seen before (by source and id); return how many were new.

        Ids are the source's own (a guid, a link): two feeds may both have an entry "1". Their
        first_seen is `now`, or just after the latest edition if the clock is behind it.
        """
        first_seen = iso(self.not_before_editions(now))
        rows = [
            [
                i.id,
                i.source,
                i.origin.value,
                i.title,
                i.link,
                i.text,
                i.author,
                iso(i.published) if i.published else None,
                iso(i.seen_at),
                first_seen,
                i.lang,
                i.gloss,
            ]
            for i in items
        ]
        # One statement for the whole batch, its rows read from one JSON text: SQLite inserts
        # and indexes them all with the interpreter's lock released. Row by row (executemany),
        # the poll's store thread had to win the lock back for every row from the threads
        # still fetching, and waited most of its time (500 feeds: 15 s for 3 CPU-s).
        payload = json.dumps(rows, ensure_ascii=False)
        # SQLite's JSON reading ends a string at NUL: a batch holding one is bound row by row.
        exact = "\\u0000" not in payload
        with self.transaction() as db:
            # rowcount, not total_changes: the search triggers' own rows must not count.
            if exact:
                cursor = db.execute(_INSERT + _FROM_JSON, (payload,))
            else:
                cursor = db.executemany(_INSERT + _VALUES, rows)
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
        # Taken: this item, or the same article from another source: the same id and link, or
        # the same id made from the content itself (saved files' "saved:", feed entries
        # without guid or link "sha256:"; see digest/sources), which names the article.
        taken = (
            "NOT EXISTS (SELECT 1 FROM items AS t JOIN edition_items AS e"
            " ON e.source = t.source AND e.item_id = t.id WHERE e.digest = ? AND t.id = items.id"
            " AND (t.source = items.source OR (t.link = items.link AND t.link != '')"
            " OR substr(t.id, 1, 6) = 'saved:' OR substr(t.id, 1, 7) = 'sha256:'))"
        )
        if since is None and previous is not None:
            query = f"SELECT * FROM items WHERE {taken} AND first_seen > ? AND first_seen <= ?"
            params: tuple[str, ...] = (digest, iso(previous.until), iso(now))
        else:
            start = iso(now - (since or lookback))
            query = (
                f"SELECT * FROM items WHERE {taken} AND first_seen <= ? AND ("
                "(origin = 'saved' AND seen_at >= ?) OR "
                "(origin = 'feed' AND COALESCE(published, first_seen) >= ?))"
            )
            params = (digest, iso(now), start, start)
        return [
            item_row(row)
            for row in self.db.execute(query + " ORDER BY first_seen, source, id", params)
        ]

    def item_sources(self) -> set[str]:
        """The name of every source an item was ever stored from."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT source FROM items")}

    def count_items(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    def known_ids(self, source: str, ids: Iterable[str]) -> set[str]:
        """Those of `ids` already stored for `source`."""
        wanted = list(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id FROM items WHERE source = ? AND id IN ({marks})", [source, *chunk]
            )
            found.update(row[0] for row in rows)
        return found
