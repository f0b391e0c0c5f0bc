"""JSON Feed 1.0 and 1.1 as a first-class format: the real publishers' files from a loopback
server, and hostile documents held to the limits and the sanitising RSS and Atom get."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import EVAL, LoopbackServer, Route, need

from digest.errors import SourceError
from digest.models import Batch
from digest.sources.entries import MAX_ENTRIES
from digest.sources.feeds import FeedSource, parse_feed
from digest.sources.limits import MAX_TITLE_CHARS, clip_item
from digest.sources.poller import Poller
from digest.sources.settings import FetchSettings
from digest.store import Store

REAL = EVAL / "feeds" / "real"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
FETCH = FetchSettings(timeout=10, retries=0, max_pages=0)
V1, V11 = "https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"


def manifest_json_feeds() -> list[dict[str, str]]:
    with (need(REAL) / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["format"].startswith("jsonfeed")]


def poll(server: LoopbackServer, documents: dict[str, tuple[bytes, str]]) -> dict[str, Any]:
    feeds = [
        FeedSource(name, server.add(f"/{n}", Route(body, content_type=kind)), FETCH)
        for n, (name, (body, kind)) in enumerate(documents.items())
    ]
    polled = Poller(FETCH).poll(feeds, store=Store.memory(), now=NOW)
    return {result.report.name: result for result in polled}


def test_every_real_json_feed_is_read_from_a_loopback_server(server: LoopbackServer) -> None:
    rows = manifest_json_feeds()
    assert len(rows) >= 10, "the shared corpus holds ten JSON Feed files"
    documents = {
        row["file"]: ((REAL / row["file"]).read_bytes(), "application/feed+json") for row in rows
    }
    results = poll(server, documents)
    versions = set()
    titles: set[str] = set()
    for row in rows:
        result = results[row["file"]]
        if row["format"] == "jsonfeed-":  # JSON, but RSS written as JSON (no jsonfeed version)
            assert not result.report.ok and "not a JSON Feed" in result.report.error
            continue
        versions.add(row["format"])
        assert result.report.ok and not result.report.error, result.report
        items = result.batch.items
        assert len(items) == int(row["entries"]), row["file"]
        assert all(i.title and i.title != "(untitled)" for i in items), row["file"]
        assert all(i.link.startswith(("http://", "https://")) for i in items), row["file"]
        assert all(i.published is not None for i in items), row["file"]
        assert sum(bool(i.text) for i in items) >= 0.9 * len(items), row["file"]  # a video post
        assert not any(re.search(r"&(amp|quot|#\d+);", i.title) for i in items), row["file"]
        assert len({i.id for i in items}) == len(items), row["file"]
        titles.update(i.title for i in items)
    assert versions == {"jsonfeed-1", "jsonfeed-1.1"}
    # Titles are plain text: entities publishers wrote anyway are read, a literal tag is text.
    assert "Workflow: Add Task & Sub Tasks To OmniFocus" in titles
    assert "Die Rückkehr von <i> und <b>" in titles


def test_a_json_feed_reads_like_the_same_atom_feed() -> None:
    """Same items, field for field, whichever of the two formats a publisher offers."""
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Outlet</title><id>urn:o</id><updated>2026-11-20T09:00:00Z</updated>"
        b"<entry><id>urn:1</id><title>Talks on abductions &amp; remains</title>"
        b'<link href="https://example.org/a/1"/><published>2026-11-20T09:00:00+09:00</published>'
        b"<author><name>Ann Writer</name></author>"
        b'<content type="html">&lt;p&gt;Japan and North Korea met.&lt;/p&gt;</content>'
        b"</entry></feed>"
    )
    feed = {
        "version": V11,
        "title": "Outlet",
        "items": [
            {
                "id": "urn:1",
                "title": "Talks on abductions &amp; remains",
                "url": "https://example.org/a/1",
                "date_published": "2026-11-20T09:00:00+09:00",
                "authors": [{"name": "Ann Writer"}],
                "content_html": "<p>Japan and North Korea met.</p>",
            }
        ],
    }
    from_atom = parse_feed(atom, source="s", now=NOW, headers={})
    from_json = parse_feed(json.dumps(feed).encode(), source="s", now=NOW, headers={})
    assert from_json.items == from_atom.items
    assert from_json.items[0].title == "Talks on abductions & remains"


def parse(document: Any, content_type: str = "application/feed+json") -> Batch:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return parse_feed(data, source="s", now=NOW, headers={"Content-Type": content_type})


def test_version_1_fields_numeric_ids_relative_links_and_plain_text() -> None:
    batch = parse(
        {
            "version": V1,
            "title": "Blog",
            "home_page_url": "https://blog.example/",
            "author": {"name": "Feed Author"},
            "items": [
                {"id": 42, "url": "/posts/42", "content_text": "5 < 6 and <b>not bold</b>"},
                {"id": "b", "external_url": "https://elsewhere.example/x", "summary": "A teaser"},
                {"id": "c", "title": ["not", "text"], "content_html": 7, "date_published": {}},
                "not an item",
            ],
        },
        content_type="text/plain",  # servers send JSON as anything: the first byte tells
    )
    first, second, third = batch.items
    assert first.id == "42" and first.link == "https://blog.example/posts/42"
    assert first.text == "5 < 6 and <b>not bold</b>" and first.author == "Feed Author"
    assert second.link == "https://elsewhere.example/x" and second.text == "A teaser"
    assert batch.teasers == {second.id, third.id}  # no content: only a summary, or nothing
    assert third.title == "(untitled)" and third.published is None


def test_markup_in_a_json_feed_is_flattened_like_rss() -> None:
    batch = parse(
        {
            "version": V11,
            "items": [
                {
                    "id": "x",
                    "title": "<script>alert(1)</script>Headline",
                    "url": "javascript:alert(1)",
                    "content_html": '<p onclick="x()">Body</p><script>steal()</script>'
                    "<style>p{}</style>",
                }
            ],
        }
    )
    (item,) = batch.items
    assert item.text == "Body" and "steal" not in item.text
    assert item.title == "<script>alert(1)</script>Headline"  # plain text: escaped on output
    assert item.link == ""  # only http(s) links are kept, as for RSS and Atom items


def test_json_feeds_are_held_to_the_entry_and_item_limits() -> None:
    many = parse({"version": V11, "items": [{"id": str(n)} for n in range(MAX_ENTRIES + 500)]})
    assert len(many.items) == MAX_ENTRIES
    assert many.warning == f"{MAX_ENTRIES + 500} entries, only the first {MAX_ENTRIES} read"
    huge = parse({"version": V11, "items": [{"id": "t", "title": "word " * 300_000}]})
    assert len(clip_item(huge.items[0]).title) <= MAX_TITLE_CHARS


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"{", "not a readable JSON Feed"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON Feed"),
        (b'{"version": ' + b"[" * 200_000, "not a"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "'items' is not a list"),
        (b'{"title": "no version"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "n": 1' + b"0" * 5000 + b"}", "readable"),
        (b'{"version": "\xff\xfe"}', "not UTF-8"),
    ],
)
def test_broken_json_fails_its_feed_with_one_line(document: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(document)
    message = str(caught.value)
    assert reason in message and "\n" not in message and len(message) < 200


def test_a_served_hostile_json_feed_never_stops_the_poll(server: LoopbackServer) -> None:
    deep = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 50_000
    good = json.dumps({"version": V11, "items": [{"id": "1", "content_text": "ok"}]}).encode()
    results = poll(
        server,
        {"deep": (deep, "application/feed+json"), "good": (good, "application/json")},
    )
    assert not results["deep"].report.ok and "\n" not in results["deep"].report.error
    assert results["good"].report.ok and results["good"].batch.items[0].text == "ok"


def test_an_rss_feed_served_as_json_is_still_read_as_rss() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Talks</title><link>https://example.org/1</link></item></channel></rss>"
    )
    (item,) = parse(rss, content_type="application/json").items
    assert item.title == "Talks" and item.link == "https://example.org/1"
