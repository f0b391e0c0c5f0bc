"""Feed and folder sources against a real loopback server and real files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import LoopbackServer, Route
from feeds import ABDUCTION_TALKS, atom, iso, rfc822, rss

from digest.config import FetchSettings
from digest.errors import SourceError
from digest.sources.feeds import FeedSource
from digest.sources.folder import FolderSource
from digest.sources.http import make_client

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def read_feed(url: str, **limits: float) -> list[str]:
    settings = FetchSettings(**limits)  # type: ignore[arg-type]
    with make_client(settings) as client:
        batch = FeedSource("Test", url, settings).read(client=client, now=NOW)
    return [i.title for i in batch.items]


def test_rss_and_atom_items_carry_ids_links_dates_and_text(server: LoopbackServer) -> None:
    entry = {
        "title": "Talks &amp; more",
        "link": "http://n.invalid/1",
        "date": rfc822(1),
        "body": ABDUCTION_TALKS,
    }
    settings = FetchSettings()
    with make_client(settings) as client:
        rss_batch = FeedSource("R", server.add("/r", Route(rss([entry]))), settings).read(
            client=client, now=NOW
        )
        atom_entry = {**entry, "date": iso(1)}
        atom_batch = FeedSource(
            "A", server.add("/a", Route(atom([atom_entry]), gzip=True)), settings
        ).read(client=client, now=NOW)
    for batch in (rss_batch, atom_batch):
        [item] = batch.items
        assert item.title == "Talks & more"
        assert item.id == "http://n.invalid/1" and item.link == "http://n.invalid/1"
        assert item.published is not None and item.seen_at == NOW
        assert "abduction of Japanese citizens" in item.text and "<p>" not in item.text


def test_entries_without_guid_or_link_get_a_content_hash(server: LoopbackServer) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>No id</title>'
        b"<description>Same words</description></item></channel></rss>"
    )
    settings = FetchSettings()
    with make_client(settings) as client:
        first = FeedSource("R", server.add("/n", Route(body)), settings).read(
            client=client, now=NOW
        )
        again = FeedSource("R", server.url("/n"), settings).read(client=client, now=NOW)
    assert first.items[0].id.startswith("sha256:") and first.items[0].id == again.items[0].id


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"nope", 404, "text/plain"), "HTTP 404"),
        (Route(b"oops", 500, "text/plain"), "HTTP 500"),
        (
            Route(b"<html><body>Not a feed</body></html>", content_type="text/html"),
            "not a readable feed",
        ),
        (Route(b"x" * 5000), "exceeds the 1000-byte cap"),
        (Route(rss([]), delay=2), "timed out"),
    ],
)
def test_failures_are_one_line_source_errors(
    server: LoopbackServer, route: Route, message: str
) -> None:
    url = server.add("/f", route)
    with pytest.raises(SourceError, match=message):
        read_feed(url, timeout=0.5, max_bytes=1000)


def test_file_url_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(
        rss([{"title": "Local", "link": "http://l.invalid", "date": rfc822(0), "body": "x"}])
    )
    assert read_feed(path.as_uri()) == ["Local"]


def test_folder_reads_every_kind_and_survives_bad_bytes(tmp_path: Path) -> None:
    body = "The two governments agreed on Tuesday to hold talks again next month. " * 3
    (tmp_path / "a.txt").write_bytes(
        f"Plain title line here\n\n{body}".encode("cp1252") + b"\x81\x8d"
    )
    (tmp_path / "b.md").write_text(f"# Markdown title line\n\n{body}")
    (tmp_path / "c.html").write_text(
        f"<html><head><title>Page</title></head><body><article><h1>HTML title line</h1>"
        f"<p>{body}</p><p>{body}</p></article></body></html>"
    )
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text(f"Hidden title\n\n{body}")
    (tmp_path / "huge.txt").write_text("x" * 2000)
    source = FolderSource("Saved", tmp_path, FetchSettings(max_file_bytes=1500))
    with make_client(FetchSettings()) as client:
        batch = source.read(client=client, now=NOW)
    assert sorted(i.title for i in batch.items) == [
        "HTML title line",
        "Markdown title line",
        "Plain title line here",
    ]
    assert "huge.txt" in batch.warning
    assert all(i.link.startswith("file://") for i in batch.items)
