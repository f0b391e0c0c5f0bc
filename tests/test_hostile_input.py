"""Hostile feeds, pages and files: each rejected or cut within its limit, in bounded time and
memory, and nothing of the machine's own files (file:///etc/passwd) ever read into an item.

Responses that matter for memory are polled in a subprocess (tests/poll_probe.py) that reports its
peak RSS; the rest in-process through the real poller.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    PASSWD_MARKERS,
    TRICKLE,
    HostileServer,
    billion_laughs,
    external_dtd,
    external_entity,
    huge_title,
    many_entries,
    parameter_entity,
)

from digest.config import FetchSettings
from digest.errors import ConfigError, SourceError
from digest.sources.entries import MAX_ENTRIES
from digest.sources.feeds import FeedSource
from digest.sources.folder import FolderSource
from digest.sources.limits import MAX_TITLE_CHARS
from digest.sources.opml import read_opml
from digest.sources.poller import Poller
from digest.store import Store

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
MB = 1_000_000
# What importing digest, httpx and feedparser costs is about 60 MB; no hostile poll may add
# more than this on top (the 10 MB body, its parse, and a decompressed chunk).
EXTRA_MB_ALLOWED = 250

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    server.documents["/many"] = many_entries(100_000)
    server.documents["/title"] = huge_title(10 * MB)
    yield server
    server.close()


def probe(url: str, *, max_bytes: int = 10 * MB, timeout: float = 5) -> dict[str, Any]:
    """Poll `url` in a fresh process; its outcome, time and peak memory."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "poll_probe.py"), url, str(max_bytes), str(timeout)],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["peak_mb"] - result["imports_mb"] < EXTRA_MB_ALLOWED, result
    return result


def test_an_endless_response_is_cut_at_the_cap_streamed(hostile: HostileServer) -> None:
    result = probe(hostile.url("/endless"), max_bytes=10 * MB)
    assert not result["ok"] and "exceeds the 10000000-byte cap" in result["error"]
    assert result["seconds"] < 10
    # Streamed and dropped: the server got to write little more than the cap, not 1 GB.
    assert hostile.sent["/endless"] < 30 * MB


def test_a_declared_gigabyte_is_refused_before_its_body(hostile: HostileServer) -> None:
    result = probe(hostile.url("/declared"))
    assert not result["ok"] and "response of 1000000000 bytes exceeds" in result["error"]
    assert result["seconds"] < 10


def test_a_gzip_bomb_is_cut_at_the_cap_after_decompression(hostile: HostileServer) -> None:
    result = probe(hostile.url("/gzip-bomb"))  # 194 kB on the wire, 200 MB inflated
    assert not result["ok"] and "exceeds the 10000000-byte cap" in result["error"]
    assert result["seconds"] < 10


@pytest.mark.parametrize("path", ["/trickle", "/trickle-head"])
def test_a_trickle_ends_at_the_total_deadline(hostile: HostileServer, path: str) -> None:
    """A byte every half second (`TRICKLE`) never trips a read timeout of a second; the
    poller's total deadline (twice `fetch.timeout` for the whole request) ends it."""
    started = time.monotonic()
    result = probe(hostile.url(path), timeout=1)
    assert not result["ok"] and result["error"] == "timed out"
    assert TRICKLE < 1 and result["seconds"] <= 2 * 1 + 1.5
    assert time.monotonic() - started < 20


def test_a_feed_of_100000_entries_is_cut_to_the_entry_limit(hostile: HostileServer) -> None:
    result = probe(hostile.url("/many"), timeout=30)
    assert result["ok"] and result["items"] == MAX_ENTRIES
    assert result["error"] == f"100000 entries, only the first {MAX_ENTRIES} read"
    assert result["seconds"] < 30


def test_a_10_mb_title_is_refused_by_the_cap_or_cut(hostile: HostileServer) -> None:
    refused = probe(hostile.url("/title"))  # 10 MB of title plus the rest: over the 10 MB cap
    assert not refused["ok"] and "exceeds the 10000000-byte cap" in refused["error"]
    cut = probe(hostile.url("/title"), max_bytes=20 * MB, timeout=30)
    assert cut["ok"] and cut["items"] == 1
    assert cut["longest_title"] <= MAX_TITLE_CHARS
    assert cut["seconds"] < 20


# --- entities: nothing expanded without bound, nothing read from disk or the network ----------


def poll_documents(hostile: HostileServer, documents: dict[str, bytes]) -> list[Any]:
    fetch = FetchSettings(timeout=5, retries=0, max_pages=0)
    feeds = []
    for path, body in documents.items():
        hostile.documents[path] = body
        feeds.append(FeedSource(path, hostile.url(path), fetch, full_text=False))
    return Poller(fetch).poll(feeds, store=Store.memory(), now=NOW)


def said(polled: Any) -> str:
    items = polled.batch.items if polled.batch is not None else ()
    return "\n".join(f"{i.title}\n{i.text}\n{i.link}\n{i.author}" for i in items)


def test_entity_attacks_expand_nothing_and_read_nothing(hostile: HostileServer) -> None:
    evil = hostile.url("/evil.dtd")
    hostile.documents["/evil.dtd"] = b'<!ENTITY ent SYSTEM "file:///etc/passwd">'
    documents = {
        "/laughs": billion_laughs(),
        "/xxe-file": external_entity("file:///etc/passwd"),
        "/xxe-http": external_entity(hostile.url("/secret")),
        "/parameter": parameter_entity(evil),
        "/dtd": external_dtd(evil),
    }
    started = time.monotonic()
    polled = poll_documents(hostile, documents)
    assert time.monotonic() - started < 10
    for result in polled:
        text = said(result)
        assert not any(marker in text for marker in PASSWD_MARKERS), result.report
        assert "lollollol" not in text, result.report
        assert len(text) < 10_000, result.report
    # The parser fetched nothing: only the feeds themselves were asked for.
    assert "/evil.dtd" not in hostile.hits and "/secret" not in hostile.hits


