"""The SQLite store: stable ids, never new twice, the windows that decide what is new."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.models import Item, Origin, Relevance, ScoredItem
from digest.store import EditionRecord, SearchFilters, Store
from digest.store.records import item_row

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def item(
    ident: str,
    origin: Origin = Origin.FEED,
    *,
    published_days: float | None = 1,
    seen_days: float = 0,
) -> Item:
    return Item(
        id=ident,
        source="Wire",
        origin=origin,
        title=f"Title {ident}",
        link=f"http://x.invalid/{ident}",
        text="text",
        seen_at=NOW - timedelta(days=seen_days),
        published=None if published_days is None else NOW - timedelta(days=published_days),
    )


def record(store: Store, digest: str, until: datetime, items: list[Item]) -> None:
    store.record_edition(
        EditionRecord(
            0,
            digest,
            "slug",
            until.date().isoformat(),
            until - timedelta(days=7),
            until,
            f"{digest}-{until.isoformat()}.html",
            f"{digest}-{until.isoformat()}.txt",
            len(items),
            (),
        ),
        [ScoredItem(i, Relevance(1.0, True, ("x",))) for i in items],
    )


def test_items_are_new_once() -> None:
    store = Store.memory()
    assert store.add_items([item("a"), item("b")], NOW) == 2
    assert store.add_items([item("a"), item("c")], NOW) == 1
    assert store.count_items() == 3


def test_first_edition_uses_lookback_by_publication_for_feeds_and_save_time_for_files() -> None:
    store = Store.memory()
    store.add_items(
        [
            item("recent"),
            item("old", published_days=30),
            item("undated", published_days=None),
            item("saved-now-published-long-ago", Origin.SAVED, published_days=3000),
            item("saved-long-ago", Origin.SAVED, seen_days=40),
        ],
        NOW,
    )
    ids = {i.id for i in store.candidates("w", now=NOW, lookback=timedelta(days=7), since=None)}
    assert ids == {"recent", "undated", "saved-now-published-long-ago"}


def test_later_editions_take_items_first_seen_since_the_previous_one() -> None:
    store = Store.memory()
    store.add_items([item("a"), item("b")], NOW - timedelta(days=8))
    first = store.candidates(
        "w", now=NOW - timedelta(days=7), lookback=timedelta(days=7), since=None
    )
    record(store, "w", NOW - timedelta(days=7), first)
    # 'c' was published long ago but only appeared in the feed after the last edition.
    store.add_items([item("a"), item("c", published_days=20)], NOW - timedelta(days=2))
    later = store.candidates("w", now=NOW, lookback=timedelta(days=7), since=None)
    assert [i.id for i in later] == ["c"]
    # Another digest sharing the store still gets everything in its own window.
    other = store.candidates("daily", now=NOW, lookback=timedelta(days=30), since=None)
    assert {i.id for i in other} == {"a", "b", "c"}


def test_since_overrides_and_taken_items_stay_taken() -> None:
    store = Store.memory()
    store.add_items([item("a"), item("b", published_days=10)], NOW)
    record(store, "w", NOW, [item("a")])
    wide = store.candidates("w", now=NOW, lookback=timedelta(days=7), since=timedelta(days=30))
    assert [i.id for i in wide] == ["b"]


def test_schema_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    store = Store.open(path)
    store.add_items([item("a")], NOW)
    store.close()
    again = Store.open(path)
    assert again.count_items() == 1
    assert again.db.execute("PRAGMA user_version").fetchone()[0] >= 1
    snapshot = Store.snapshot(path)
    snapshot.add_items([item("z")], NOW)
    assert again.count_items() == 1  # a dry run's snapshot never writes back


def test_a_batch_is_stored_by_one_statement_whatever_its_size() -> None:
    # One statement: SQLite inserts and indexes the whole batch with the interpreter's lock
    # released, instead of winning it back for each row from the poll's other threads.
    store = Store.memory()
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    assert store.add_items([item(str(n)) for n in range(300)], NOW) == 300
    # (the callback sees the statement again for each trigger it runs: the same text)
    assert len({s for s in statements if s.startswith("INSERT OR IGNORE INTO items")}) == 1
    assert store.search('"Title 7"', SearchFilters())[0].item.id == "7"


def test_stored_values_are_exactly_the_items_values() -> None:
    awkward = [
        'quotes " and \\ backslashes \\u0041',
        "line\u2028separator, tab\t, newline\n, bell\x07, DEL\x7f",
        "astral 😀 \U0010ffff, BOM \ufeff, é, 北朝鮮, 납치",
        "",
    ]
    items = [
        replace(item(f"id {n} {text}"), title=text, text=text * 2, author=text, lang="ja")
        for n, text in enumerate(awkward)
    ] + [item("no date", published_days=None), item("a")]
    store = Store.memory()
    assert store.add_items([*items, item("a")], NOW) == len(items)  # a repeat counts once
    stored = store.db.execute("SELECT * FROM items ORDER BY rowid").fetchall()
    assert [item_row(row) for row in stored] == items  # every field, None and "" kept apart
    assert {row["first_seen"] for row in stored} == {NOW.isoformat()}


def test_a_nul_character_is_stored_as_it_is() -> None:
    # SQLite's JSON functions end a string at NUL: such a batch must still store it whole.
    store = Store.memory()
    nul = replace(item("n\x00ul"), title="before\x00after", text="x\x00y")
    assert store.add_items([item("plain"), nul], NOW) == 2
    assert ("n\x00ul", "before\x00after", "x\x00y") in [
        tuple(row) for row in store.db.execute("SELECT id, title, text FROM items")
    ]
