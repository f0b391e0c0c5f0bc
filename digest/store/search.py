"""Full-text search over every stored item (FTS5, BM25)."""

from __future__ import annotations

from collections.abc import Sequence

from digest.store.base import StoreBase
from digest.store.records import EditionRecord, SearchFilters, SearchHit, edition_row, item_row


class SearchStore(StoreBase):
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
                " WHERE edition_items.source = items.source AND edition_items.item_id = items.id"
                " AND (editions.digest = ?"
                " OR editions.slug = ?))"
            )
            params.extend([filters.digest, filters.digest])
        rows = self.db.execute(
            "SELECT items.*, items_fts.rank AS rank FROM items_fts"
            " JOIN search_rows ON search_rows.rowid = items_fts.rowid"
            " JOIN items ON items.source = search_rows.source AND items.id = search_rows.item_id"
            f" WHERE {' AND '.join(where)} ORDER BY items_fts.rank LIMIT ?",
            [*params, filters.limit],
        ).fetchall()
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
