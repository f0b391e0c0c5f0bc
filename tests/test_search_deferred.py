"""Migration 9: storing leaves full-text indexing to the first search (or serve, between jobs),
and a search still finds every stored item."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import store_at_version

from digest.models import Item, Origin
from digest.store import MIGRATIONS, SearchFilters, Store
from digest.store import search as search_store
from digest.store.query import search

WHEN = datetime(2026, 11, 2, tzinfo=UTC)


def item(number: int, title: str, lang: str = "en") -> Item:
    link = f"http://news.invalid/{number}"
    return Item(
        f"feed:{number}", "Wire", Origin.FEED, title, link, f"{title}. Body.", WHEN, lang=lang
    )


def indexed(store: Store, table: str = "items_fts") -> int:
    """Rows the index holds (a contentless FTS5 table keeps one length row per document)."""
    return int(store.db.execute(f"SELECT count(*) FROM {table}_docsize").fetchone()[0])


def found(store: Store, query: str) -> list[str]:
    return sorted(hit.item.id for hit in search(store, query, SearchFilters()))


def whole(store: Store) -> None:
    """SQLite's own check of both indexes: it raises when an index is corrupt."""
    for table in ("items_fts", "items_cjk"):
        store.db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def test_storing_leaves_the_index_to_the_first_search() -> None:
    store = Store.memory()
    store.add_items([item(1, "Missile talks"), item(2, "北朝鮮が弾道ミサイル発射", "ja")], WHEN)
    assert (indexed(store), indexed(store, "items_cjk"), store.pending_index()) == (0, 0, 2)
    assert found(store, "missile") == ["feed:1"]
    assert found(store, "弾道ミサイル") == ["feed:2"]
    assert (indexed(store), indexed(store, "items_cjk"), store.pending_index()) == (2, 1, 0)
    store.add_items([item(3, "More missile talks")], WHEN)
    assert found(store, "missile") == ["feed:1", "feed:3"]
    whole(store)


def test_changing_or_deleting_pending_and_indexed_items_keeps_the_indexes_whole() -> None:
    store = Store.memory()
    store.add_items([item(1, "Abduction talks"), item(2, "拉致被害者の家族", "ja")], WHEN)
    assert found(store, "abduction") == ["feed:1"]  # 1 and 2 indexed
    store.add_items([item(3, "Abduction envoy"), item(4, "拉致問題の協議", "ja")], WHEN)  # pending
    store.db.execute("UPDATE items SET title = 'Missile envoy' WHERE id = 'feed:3'")
    store.db.execute("UPDATE items SET title = 'Summit talks' WHERE id = 'feed:1'")
    store.db.execute("DELETE FROM items WHERE id IN ('feed:2', 'feed:4')")
    whole(store)
    assert found(store, "abduction") == ["feed:1", "feed:3"]  # in their texts still
    assert found(store, "missile") == ["feed:3"]
    assert found(store, "summit") == ["feed:1"]
    assert found(store, "拉致被害") == found(store, "拉致問題") == []
    assert (indexed(store), indexed(store, "items_cjk"), store.pending_index()) == (2, 0, 0)
    whole(store)


def test_indexing_stops_between_chunks_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_store, "INDEX_CHUNK", 2)
    store = Store.memory()
    store.add_items([item(n, f"Report {n}") for n in range(5)], WHEN)
    asked = []
    assert store.index_pending(stop=lambda: bool(asked.append(1)) or len(asked) > 1) == 2
    assert (indexed(store), store.pending_index()) == (2, 3)
    assert store.index_pending() == 3
    assert (indexed(store), store.pending_index()) == (5, 0)
    whole(store)


def test_an_older_store_keeps_its_index_and_defers_only_new_items(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    old = store_at_version(path, 8)
    stamp = WHEN.isoformat()
    columns = "id, source, origin, title, link, text, seen_at, first_seen, lang"
    rows = [
        ("feed:1", "Wire", "feed", "Missile over Hokkaido", "x", "Body", stamp, stamp, "en"),
        ("feed:2", "Wire", "feed", "北朝鮮が弾道ミサイル", "x", "本文", stamp, stamp, "ja"),
    ]
    old.executemany(f"INSERT INTO items ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    old.close()  # indexed by migration 8's triggers, as they were stored
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 9
        assert (indexed(store), indexed(store, "items_cjk"), store.pending_index()) == (2, 1, 0)
        store.add_items([item(3, "Missile test"), item(4, "弾道ミサイルの破片", "ja")], WHEN)
        assert store.pending_index() == 2
        store.db.execute("DELETE FROM items WHERE id = 'feed:2'")  # indexed before migrating
        assert found(store, "missile") == ["feed:1", "feed:3"]
        assert found(store, "弾道ミサイル") == ["feed:4"]
        whole(store)
    finally:
        store.close()


def test_a_read_only_store_searches_what_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    store = Store.open(path)
    store.add_items([item(1, "Missile talks")], WHEN)
    assert found(store, "missile") == ["feed:1"]
    store.add_items([item(2, "Missile envoy")], WHEN)
    store.close()
    reader = Store.reader(path)
    try:
        assert found(reader, "missile") == ["feed:1"]  # feed:2 waits for a writable search
    finally:
        reader.close()


def test_digest_search_says_when_it_indexes_many_items_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from digest.cli import search as search_cli
    from digest.cli.app import cli
    from digest.publish.archive import DATABASE_NAME

    (tmp_path / "saved").mkdir()
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\nsources:\n  - {{name: Saved, path: saved}}\n"
    )
    store = Store.open(tmp_path / "archive" / DATABASE_NAME)
    store.add_items([item(n, f"Missile report {n}") for n in range(3)], WHEN)
    store.close()
    monkeypatch.setattr(search_cli, "NOTICE_PENDING", 3)
    first = CliRunner().invoke(cli, ["search", "missile", "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert "indexing 3 new items for search first" in first.output
    assert first.output.count("Missile report") == 3
    again = CliRunner().invoke(cli, ["search", "missile", "--config", str(config)])
    assert "indexing" not in again.output and again.output.count("Missile report") == 3
