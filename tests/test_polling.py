"""The concurrent poller against the loopback server: validators, hashes, waits, moves, teasers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import LoopbackServer, Route
from feeds import ABDUCTION_TALKS, rfc822, rss

from digest.config import Config, FetchSettings
from digest.edition import run_edition
from digest.sources import poller as poller_module
from digest.sources.feeds import FeedSource
from digest.sources.poller import Poller
from digest.store import Store

FETCH = FetchSettings(timeout=2, retries=1, backoff=0.01)
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
FEED = rss([{"title": "T", "link": "http://news.invalid/t", "date": rfc822(1), "body": "b"}])


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the feeds parsed (feeds are parsed in a thread below 8 feeds, so this sees it)."""
    seen: list[str] = []
    real = poller_module._parse

    def counting(body: bytes, name: str, now: datetime, headers: dict[str, str]) -> Any:
        seen.append(name)
        return real(body, name, now, headers)

    monkeypatch.setattr(poller_module, "_parse", counting)
    return seen


def poll(url: str, store: Store, now: datetime = NOW, **options: Any) -> Any:
    [polled] = Poller(FETCH).poll([FeedSource("Feed", url, FETCH, **options)], store=store, now=now)
    if polled.batch is not None:
        store.add_items(polled.batch.items, now)
    store.save_source_states([polled.state])  # as poll_sources does, after the items
    return polled


def test_an_unchanged_feed_is_not_parsed_twice_etag(
    server: LoopbackServer, parses: list[str]
) -> None:
    url = server.add("/f", Route(FEED, headers={"ETag": '"v1"', "Last-Modified": rfc822(2)}))
    store = Store.memory()
    assert poll(url, store).report.items == 1
    server.routes["/f"] = Route(b"", 304)
    again = poll(url, store)
    assert again.report.ok and again.report.items == 0 and again.batch is None
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert "If-Modified-Since" in server.requests[-1][1]
    assert parses == ["Feed"]


def test_an_unchanged_feed_is_not_parsed_twice_hash(
    server: LoopbackServer, parses: list[str]
) -> None:
    url = server.add("/f", Route(FEED))
    store = Store.memory()
    poll(url, store)
    again = poll(url, store)
    assert again.report.ok and again.batch is None and server.hits["/f"] == 2
    assert parses == ["Feed"]


def test_a_429_with_retry_after_is_honoured_across_runs(server: LoopbackServer) -> None:
    url = server.add("/f", Route(b"slow down", 429, "text/plain", headers={"Retry-After": "3600"}))
    store = Store.memory()
    first = poll(url, store)
    assert not first.report.ok and "HTTP 429" in first.report.error
    assert "not asked again before 2026-11-23 08:00 UTC" in first.report.error
    later = poll(url, store, NOW + timedelta(minutes=30))
    assert not later.report.ok and server.hits["/f"] == 1  # not asked again
    poll(url, store, NOW + timedelta(hours=2))
    assert server.hits["/f"] == 2


def test_a_503_backs_off(server: LoopbackServer) -> None:
    url = server.add("/f", Route(b"busy", 503, "text/plain"))
    store = Store.memory()
    first = poll(url, store)
    assert server.hits["/f"] == 2  # one retry within the run
    assert "HTTP 503" in first.report.error
    poll(url, store, NOW + timedelta(minutes=5))
    assert server.hits["/f"] == 2  # backing off between runs
    state = store.source_states()["Feed"]
    assert state.failures == 1 and state.retry_after == NOW + timedelta(minutes=10)


def test_a_permanent_redirect_is_remembered(server: LoopbackServer) -> None:
    new = server.add("/new", Route(FEED))
    old = server.add("/old", Route(b"", 301, "text/plain", headers={"Location": new}))
    store = Store.memory()
    assert poll(old, store).report.items == 1
    poll(old, store)
    assert server.hits == {"/old": 1, "/new": 2}
    assert store.source_states()["Feed"].url == new


def test_410_retires_the_source_with_a_notice(server: LoopbackServer) -> None:
    url = server.add("/f", Route(b"gone", 410, "text/plain"))
    store = Store.memory()
    first = poll(url, store)
    assert not first.report.ok and "retired" in first.report.error
    later = poll(url, store)
    assert later.report.ok and "HTTP 410 Gone" in later.report.error
    assert server.hits["/f"] == 1


def test_403_names_the_fix_and_custom_headers_are_sent(server: LoopbackServer) -> None:
    url = server.add("/f", Route(b"no", 403, "text/plain"))
    polled = poll(url, Store.memory(), user_agent="Mozilla/5.0 test", headers={"X-Key": "k"})
    assert "HTTP 403 Forbidden" in polled.report.error and "user_agent" in polled.report.error
    sent = server.requests[-1][1]
    assert sent["User-Agent"] == "Mozilla/5.0 test" and sent["X-Key"] == "k"


ARTICLE = f"""<html><head><title>Japan and North Korea hold abduction talks</title></head>
<body><nav>Home | World | Sport</nav><article><h1>Japan and North Korea hold abduction talks</h1>
{ABDUCTION_TALKS}
<p>Officials in Tokyo said a further round of talks on the abduction issue could follow next
month if Pyongyang delivered the results of its new inquiry into the fate of the abductees.</p>
</article><footer>Copyright</footer></body></html>"""


