"""Stored times: microseconds, one spelling per moment, SQLite's order, and a store whose time
never runs backwards (two runs in one second, a clock stepped back): no item is lost."""

from __future__ import annotations

import logging
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import LoopbackServer, Route
from feeds import ABDUCTION_TALKS, MISSILE_OVER_JAPAN, rfc822, rss

from digest.config import Config
from digest.edition import RunResult, run_edition
from digest.sources import build_sources
from digest.store import Store
from digest.store.records import iso

TALKS = {"title": "Japan and North Korea hold abduction talks", "body": ABDUCTION_TALKS}
MISSILE = {"title": "North Korean missile flies over northern Japan", "body": MISSILE_OVER_JAPAN}


def _moments(count: int) -> list[datetime]:
    rng = random.Random(20261202)
    start = datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC)
    found = []
    for _ in range(count):
        moment = start + timedelta(seconds=rng.randrange(4), microseconds=rng.randrange(1_000_000))
        found.append(moment.replace(microsecond=0) if rng.random() < 0.3 else moment)
    return found


def test_sqlite_compares_stored_times_as_the_moments_they_are_old_spelling_included() -> None:
    moments = _moments(60)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (a TEXT, b TEXT)")  # the store's time columns are TEXT
    pairs = [(a, b) for a in moments for b in moments]
    db.executemany("INSERT INTO t VALUES (?, ?)", [(iso(a), iso(b)) for a, b in pairs])
    rows = db.execute("SELECT a < b, a = b, a > b FROM t").fetchall()
    assert rows == [(int(a < b), int(a == b), int(a > b)) for a, b in pairs]
    for whole in (m for m in moments if m.microsecond == 0):  # rows written before microseconds
        assert iso(whole) == whole.isoformat(timespec="seconds")
    assert "." in iso(datetime(2026, 12, 1, 0, 0, 0, 1, tzinfo=UTC))


def _config(tmp_path: Path, url: str) -> Config:
    return Config.model_validate(
        {
            "archive": str(tmp_path / "archive"),
            "fetch": {"allow_private_addresses": True},
            "sources": [{"name": "Wire", "url": url}],
        }
    )


def _feed(*entries: dict[str, str]) -> Route:
    return Route(
        rss(
            [
                {**e, "link": f"http://news.invalid/{i}", "date": rfc822(0.1)}
                for i, e in enumerate(entries)
            ]
        )
    )


def _run(config: Config, store: Store, now: datetime) -> RunResult:
    with httpx.Client() as client:
        return run_edition(
            config=config, sources=build_sources(config), store=store, client=client, now=now
        )


def _titles(result: RunResult) -> set[str]:
    return {s.item.title for story in result.edition.stories for s in story.items}


def _one_edition_then_news(
    server: LoopbackServer, tmp_path: Path
) -> tuple[Config, Store, RunResult]:
    """A store with one edition made now (the clock, it turns out, was ahead), and a feed that
    has a new item since."""
    url = server.add("/feed", _feed(TALKS))
    config = _config(tmp_path, url)
    store = Store.open(tmp_path / "digest.sqlite")
    first = _run(config, store, datetime.now(UTC))
    server.add("/feed", _feed(TALKS, MISSILE))
    return config, store, first


@pytest.mark.parametrize("apart", [timedelta(milliseconds=400), timedelta(0)])
def test_two_runs_within_one_second_each_keep_their_new_items(
    server: LoopbackServer, tmp_path: Path, apart: timedelta
) -> None:
    url = server.add("/feed", _feed(TALKS))
    config = _config(tmp_path, url)
    store = Store.open(tmp_path / "digest.sqlite")
    now = datetime.now(UTC).replace(microsecond=100_000)
    first = _run(config, store, now)
    assert _titles(first) == {TALKS["title"]}
    server.add("/feed", _feed(TALKS, MISSILE))
    second = _run(config, store, now + apart)  # the same second: once, the same window
    assert _titles(second) == {MISSILE["title"]}
    assert second.edition.until > first.edition.until
    store.close()


def test_a_clock_stepped_back_loses_nothing_and_says_so(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config, store, first = _one_edition_then_news(server, tmp_path)
    ahead = first.edition.until
    with caplog.at_level(logging.WARNING):
        behind = _run(config, store, ahead - timedelta(hours=1))  # NTP stepped the clock back
    # What was stored meanwhile is this edition's, which ends just after the last one.
    assert _titles(behind) == {MISSILE["title"]}
    assert behind.edition.since == first.edition.until < behind.edition.until
    assert "the clock" in caplog.text and "is behind the end of the last edition" in caplog.text
    # And taken once: the next edition, with the clock right again, has nothing new.
    later = _run(config, store, ahead + timedelta(hours=2))
    assert _titles(later) == set()
    store.close()


def test_items_stored_by_a_poll_while_the_clock_is_behind_are_in_the_next_edition(
    server: LoopbackServer, tmp_path: Path
) -> None:
    config, store, first = _one_edition_then_news(server, tmp_path)
    ahead = first.edition.until
    from digest.edition import poll_sources

    with httpx.Client() as client:  # serve's poll job, between two editions
        poll_sources(
            sources=build_sources(config), store=store, client=client, now=ahead - timedelta(1)
        )
    server.add("/feed", _feed(TALKS))  # gone from the feed by the next edition
    later = _run(config, store, ahead + timedelta(hours=1))
    assert _titles(later) == {MISSILE["title"]}
    store.close()


def test_mail_of_an_edition_made_while_the_clock_is_behind_is_due_at_once(
    server: LoopbackServer, tmp_path: Path
) -> None:
    config, store, first = _one_edition_then_news(server, tmp_path)
    ahead = first.edition.until
    behind = ahead - timedelta(hours=1)
    with httpx.Client() as client:  # as serve's publishing job: a period, its recipients
        made = run_edition(
            config=config,
            sources=build_sources(config),
            store=store,
            client=client,
            now=behind,
            scheduled=behind.replace(second=0, microsecond=0),
            recipients=("ann@example.org",),
        )
    assert made.edition.until > ahead  # the edition ends after the last one ...
    [due] = store.due_deliveries(behind)  # ... but its mail goes now, not in an hour
    assert due.recipient == "ann@example.org"
    store.close()
