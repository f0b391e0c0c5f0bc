"""Pieces of the archive's pages kept between publishes, found by the hash of their inputs."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from digest.store.base import StoreBase
from digest.store.records import Fragment


class FragmentStore(StoreBase):
    def fragments(self, keys: Collection[str]) -> dict[str, str]:
        """The text of each fragment kept under one of `keys` (those not kept are absent)."""
        wanted = sorted(keys)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):  # under SQLite's limit on parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, text FROM fragments WHERE key IN ({marks})", chunk)
            found.update((str(row["key"]), str(row["text"])) for row in rows)
        return found

    def keep_fragments(self, used: Collection[str], made: Mapping[str, Fragment]) -> None:
        """Keep exactly the fragments a publish used: those it found under `used` and those it
        `made` (key -> fragment); the rest go, so the table holds what one publish needs.

        In the caller's transaction (a publish's), so a publish rolled back keeps none of it."""
        keep = {*used, *made}
        kept = {str(row[0]) for row in self.db.execute("SELECT key FROM fragments")}
        self.db.executemany("DELETE FROM fragments WHERE key = ?", [(k,) for k in kept - keep])
        self.db.executemany(
            "INSERT OR REPLACE INTO fragments (key, kind, text) VALUES (?, ?, ?)",
            [(key, f.kind, f.text) for key, f in made.items() if key not in kept],
        )