def test_a_teaser_feed_yields_a_summary_from_the_article_page(
    server: LoopbackServer, tmp_path: Path
) -> None:
    page = server.add("/article", Route(ARTICLE.encode(), content_type="text/html; charset=utf-8"))
    teaser = "Diplomats met in Mongolia."
    feed = rss([{"title": "Abduction talks", "link": page, "date": rfc822(1), "body": teaser}])
    url = server.add("/f", Route(feed))
    store = Store.memory()
    # The article is on loopback, which only an intranet's config allows (test_fetch_guard.py).
    config = Config.model_validate(
        {
            "archive": str(tmp_path),
            "fetch": {"allow_private_addresses": True},
            "sources": [{"name": "F", "url": url}],
        }
    )
    with httpx.Client() as client:
        result = run_edition(
            config=config,
            sources=[FeedSource("F", url, FETCH)],
            store=store,
            client=client,
            now=datetime.now(UTC),
            write=False,
        )
    [story] = result.edition.stories
    summary = " ".join(story.summary)
    assert "Ulaanbaatar" in summary and "Mongolia" not in summary
    assert store.cached_pages([page])[page].startswith("Japanese and North Korean diplomats")
    assert server.hits["/article"] == 1


def test_a_crash_before_items_are_stored_does_not_turn_into_a_304(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.edition import poll_sources

    url = server.add("/f", Route(FEED, headers={"ETag": '"v1"'}))
    store = Store.memory()
    feeds = [FeedSource("Feed", url, FETCH)]

    def crash(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("killed while storing")

    with monkeypatch.context() as patch:
        patch.setattr(store, "add_items", crash)
        with httpx.Client() as client, pytest.raises(RuntimeError):
            poll_sources(sources=feeds, store=store, client=client, now=NOW)
    with httpx.Client() as client:
        again = poll_sources(sources=feeds, store=store, client=client, now=NOW)
    # The ETag was not kept, so the feed was fetched in full and its item stored this time.
    assert again.items_new == 1 and store.count_items() == 1
    assert "If-None-Match" not in server.requests[-1][1]


def test_items_handed_to_the_sink_are_not_also_kept_in_the_results(server: LoopbackServer) -> None:
    urls = [
        server.add(f"/s{n}", Route(FEED.replace(b"news.invalid/t", f"n{n}.invalid/t".encode())))
        for n in range(3)
    ]
    feeds = [FeedSource(f"Feed {n}", url, FETCH) for n, url in enumerate(urls)]
    sunk: list[str] = []
    polled = Poller(FETCH, workers=1).poll(
        feeds, store=Store.memory(), now=NOW, sink=lambda items: sunk.extend(i.id for i in items)
    )
    assert sorted(sunk) == [f"http://n{n}.invalid/t" for n in range(3)]
    assert all(p.report.items == 1 and p.batch is not None and not p.batch.items for p in polled)


def test_the_sink_stores_on_a_thread_of_its_own_and_is_waited_for(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event loop hands batches to the store thread and goes on; every batch is stored (and
    a slow store holds finished feeds back, not their items in memory) before the poll ends."""
    import threading
    import time

    monkeypatch.setattr(poller_module, "SINK_BATCH", 1)
    monkeypatch.setattr(poller_module, "STORE_BACKLOG", 1)
    urls = [
        server.add(f"/t{n}", Route(FEED.replace(b"news.invalid/t", f"t{n}.invalid/t".encode())))
        for n in range(6)
    ]
    feeds = [FeedSource(f"Feed {n}", url, FETCH) for n, url in enumerate(urls)]
    threads: set[str] = set()
    sunk: list[str] = []

    def slow_sink(items: list[Any]) -> None:
        threads.add(threading.current_thread().name)
        time.sleep(0.05)
        sunk.extend(i.id for i in items)

    Poller(FETCH, workers=1).poll(feeds, store=Store.memory(), now=NOW, sink=slow_sink)
    assert len(sunk) == 6  # all of them, though the last ones were handed over just before
    assert threads and all(name.startswith("digest-store") for name in threads)


def test_poll_hooks_started_first_and_a_refusal_before_writes_stores_nothing(
    server: LoopbackServer,
) -> None:
    """`digest run` starts its imports once the first requests are out, and checks templates
    before the first write: what that check raises leaves the store as it was."""
    from digest.edition import poll_sources

    url = server.add("/h", Route(FEED, headers={"ETag": '"v1"'}))
    store = Store.memory()
    calls: list[str] = []

    def refuse() -> None:
        calls.append("before_writes")
        raise RuntimeError("a broken template")

    with httpx.Client() as client, pytest.raises(RuntimeError, match="broken template"):
        poll_sources(
            sources=[FeedSource("Feed", url, FETCH)],
            store=store,
            client=client,
            now=NOW,
            started=lambda: calls.append("started"),
            before_writes=refuse,
        )
    assert calls == ["started", "before_writes"]
    assert store.count_items() == 0 and store.source_states() == {}


def test_feeds_wait_to_be_fetched_while_fetched_ones_wait_to_be_parsed(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parsers behind (a busy machine): no more bodies are fetched than can wait for them.
    import time

    fetch = FETCH.model_copy(update={"connections": 1})
    bound = poller_module.IN_FLIGHT_PER_CONNECTION * fetch.connections
    real, done, ahead = poller_module._parse, [0], []

    def slow(body: bytes, name: str, now: datetime, headers: dict[str, str]) -> Any:
        ahead.append(len(server.requests) - done[0])  # fetched, not parsed yet
        time.sleep(0.15)
        done[0] += 1
        return real(body, name, now, headers)

    monkeypatch.setattr(poller_module, "_parse", slow)
    feeds = [FeedSource(f"F{n}", server.add(f"/f{n}", Route(FEED)), fetch) for n in range(6)]
    polled = Poller(fetch).poll(feeds, store=Store.memory(), now=NOW)
    assert all(p.report.ok for p in polled) and len(ahead) == 6
    assert max(ahead) <= bound < 6
