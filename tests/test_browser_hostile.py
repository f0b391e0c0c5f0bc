"""Untrusted markup in every output, proved in headless Chromium: titles, summaries, links and
authors carrying scripts, event handlers, `javascript:` and `data:` URLs, CSS and broken tags are
fed through a real poll into two editions; then the editions, the index, the search page (with
queries that show the hostile stories), the plain text and the Atom feed's entries are opened in a
page that records any script run (a sentinel the payloads would call), dialog, navigation or
request leaving the archive. None may happen.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from chromium import browser, sync_api
from conftest import LoopbackServer, Route
from lxml import etree

from digest.config import load_config
from digest.edition import run_edition
from digest.publish import archive
from digest.sources import build_sources
from digest.sources.http import make_client
from digest.store import Store

pytestmark = pytest.mark.timeout(120)

__all__ = ["browser"]  # the shared fixture, used by the mail tests too

PWN = "window.__pwned.push"
# Each payload, if it ever ran, would call the sentinel (or open a dialog, or navigate).
PAYLOADS = (
    f"<script>{PWN}('script')</script>",
    f"<img src=x onerror=\"{PWN}('onerror')\">",
    f"<svg onload=\"{PWN}('svg')\"></svg>",
    f"<a href=\"javascript:{PWN}('href')\">click</a>",
    "<iframe src=\"data:text/html,<script>parent.__pwned.push('iframe')</script>\"></iframe>",
    f"<style>@import 'javascript:{PWN}(1)'; body{{background:url(http://evil.invalid/x)}}</style>",
    f"<div style=\"background-image:url('javascript:{PWN}(2)')\">styled</div>",
    f"</textarea></title></style></script><script>{PWN}('breakout')</script>",
    f"\"><img src=x onerror={PWN}('attr')>",
    f"<scr<script>ipt>{PWN}('nested')</scr</script>ipt>",
    f"<body onload=\"{PWN}('body')\">",
    '<meta http-equiv="refresh" content="0;url=http://evil.invalid/">',
    f"<math><mi xlink:href=\"javascript:{PWN}('math')\">m</mi></math>",
    f"<details open ontoggle=\"{PWN}('toggle')\">d</details>",
    f"<object data=\"javascript:{PWN}('object')\"></object>",
    f"&lt;script&gt;{PWN}('escaped')&lt;/script&gt;",
    f"&amp;lt;script&amp;gt;{PWN}('double')&amp;lt;/script&amp;gt;",
    f"\u2028</script><script>{PWN}('line-separator')</script>",
)
LINKS = (
    f"javascript:{PWN}('link')",
    f" JaVaScRiPt:{PWN}('case')",
    f"java\tscript:{PWN}('tab')",
    f"data:text/html,<script>{PWN}('data')</script>",
    f"vbscript:{PWN}('vb')",
    "http://evil.invalid/\"><script>window.__pwned.push('quote')</script>",
)
ABOUT = (
    "Japan and North Korea held talks on the abduction issue in Ulaanbaatar, the Japanese "
    "Foreign Ministry said. North Korea agreed to consider a new inquiry, officials in Tokyo said."
)
SENTINEL = "window.__pwned = []; window.__navigations = 0;"


def hostile_feed(batch: int) -> bytes:
    entries = []
    date = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    for number, payload in enumerate(PAYLOADS):
        link = LINKS[number % len(LINKS)]
        title = f"Abduction talks {batch}.{number} {payload}"
        body = f"<p>{ABOUT} {payload}</p><p>Pyongyang {payload} said the talks went well.</p>"
        entries.append(
            f"<item><title>{html.escape(title)}</title>"
            f"<link>{html.escape(link)}</link><guid>urn:hostile:{batch}:{number}</guid>"
            f"<author>{html.escape(payload)}</author><pubDate>{date}</pubDate>"
            f"<description>{html.escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Hostile {html.escape(PAYLOADS[0])}</title><link>http://evil.invalid/</link>"
        f"<description>x</description>{''.join(entries)}</channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile-site")
    server = LoopbackServer()
    server.thread.start()
    try:
        url = server.add("/hostile", Route(hostile_feed(1)))
        config_path = folder / "feeds.yaml"
        config_path.write_text(
            "timezone: UTC\nfetch: {timeout: 5, max_pages: 0}\nsources:\n"
            f"  - {{name: '<b onmouseover=alert(1)>Evil</b>', url: '{url}', full_text: false}}\n",
            encoding="utf-8",
        )
        config = load_config(config_path)
        store = Store.open(config.archive / archive.DATABASE_NAME)
        try:
            with make_client(config.fetch) as client:
                for batch, day in ((1, 2), (2, 1)):
                    server.routes["/hostile"] = Route(hostile_feed(batch))
                    run_edition(
                        config=config,
                        sources=build_sources(config),
                        store=store,
                        client=client,
                        now=datetime.now(UTC) - timedelta(days=day) + timedelta(hours=2),
                        since=timedelta(days=3),
                    )
        finally:
            store.close()
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    yield config.archive


class Recorder:
    """A page that records script runs (the sentinel), dialogs, navigations and requests."""

    def __init__(self, browser: sync_api.Browser) -> None:
        self.context = browser.new_context()
        self.context.add_init_script(SENTINEL)
        self.page = self.context.new_page()
        self.events: list[str] = []
        self.loads = 0
        self.page.on("dialog", lambda d: (self.events.append(f"dialog {d.message}"), d.dismiss()))
        self.page.on("framenavigated", self._navigated)
        self.page.on("request", self._request)
        self.page.on("popup", lambda p: self.events.append(f"popup {p.url}"))

    def _navigated(self, frame: sync_api.Frame) -> None:
        if frame != self.page.main_frame:
            self.events.append(f"frame navigated to {frame.url}")

    def _request(self, request: sync_api.Request) -> None:
        if not request.url.startswith(("file://", "about:")):
            self.events.append(f"request to {request.url}")

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)
        self.check(url)

    def check(self, where: str) -> None:
        ran = self.page.evaluate("window.__pwned")
        assert ran == [], f"{where}: script ran: {ran}"
        assert self.page.url.split("?")[0].split("#")[0] == where.split("?")[0].split("#")[0], (
            f"{where}: navigated to {self.page.url}"
        )
        dangerous = self.page.evaluate(
            """() => { const FORBIDDEN = ['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'SVG', 'MATH'];
            const UNSAFE = /^\\s*(javascript|data|vbscript):/i;
            return [...document.querySelectorAll('*')].flatMap(el => [
                ...[...el.attributes]
                    .filter(a => /^on/i.test(a.name) || UNSAFE.test(a.value))
                    .map(a => el.tagName + ' ' + a.name),
                ...(FORBIDDEN.includes(el.tagName.toUpperCase()) ? [el.tagName] : []),
                ...(el.tagName === 'META' && el.hasAttribute('http-equiv') ? ['META refresh'] : []),
            ]); }"""
        )
        assert dangerous == [], f"{where}: {dangerous}"
        assert self.events == [], f"{where}: {self.events}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def recorder(browser: sync_api.Browser) -> Iterator[Recorder]:
    watched = Recorder(browser)
    yield watched
    watched.close()


def test_the_hostile_stories_are_in_the_archive(site: Path) -> None:
    pages = sorted(site.glob("*/*.html"))
    assert len(pages) == 2
    text = pages[0].read_text(encoding="utf-8")
    assert text.count("<article id=") >= 1
    assert "Abduction talks 1." in text


def test_editions_and_index_run_nothing(site: Path, recorder: Recorder) -> None:
    for page in [site / "index.html", *sorted(site.glob("*/*.html"))]:
        recorder.open(page.as_uri())
        # The hostile text is there, as text.
        assert "Abduction talks" in recorder.page.inner_text("body")
        scripts = recorder.page.evaluate("document.scripts.length")
        assert scripts == 0, f"{page}: {scripts} scripts"
        styles = recorder.page.evaluate("document.querySelectorAll('style').length")
        assert styles == 1, page
        for link in recorder.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            assert link.startswith(("file://", "http://127.0.0.1", "http://evil.invalid/")), link
        # Hover over and focus the story links: no handler may fire.
        for link in recorder.page.locator("h3 a").all()[:5]:
            link.hover()
            link.focus()
        recorder.check(page.as_uri())


def test_text_editions_are_plain_text(site: Path, recorder: Recorder) -> None:
    for page in sorted(site.glob("*/*.txt")):
        recorder.open(page.as_uri())
        assert recorder.page.evaluate("document.contentType") == "text/plain"


def searched_everything(page: sync_api.Page) -> None:
    """Wait until the search page has loaded every piece of its index for the query."""
    page.wait_for_function("!document.getElementById('status').textContent.includes('so far')")


@pytest.mark.parametrize(
    "query", ["", "abduction", "script", "onerror", "javascript", "pwned", "talks 1.7"]
)
def test_search_shows_hostile_stories_as_text(site: Path, recorder: Recorder, query: str) -> None:
    url = (site / "search.html").as_uri() + (f"?q={query}" if query else "")
    recorder.open(url)
    if query:
        recorder.page.fill("#q", query)
        searched_everything(recorder.page)
        recorder.check(url)
    if query == "abduction":
        titles = recorder.page.locator("#results a").all_inner_texts()
        assert len(titles) == 2 * len(PAYLOADS)
        assert any(f"<script>{PWN}('escaped')" in t for t in titles)  # shown, as text
        for href in recorder.page.eval_on_selector_all("#results a", "e => e.map(a => a.href)"):
            assert href.startswith("file://") and "#story-" in href


def test_atom_feed_entries_run_nothing(site: Path, recorder: Recorder) -> None:
    feed = site / "feed.xml"
    recorder.open(feed.as_uri())  # the feed itself, as the browser shows XML
    tree = etree.parse(str(feed), etree.XMLParser(resolve_entities=False, no_network=True))
    atom = "{http://www.w3.org/2005/Atom}"
    contents = [e.text or "" for e in tree.iter(f"{atom}content")]
    assert len(contents) == 2
    for number, content in enumerate(contents):
        assert "Abduction talks" in content
        # A feed reader shows the entry's HTML: here, in a page at the archive's origin.
        recorder.page.goto((site / "index.html").as_uri())
        recorder.page.set_content(content)
        recorder.page.wait_for_timeout(150)
        recorder.check((site / "index.html").as_uri())
        assert recorder.page.evaluate("document.scripts.length") == 0, number
    for title in tree.iter(f"{atom}title"):
        assert "<" not in (title.text or "") or "script" not in (title.text or "")


@pytest.mark.parametrize("payload", (*PAYLOADS[:3], f'<a href=x onclick="{PWN}(1)">x</a>'))
def test_the_recorder_would_see_a_payload_run(
    tmp_path: Path, recorder: Recorder, payload: str
) -> None:
    """The proof is not vacuous: the same page, with a payload left raw, is caught."""
    page = tmp_path / "raw.html"
    page.write_text(f"<!doctype html><title>t</title><p>{payload}</p>", encoding="utf-8")
    with pytest.raises(AssertionError):
        recorder.open(page.as_uri())
