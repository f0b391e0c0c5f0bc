"""Where fetches may go and what they carry: no internal address for what a feed names (article
pages, redirects away from the feed's origin), a source's headers for its own origin only, and a
redirect to a non-web URL or any surprise failing its own source (or page) alone.

127.0.0.0/8 is this machine: 127.0.0.1 stands for the outside world's feeds (which the config
names, so they may be anywhere) and 127.0.0.2 (`internal`) for a host inside the network.
"""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpcore
import pytest
from conftest import LoopbackServer, Route, WriteConfig
from conftest import run_digest as digest
from feeds import ABDUCTION_TALKS, rfc822, rss

from digest.sources import poller as poller_module
from digest.sources.feeds import FeedSource
from digest.sources.guard import GuardedBackend, why_refused
from digest.sources.poller import Poller
from digest.sources.settings import FetchSettings
from digest.store import Store

SECRET = "INTERNAL SECRET 7f3a"
INTERNAL_PAGE = (
    f"<html><head><title>Admin</title></head><body><article><h1>{SECRET}</h1>"
    f"<p>{SECRET}: the router's admin password is hunter2.</p>{ABDUCTION_TALKS}"
    "</article></body></html>"
).encode()
PAGE = "text/html; charset=utf-8"
EXIT_PARTIAL = 3


def teaser(title: str, link: str) -> dict[str, str]:
    return {"title": title, "link": link, "date": rfc822(1), "body": "Diplomats met."}


def everything_written(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("64:ff9b::7f00:1", "loopback"),  # NAT64
        ("2002:7f00:1::1", "loopback"),  # 6to4
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata address
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("93.184.216.34", ""),
        ("2606:4700::1111", ""),
    ],
)
def test_only_public_unicast_addresses_are_connectable(address: str, kind: str) -> None:
    assert why_refused(address) == kind


