"""Migration 7: the trigram index follows an item's language, and both indexes merge 8 at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import store_at_version

from digest.models import Item, Origin
from digest.store import MIGRATIONS, SearchFilters, Store

WHEN = datetime(2026, 11, 2, tzinfo=UTC)


def item(number: int, title: str, lang: str) -> Item:
    """A Japanese headline, stored under `lang` (as a detector or a source's `lang:` said)."""
    link = f"http://news.invalid/{number}"
    return Item(f"feed:{number}", "Wire", Origin.FEED, title, link, "本文です。", WHEN, lang=lang)


def in_trigram_index(store: Store, word: str) -> list[str]:
    return [h.item.id for h in store.search(f'"{word}"', SearchFilters(), cjk=True)]


def indexed_rows(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM cjk_rows").fetchone()[0])


def test_an_item_whose_language_changes_is_indexed_in_the_right_table() -> None:
    store = Store.memory()
    store.add_items([item(1, "拉致被害者家族が会見", "en")], WHEN)  # mis-detected at first
    assert in_trigram_index(store, "拉致被害") == []
    store.db.execute("UPDATE items SET lang = 'ja' WHERE id = 'feed:1'")
    assert in_trigram_index(store, "拉致被害") == ["feed:1"]
    store.db.execute("UPDATE items SET title = '日朝首脳会談の準備' WHERE id = 'feed:1'")
    assert in_trigram_index(store, "拉致被害") == []
    assert in_trigram_index(store, "首脳会談") == ["feed:1"]
    store.db.execute("UPDATE items SET lang = 'en' WHERE id = 'feed:1'")
    assert in_trigram_index(store, "首脳会談") == []
    assert indexed_rows(store) == 0
    # The index is whole: SQLite's own check finds nothing wrong after all that.
    store.db.execute("INSERT INTO items_cjk (items_cjk, rank) VALUES ('integrity-check', 1)")


def test_migrating_puts_right_what_the_old_trigger_left(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    old = store_at_version(path, 6)
    stamp = WHEN.isoformat()
    columns = "id, source, origin, title, link, text, seen_at, first_seen, lang"
    rows = [
        ("feed:1", "Wire", "feed", "拉致被害者家族が会見", "x", "本文", stamp, stamp, "en"),
        ("feed:2", "Wire", "feed", "北朝鮮が弾道ミサイル", "x", "本文", stamp, stamp, "ja"),
    ]
    old.executemany(f"INSERT INTO items ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # Under migration 6 neither change reaches the trigram index.
    old.execute("UPDATE items SET lang = 'ja' WHERE id = 'feed:1'")
    old.execute("UPDATE items SET lang = 'en' WHERE id = 'feed:2'")
    old.close()
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 7
        assert in_trigram_index(store, "拉致被害") == ["feed:1"]
        assert in_trigram_index(store, "弾道ミサイル") == []
        assert indexed_rows(store) == 1
        store.db.execute("INSERT INTO items_cjk (items_cjk, rank) VALUES ('integrity-check', 1)")
    finally:
        store.close()


def test_both_indexes_merge_eight_segments_at_a_time() -> None:
    store = Store.memory()
    for table in ("items_fts", "items_cjk"):
        row = store.db.execute(f"SELECT v FROM {table}_config WHERE k = 'automerge'").fetchone()
        assert row is not None and row[0] == 8
