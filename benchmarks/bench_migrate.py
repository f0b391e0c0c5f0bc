"""Time to bring a schema-4 store (before item ids were scoped to their source) up to date.

    PYTHONPATH=. python benchmarks/bench_migrate.py [--items 100000]

Builds a schema-4 SQLite file of synthetic items (the search benchmark's), half of them taken by
editions, then times the first `Store.open` (migration 5 rebuilds items, search rows and edition
items in one transaction) and checks a search still finds what it found before.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_search import synthetic

from digest.store import MIGRATIONS, SearchFilters, Store
from digest.store.records import iso


def schema_4(path: Path, count: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number + 1}; COMMIT;")
    now = iso(datetime(2026, 11, 23, tzinfo=UTC))
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO items (id, source, origin, title, link, text, author, published, seen_at,"
        " first_seen) VALUES (?, ?, 'feed', ?, ?, ?, '', ?, ?, ?)",
        [
            (i.id, i.source, i.title, i.link, i.text, iso(i.seen_at), iso(i.seen_at), now)
            for i in synthetic(count)
        ],
    )
    db.execute(
        "INSERT INTO editions (id, digest, slug, date, since, until, html_path, text_path,"
        " stories) VALUES (1, 'Weekly', 'weekly', '2026-11-23', ?, ?, 'a.html', 'a.txt', 0)",
        (now, now),
    )
    db.execute(
        "INSERT INTO edition_items SELECT 'Weekly', id, 1, 1.0, '[]' FROM items WHERE rowid % 2 = 0"
    )
    db.execute("COMMIT")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digest.sqlite3"
        started = time.perf_counter()
        schema_4(path, args.items)
        print(f"schema-4 store of {args.items:,} items: {time.perf_counter() - started:.1f} s")
        before = sqlite3.connect(path)
        found = before.execute(
            "SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH 'abduction'"
        ).fetchone()[0]
        before.close()
        size = path.stat().st_size / 1e6
        started = time.perf_counter()
        store = Store.open(path)
        took = time.perf_counter() - started
        hits = len(store.search("abduction", SearchFilters(limit=1000)))
        taken = store.db.execute("SELECT COUNT(*) FROM edition_items").fetchone()[0]
        store.close()
        print(f"migration to schema {len(MIGRATIONS)} ({size:.0f} MB file): {took:.2f} s")
        print(f"search 'abduction' before {found:,} rows, after {hits:,} hits (limit 1000)")
        print(f"edition items kept: {taken:,} of {args.items // 2:,}")


if __name__ == "__main__":
    main()
