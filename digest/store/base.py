"""The connection, transactions and migrations every part of the store shares."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from digest.store.files import make_private, open_private
from digest.store.schema import MIGRATIONS


class StoreBase:
    def __init__(self, connection: sqlite3.Connection, *, migrate: bool = True) -> None:
        self.db = connection
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        if migrate:
            self._migrate()

    @classmethod
    def open(cls, path: Path) -> Self:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Private (0600) before SQLite touches it: SQLite gives the WAL and shared-memory files
        # the database's own mode. Files an older digest left readable are tightened.
        os.close(open_private(path))
        for side in ("-wal", "-shm", "-journal"):
            make_private(path.with_name(path.name + side))
        # Not bound to this thread: a poll writes from its store thread, one call at a time.
        connection = sqlite3.connect(
            path, timeout=30, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        return cls(connection)

    @classmethod
    def reader(cls, path: Path) -> Self:
        """A read-only connection to the existing store at `path` (for `archive serve`, which may
        run where it cannot write); an older schema is migrated first."""
        uri = f"{path.resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        if connection.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            connection.close()
            cls.open(path).close()
            connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        return cls(connection, migrate=False)

    @classmethod
    def memory(cls) -> Self:
        return cls(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))

    @classmethod
    def snapshot(cls, path: Path) -> Self:
        """An in-memory copy of the store at `path` (empty if absent), for dry runs."""
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
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
