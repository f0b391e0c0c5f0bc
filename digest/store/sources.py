"""Per-source polling state and health, and the article-page cache."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from digest.models import SourceState
from digest.store.base import StoreBase
from digest.store.records import iso, state_row


class SourceStore(StoreBase):
    # --- sources and pages ---------------------------------------------------------------------

    def source_states(self) -> dict[str, SourceState]:
        """Every source's polling state and health, by name."""
        return {row["name"]: state_row(row) for row in self.db.execute("SELECT * FROM sources")}

    def save_source_states(self, states: Iterable[SourceState]) -> None:
        rows = [
            (
                s.name,
                s.config_url,
                s.url,
                s.etag,
                s.last_modified,
                s.content_hash,
                iso(s.retry_after) if s.retry_after else None,
                s.retired,
                iso(s.last_success) if s.last_success else None,
                s.last_error,
                iso(s.last_error_at) if s.last_error_at else None,
                iso(s.failing_since) if s.failing_since else None,
                s.failures,
                s.polls,
                s.items,
                json.dumps(list(s.times_ms)),
            )
            for s in states
        ]
        with self.transaction() as db:
            db.executemany(f"INSERT OR REPLACE INTO sources VALUES ({', '.join('?' * 16)})", rows)

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
                [(url, text, iso(now)) for url, text in pages.items()],
            )
