"""Full-text search over every stored item (FTS5, BM25)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence

from digest.store.base import StoreBase
from digest.store.records import EditionRecord, SearchFilters, SearchHit, edition_row, item_row

log = logging.getLogger(__name__)

INDEX_CHUNK = 2000  # pending rows indexed per transaction
# (index, its rows table, its pending table): the word index of every item, the trigram one
# of Japanese and Korean items
# What each index holds as an item's title: the word index adds the English gloss, if any.
_TITLE = {
    "items_fts": "i.title || CASE i.gloss WHEN '' THEN '' ELSE char(10) || i.gloss END",
    "items_cjk": "i.title",
}
_INDEXES = (
    ("items_fts", "search_rows", "search_pending"),
    ("items_cjk", "cjk_rows", "cjk_pending"),
)


class SearchStore(StoreBase):
    # --- search -----------------------------------------------------------------------------

    def search(self, match: str, filters: SearchFilters, *, cjk: bool = False) -> list[SearchHit]:
        """Items matching the FTS5 expression `match`, best first (BM25, titles weigh most).

        `cjk`: search the trigram index of Japanese and Korean items instead of the word index
        (every word of `match` then needs three characters or more).
        Raises sqlite3.OperationalError when FTS5 refuses the expression.
        """
        self._catch_up()
        index, rows_table = ("items_cjk", "cjk_rows") if cjk else ("items_fts", "search_rows")
        where, params = self._filters(filters, [f"{index} MATCH ?"], [match])
        rows = self.db.execute(
            f"SELECT items.*, {index}.rank AS rank FROM {index}"
            f" JOIN {rows_table} ON {rows_table}.rowid = {index}.rowid"
            f" JOIN items ON items.source = {rows_table}.source"
            f" AND items.id = {rows_table}.item_id"
            f" WHERE {' AND '.join(where)} ORDER BY {index}.rank LIMIT ?",
            [*params, filters.limit],
        ).fetchall()
        return self._hits(rows)

    def pending_index(self) -> int:
        """How many items are stored but not yet in the full-text index (see migration 9)."""
        return int(self.db.execute("SELECT count(*) FROM search_pending").fetchone()[0])

    def index_pending(self, *, stop: Callable[[], bool] | None = None) -> int:
        """Put the items stored since the last search into the full-text indexes, a chunk per
        transaction, the oldest first; how many items were added to the word index (Japanese
        and Korean ones go into the trigram index too). `stop` is asked between
        chunks (serve's stop request): what is left stays pending, nothing half-indexed."""
        done = 0
        for index, rows, pending in _INDEXES:
            chunk = f"SELECT rowid FROM {pending} ORDER BY rowid LIMIT {INDEX_CHUNK}"
            while self.db.execute(f"SELECT 1 FROM {pending} LIMIT 1").fetchone():
                if stop is not None and stop():
                    return done
                with self.transaction() as db:
                    db.execute(
                        f"INSERT INTO {index} (rowid, title, text, source)"
                        f" SELECT r.rowid, {_TITLE[index]}, i.text, i.source FROM {rows} AS r"
                        " JOIN items AS i ON i.source = r.source AND i.id = r.item_id"
                        f" WHERE r.rowid IN ({chunk}) ORDER BY r.rowid"
                    )
                    gone = db.execute(f"DELETE FROM {pending} WHERE rowid IN ({chunk})").rowcount
                done += gone if index == "items_fts" else 0
        return done

    def _catch_up(self) -> None:
        """A search sees every stored item: what is pending is indexed first."""
        try:
            self.index_pending()
        except sqlite3.OperationalError as exc:  # a read-only store: search what is indexed
            if "readonly" not in str(exc):
                raise
            log.warning(
                "%d items are not in the search index yet (read-only store)", self.pending_index()
            )

    def search_substrings(self, words: Sequence[str], filters: SearchFilters) -> list[SearchHit]:
        """Japanese and Korean items whose title or text holds every one of `words`, newest
        first (for words too short for the trigram index: 北, 납치)."""
        where = ["items.lang IN ('ja', 'ko')"]
        params: list[str | int] = []
        for word in words:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(items.title LIKE ? ESCAPE '\\' OR items.text LIKE ? ESCAPE '\\')")
            params.extend([f"%{escaped}%"] * 2)
        where, params = self._filters(filters, where, params)
        rows = self.db.execute(
            "SELECT items.*, 0.0 AS rank FROM items"
            f" WHERE {' AND '.join(where)}"
            " ORDER BY COALESCE(items.published, items.seen_at) DESC, items.id LIMIT ?",
            [*params, filters.limit],
        ).fetchall()
        return self._hits(rows)

    def _filters(
        self, filters: SearchFilters, where: list[str], params: list[str | int]
    ) -> tuple[list[str], list[str | int]]:
        """`where` and `params` with the conditions of `filters` added."""
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
                " WHERE edition_items.source = items.source AND edition_items.item_id = items.id"
                " AND (editions.digest = ?"
                " OR editions.slug = ?))"
            )
            params.extend([filters.digest, filters.digest])
        return where, params

    def _hits(self, rows: Sequence[sqlite3.Row]) -> list[SearchHit]:
        appeared = self._appearances([(row["source"], row["id"]) for row in rows])
        return [
            SearchHit(
                item=item_row(row),
                rank=float(row["rank"]),
                editions=appeared.get((row["source"], row["id"]), ()),
            )
            for row in rows
        ]

    def _appearances(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[EditionRecord, ...]]:
        """The editions each (source, id) appeared in, oldest first."""
        found: dict[tuple[str, str], list[EditionRecord]] = {}
        if not keys:
            return {}
        marks = ", ".join("(?, ?)" for _ in keys)
        rows = self.db.execute(
            "SELECT edition_items.source AS item_source, edition_items.item_id AS item_id,"
            " editions.* FROM edition_items"
            " JOIN editions ON editions.id = edition_items.edition_id"
            f" WHERE (edition_items.source, edition_items.item_id) IN (VALUES {marks})"
            " ORDER BY editions.until, editions.id",
            [part for key in keys for part in key],
        )
        for row in rows:
            found.setdefault((row["item_source"], row["item_id"]), []).append(edition_row(row))
        return {key: tuple(value) for key, value in found.items()}
