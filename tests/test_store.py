"""The SQLite store: stable ids, never new twice, the windows that decide what is new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.models import Item, Origin, Relevance, ScoredItem
from digest.store import EditionRecord, Store

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