def test_the_guard_refuses_before_connecting_by_the_address_not_the_name() -> None:
    listener = socket.create_server(("127.0.0.2", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    backend = GuardedBackend(httpcore.SyncBackend())
    try:
        for host in ("127.0.0.2", "localhost", "2130706434"):  # the last: 127.0.0.2 in decimal
            with pytest.raises(httpcore.ConnectError, match=r"not fetched: .* a loopback address"):
                backend.connect_tcp(host, port, timeout=2)
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing ever connected
    finally:
        listener.close()


def test_article_pages_and_redirects_never_reach_internal_addresses(
    server: LoopbackServer, internal: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    internal.add("/admin", Route(INTERNAL_PAGE, content_type=PAGE))
    inside = {"title": SECRET, "link": "http://a.invalid/", "date": rfc822(1), "body": SECRET}
    internal.add("/feed", Route(rss([inside])))
    internal.add(
        "/direct", Route(rss([teaser("Japan and North Korea talks", "http://a.invalid/")]))
    )
    links = [
        internal.url("/admin"),  # a link straight to an internal host
        f"http://2130706434:{internal.httpd.server_port}/admin",  # another name for it
        server.url("/hop"),  # a page on the feed's own (loopback) host that redirects inward
    ]
    server.add("/hop", Route(status=302, headers={"Location": internal.url("/admin")}))
    entries = [
        teaser(f"Japan and North Korea abduction talks {n}", link) for n, link in enumerate(links)
    ]
    server.add("/feed", Route(rss(entries)))
    server.add("/moved", Route(status=302, headers={"Location": internal.url("/feed")}))
    sources = (
        f"sources:\n  - {{name: Teasers, url: '{server.url('/feed')}'}}\n"
        f"  - {{name: Moved inward, url: '{server.url('/moved')}'}}\n"
        f"  - {{name: Intranet, url: '{internal.url('/direct')}'}}\n"  # named by the user: read
    )
    config = write_config(f"archive: {tmp_path / 'archive'}\n{sources}")
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == EXIT_PARTIAL, result.stderr
    assert "Traceback" not in result.stderr
    assert internal.hits == {"/direct": 1}, internal.hits
    assert SECRET.encode() not in everything_written(tmp_path / "archive")
    refusal = "not fetched: 127.0.0.2 is at 127.0.0.2, a loopback address"
    assert f"source 'Moved inward' not read: {refusal}" in result.stderr
    assert "allow it with fetch.allow_private_addresses" in result.stderr
    assert "source 'Teasers' not read" not in result.stderr  # the teasers are kept

    # For an intranet, the switch lets pages and redirects in.
    (tmp_path / "intranet").mkdir()
    config = write_config(
        f"archive: {tmp_path / 'intranet'}\nfetch: {{allow_private_addresses: true}}\n{sources}"
    )
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert internal.hits["/admin"] == 3 and internal.hits["/feed"] == 1
    assert SECRET.encode() in everything_written(tmp_path / "intranet")


def test_a_sources_headers_go_to_its_feeds_origin_only(
    server: LoopbackServer, internal: LoopbackServer
) -> None:
    article = Route(INTERNAL_PAGE, content_type=PAGE)
    for path in ("/own-article", "/came-back"):
        server.add(path, article)
    for path in ("/article", "/after-hop"):
        internal.add(path, article)
    server.add("/hop", Route(status=302, headers={"Location": internal.url("/after-hop")}))
    internal.add("/back", Route(status=302, headers={"Location": server.url("/came-back")}))
    links = ["/own-article", "/hop"]
    entries = [teaser(f"Talks {n}", server.url(p)) for n, p in enumerate(links)] + [
        teaser("Talks 2", internal.url("/article")),
        teaser("Talks 3", internal.url("/back")),
    ]
    server.add("/f", Route(status=301, headers={"Location": server.url("/f2")}))
    server.add("/f2", Route(rss(entries)))
    server.add("/g", Route(status=302, headers={"Location": internal.url("/g2")}))
    internal.add("/g2", Route(rss([teaser("Elsewhere", "http://a.invalid/")])))
    fetch = FetchSettings(timeout=2, allow_private_addresses=True)
    secret = {"X-Token": "t0ken", "Cookie": "session=s3cret"}
    feeds = [
        FeedSource("Own", server.url("/f"), fetch, headers=secret, user_agent="UA/1"),
        FeedSource("Away", server.url("/g"), fetch, headers=secret, user_agent="UA/1"),
    ]
    polled = Poller(fetch).poll(feeds, store=Store.memory(), now=datetime.now(UTC))
    assert all(p.report.ok for p in polled), [p.report for p in polled]

    def sent(where: LoopbackServer) -> dict[str, dict[str, str]]:
        return dict(where.requests)

    ours, theirs = sent(server), sent(internal)
    for path in ("/f", "/f2", "/own-article", "/hop", "/g"):  # the feed's own origin
        assert ours[path].get("X-Token") == "t0ken" and "s3cret" in ours[path]["Cookie"], path
    for path in ("/article", "/after-hop", "/back", "/g2"):  # anywhere else
        assert "X-Token" not in theirs[path] and "Cookie" not in theirs[path], path
    # Back on the feed's origin after a detour: the chain left it, so nothing either.
    assert "X-Token" not in ours["/came-back"]
    assert all(h["User-Agent"] == "UA/1" for h in [*ours.values(), *theirs.values()])


NON_WEB = ["about:blank", "mailto:desk@example.org", "tel:+81312345678", "urn:isbn:0451450523"]


def test_a_redirect_to_a_non_web_url_fails_its_source_or_page_alone(
    server: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    server.add("/page", Route(INTERNAL_PAGE, content_type=PAGE))
    server.add("/tel-page", Route(status=302, headers={"Location": "tel:+81312345678"}))
    good = rss(
        [
            teaser("Japan and North Korea hold abduction talks", server.url("/page")),
            teaser("North Korean missile flies over Japan", server.url("/tel-page")),
        ]
    )
    server.add("/good", Route(good))
    sources = "sources:\n  - {name: Good, url: '" + server.url("/good") + "'}\n"
    for n, target in enumerate([*NON_WEB, "data:text/xml,<rss/>", "http://[::1"]):
        server.add(f"/bad{n}", Route(status=302, headers={"Location": target}))
        sources += f"  - {{name: Bad {n}, url: '{server.url(f'/bad{n}')}'}}\n"
    config = write_config(
        f"archive: {tmp_path / 'archive'}\nfetch: {{allow_private_addresses: true}}\n{sources}"
    )
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == EXIT_PARTIAL, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for n in range(len(NON_WEB) + 2):
        [line] = [x for x in lines if x.startswith(f"source 'Bad {n}' not read: ")]
        assert "redirected to" in line or "location header" in line, line
    [text] = (tmp_path / "archive").glob("*/*.txt")
    edition = text.read_text()
    assert SECRET in edition  # the good page was read, though its neighbour redirected to tel:
    assert not [x for x in lines if x.startswith("source 'Good'")]


def test_any_exception_in_one_feed_fails_that_feed_alone(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    good = server.add("/good", Route(rss([teaser("Talks", "http://a.invalid/")])))
    broken = server.add("/broken", Route(rss([teaser("Talks", "http://b.invalid/")])))
    real = poller_module._fetch

    def surprising(client: Any, url: str, *args: Any) -> Any:
        if url == broken:
            raise KeyError("a library's surprise")
        return real(client, url, *args)

    monkeypatch.setattr(poller_module, "_fetch", surprising)
    fetch = FetchSettings(timeout=2)
    feeds = [FeedSource("Good", good, fetch), FeedSource("Broken", broken, fetch)]
    with caplog.at_level(logging.ERROR, logger="digest"):
        ok, failed = Poller(fetch).poll(feeds, store=Store.memory(), now=datetime.now(UTC))
    assert ok.report.ok and ok.batch is not None and len(ok.batch.items) == 1
    assert not failed.report.ok
    assert failed.report.error == 'failed unexpectedly: KeyError: "a library\'s surprise"'
    assert "source Broken failed unexpectedly" in caplog.text


def test_a_page_that_fails_in_any_way_drops_only_itself(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.sources import text

    server.add("/a", Route(INTERNAL_PAGE, content_type=PAGE))
    server.add("/b", Route(INTERNAL_PAGE, content_type=PAGE))
    feed = rss([teaser("Talks", server.url("/a")), teaser("Missile", server.url("/b"))])
    url = server.add("/f", Route(feed))
    real = text.html_page_to_text  # fulltext imports it when a page comes

    def surprising(markup: str, link: str = "") -> Any:
        if link.endswith("/b"):
            raise MemoryError("a page too strange")
        return real(markup, link)

    monkeypatch.setattr(text, "html_page_to_text", surprising)
    fetch = FetchSettings(timeout=2, allow_private_addresses=True)
    [polled] = Poller(fetch).poll(
        [FeedSource("F", url, fetch)], store=Store.memory(), now=datetime.now(UTC)
    )
    assert polled.batch is not None
    texts = {item.link.rsplit("/", 1)[1]: item.text for item in polled.batch.items}
    assert SECRET in texts["a"] and texts["b"] == "Diplomats met."
