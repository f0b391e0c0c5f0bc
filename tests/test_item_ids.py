"""Item ids belong to their source: two feeds that both number their posts 1, 2, 3 lose nothing.

Through the CLI on loopback feeds, and the migration of a store made before (schema 4): its
items, editions, search rows and "never new twice" survive.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import LoopbackServer, Route, WriteConfig, digest
from feeds import ABDUCTION_TALKS, CLIPPING, MISSILE_OVER_JAPAN, rfc822, rss

from digest.models import Item, Origin
from digest.store import MIGRATIONS, SearchFilters, Store

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
ABDUCTION = "Japan and North Korea hold abduction talks"
MISSILE = "North Korean missile flies over Japan"


def entry(title: str, link: str, body: str, guid: str = "1") -> dict[str, str]:
    return {"title": title, "link": link, "guid": guid, "date": rfc822(1), "body": body}


def test_two_feeds_with_the_same_guid_both_count(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    server.add("/a", Route(rss([entry(ABDUCTION, "http://a.invalid/p?1", ABDUCTION_TALKS)])))
    server.add("/b", Route(rss([entry(MISSILE, "http://b.invalid/p?1", MISSILE_OVER_JAPAN)])))
    config = write_config(
        "fetch: {max_pages: 0}\nsources:\n"
        f"  - {{name: Outlet A, url: '{server.url('/a')}'}}\n"
        f"  - {{name: Outlet B, url: '{server.url('/b')}'}}\n"
    )
    first = digest("run", "--config", config, cwd=config.parent)
    assert first.returncode == 0, first.stderr
    assert "items 2 seen, 2 new, 2 on topic" in first.stdout
    page = next((config.parent / "archive").glob("*/*.html")).read_text(encoding="utf-8")
    assert ABDUCTION in page and MISSILE in page
    anchors = re.findall(r'id="(story-[0-9a-f]+)"', page)
    assert len(anchors) == 2 and len(set(anchors)) == 2  # one permalink each
    for word, title in (("abduction", ABDUCTION), ("missile", MISSILE)):
        found = digest("search", word, "--config", config, cwd=config.parent)
        assert found.returncode == 0, found.stderr
        assert title in found.stdout
        assert "japan-north-korea" in found.stdout  # the edition it appeared in
    again = digest("run", "--config", config, cwd=config.parent)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 on topic" in again.stdout  # (unchanged feeds are not even parsed)


def test_the_same_article_from_a_second_feed_is_not_new_again(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    article = entry(ABDUCTION, "http://wire.invalid/abduction-talks", ABDUCTION_TALKS, guid="w-9")
    server.add("/a", Route(rss([article])))
    one = f"fetch: {{max_pages: 0}}\nsources:\n  - {{name: Wire, url: '{server.url('/a')}'}}\n"
    config = write_config(one)
    assert "1 on topic" in digest("run", "--config", config, cwd=config.parent).stdout
    server.add("/b", Route(rss([article])))  # an aggregator carrying the same article
    config = write_config(one + f"  - {{name: Aggregator, url: '{server.url('/b')}'}}\n")
    later = digest("run", "--config", config, cwd=config.parent)
    assert later.returncode == 0, later.stderr
    assert "1 new, 0 on topic" in later.stdout  # stored (it is its feed's), not shown again


def test_the_same_saved_article_in_a_second_folder_is_not_new_again(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    for name in ("mine", "team"):
        (tmp_path / name).mkdir()
    (tmp_path / "mine" / "talks.txt").write_text(CLIPPING, encoding="utf-8")
    one = "sources:\n  - {name: Mine, path: mine}\n"
    config = write_config(one)
    assert "1 on topic" in digest("run", "--config", config, cwd=tmp_path).stdout
    (tmp_path / "team" / "copy-of-talks.txt").write_text(CLIPPING, encoding="utf-8")
    config = write_config(one + "  - {name: Team, path: team}\n")
    later = digest("run", "--config", config, cwd=tmp_path)
    assert later.returncode == 0, later.stderr
    assert "1 new, 0 on topic" in later.stdout


def item(ident: str, source: str, title: str = "Abduction talks") -> Item:
    return Item(
        id=ident,
        source=source,
        origin=Origin.FEED,
        title=title,
        link=f"http://{source.lower()}.invalid/{ident}",
        text="Japan and North Korea met on the abduction issue.",
        seen_at=NOW,
        published=NOW - timedelta(days=1),
    )


def test_known_ids_are_per_source() -> None:
    store = Store.memory()
    store.add_items([item("1", "A")], NOW)
    assert store.known_ids("A", ["1", "2"]) == {"1"}
    assert store.known_ids("B", ["1", "2"]) == set()  # B's teaser "1" still gets its page


def schema_4_store(path: Path) -> None:
    """A store as digest made it before ids were scoped: two items, one edition taking one."""
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number + 1}; COMMIT;")
    day = NOW - timedelta(days=8)
    for ident, title in (("1", "Abduction talks in Ulaanbaatar"), ("2", "Remains talks")):
        db.execute(
            "INSERT INTO items (id, source, origin, title, link, text, author, published,"
            " seen_at, first_seen) VALUES (?, 'A', 'feed', ?, ?, 'Japan and North Korea met',"
            " '', ?, ?, ?)",
            (
                ident,
                title,
                f"http://a.invalid/{ident}",
                day.isoformat(),
                day.isoformat(),
                day.isoformat(),
            ),
        )
    db.execute(
        "INSERT INTO editions (id, digest, slug, date, since, until, html_path, text_path,"
        " stories, headlines) VALUES (1, 'Weekly', 'weekly', '2026-11-16', ?, ?,"
        " '2026/2026-11-16-weekly.html', '2026/2026-11-16-weekly.txt', 1, ?)",
        (
            (day - timedelta(days=7)).isoformat(),
            (day + timedelta(hours=1)).isoformat(),
            json.dumps(["Abduction talks in Ulaanbaatar"]),
        ),
    )
    db.execute("INSERT INTO edition_items VALUES ('Weekly', '1', 1, 2.5, '[\"abduction\"]')")
    db.close()


def test_migration_keeps_items_editions_search_and_what_was_taken(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    schema_4_store(path)
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.count_items() == 2
        assert [e.stem for e in store.editions()] == ["2026-11-16-weekly"]
        hits = store.search("abduction", SearchFilters())
        assert [(h.item.id, [e.stem for e in h.editions]) for h in hits] == [
            ("1", ["2026-11-16-weekly"])
        ]
        assert store.search("remains", SearchFilters(digest="Weekly")) == []
        # Item 1 was taken by Weekly: never new again for it, whatever the window.
        window = {"now": NOW, "lookback": timedelta(days=30), "since": timedelta(days=30)}
        assert [i.id for i in store.candidates("Weekly", **window)] == ["2"]
        # Another feed's "1" is now an item of its own, found by search too.
        assert store.add_items([item("1", "B", title="Missile over Hokkaido")], NOW) == 1
        assert store.add_items([item("1", "A")], NOW) == 0
        assert [h.item.source for h in store.search("hokkaido", SearchFilters())] == ["B"]
    finally:
        store.close()