def test_binary_and_nul_responses_fail_with_a_reason(hostile: HostileServer) -> None:
    documents = {
        "/random": os.urandom(200_000),
        "/nuls": b"\0" * 100_000,
        "/html": b"<html><body><script>alert(1)</script><p>not a feed</p></body></html>",
        "/empty": b"",
    }
    for result in poll_documents(hostile, documents):
        assert not result.report.ok, result.report
        assert result.report.error and "\n" not in result.report.error


def test_a_parser_crash_fails_only_its_feed(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.sources import poller as poller_module

    real = poller_module._parse

    def fragile(body: bytes, name: str, now: datetime, headers: dict[str, str]) -> Any:
        if name == "/boom":
            raise RecursionError("maximum recursion depth exceeded")
        return real(body, name, now, headers)

    monkeypatch.setattr(poller_module, "_parse", fragile)
    boom, fine = poll_documents(hostile, {"/boom": many_entries(3), "/fine": many_entries(3)})
    assert not boom.report.ok
    assert boom.report.error == "parser failed: RecursionError: maximum recursion depth exceeded"
    assert fine.report.ok and fine.report.items == 3


# --- OPML: parsed with defusedxml -------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        billion_laughs("opml"),
        external_entity().replace(b"rss", b"opml"),
        parameter_entity("file:///etc/passwd").replace(b"rss", b"opml"),
    ],
    ids=["laughs", "xxe", "parameter-entity"],
)
def test_opml_refuses_entities(document: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(ConfigError) as refused:
        read_opml(document, where="feeds.opml")
    assert time.monotonic() - started < 2
    message = str(refused.value)
    assert "\n" not in message and not any(m in message for m in PASSWD_MARKERS)


def test_opml_too_large_is_refused() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        read_opml(b"<opml>" + b" " * 6_000_000 + b"</opml>", where="big.opml")


# --- saved files ------------------------------------------------------------------------------


def read_folder(folder: Path, **limits: Any) -> Any:
    fetch = FetchSettings(**limits)
    return FolderSource("Saved", folder, fetch).read(client=None, now=NOW)  # type: ignore[arg-type]


def test_hostile_saved_files_are_skipped_or_cut(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_bytes(b"Japan North Korea talks. " * 300_000)  # 7.5 MB
    (tmp_path / "binary.html").write_bytes(os.urandom(300_000))
    (tmp_path / "nuls.txt").write_bytes(
        b"Abduction talks resume\n\nJapan and North\0 Korea met on Tuesday.\0\n"
    )
    depth = 50_000
    (tmp_path / "deep.html").write_text(
        "<html><body>" + "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth + "</body></html>"
    )
    (tmp_path / "long-line.txt").write_text("Title\n\n" + "word " * 900_000)  # 4.5 MB, one line
    started = time.monotonic()
    batch = read_folder(tmp_path)
    assert time.monotonic() - started < 60
    assert "huge.txt (larger than 5000000 bytes)" in batch.warning
    assert "binary.html (a binary file, not text)" in batch.warning
    by_file = {Path(i.link.split("#")[0]).name: i for i in batch.items}
    assert "\0" not in by_file["nuls.txt"].text
    assert "Korea met on Tuesday" in by_file["nuls.txt"].text
    assert "huge.txt" not in by_file and "binary.html" not in by_file
    for item in batch.items:
        assert "\0" not in item.title + item.text


def test_a_saved_file_over_the_configured_cap_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nJapan and North Korea. " * 100)
    batch = read_folder(tmp_path, max_file_bytes=1000)
    assert batch.items == () and "larger than 1000 bytes" in batch.warning


def test_file_feed_urls_respect_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(many_entries(1000))
    fetch = FetchSettings(max_bytes=1000)
    with pytest.raises(SourceError, match="exceeds the 1000-byte cap"):
        FeedSource("f", path.as_uri(), fetch).read(client=None, now=NOW)  # type: ignore[arg-type]


def test_opml_import_of_an_endless_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("sources:\n  - {name: A, url: 'https://a.example/feed'}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "digest", "sources", "import", "/dev/zero", "--config", config],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "digest: error: /dev/zero: larger than 5000000 bytes"


def test_the_single_feed_reader_has_a_total_deadline_too(hostile: HostileServer) -> None:
    from digest.sources.http import make_client

    fetch = FetchSettings(timeout=1)
    started = time.monotonic()
    with make_client(fetch) as client, pytest.raises(SourceError, match="timed out"):
        FeedSource("t", hostile.url("/trickle"), fetch).read(client=client, now=NOW)
    assert time.monotonic() - started < 2 * 1 + 2


@pytest.mark.parametrize("path", ["/trickle", "/trickle-head"])
def test_the_single_feed_reader_has_the_same_total_deadline(
    hostile: HostileServer, path: str
) -> None:
    """`file:`-style single reads (and `digest run` without the poller) go through
    `fetch_bytes`; it too ends a trickling response at twice the timeout."""
    from digest.config import FetchSettings
    from digest.errors import SourceError
    from digest.sources.http import fetch_bytes, make_client

    started = time.monotonic()
    with (
        make_client(FetchSettings(timeout=1)) as client,
        pytest.raises(SourceError, match="timed out"),
    ):
        fetch_bytes(client, hostile.url(path), 10 * MB)
    assert time.monotonic() - started < 1 * 2 + 1.5
