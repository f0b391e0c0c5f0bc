"""The archive in a real browser: Debian's chromium, driven headless by Playwright.

From file:// and over `digest archive serve`: follow links from the index to an edition and back,
search and open a result, and check there are no console errors, no broken links and no sideways
scrolling on a phone. Screenshots of the index and an edition, at desktop and phone widths, go to
test-artifacts/.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from chromium import browser, sync_api
from conftest import archive_served
from editions import HOSTILE_TITLE, make_three_editions

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
NEWEST = "2027/2027-01-04-japan-north-korea.html"
MIDDLE = "2026/2026-11-09-japan-north-korea.html"

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_three_editions(tmp_path_factory.mktemp("browse"))


__all__ = ["browser"]  # the shared fixture


class Watched:
    """A page whose console errors, uncaught exceptions and dialogs are collected."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))


@pytest.fixture
def watched(browser: sync_api.Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=DESKTOP)
    page = Watched(context.new_page())
    yield page
    context.close()
    assert page.errors == []


def hrefs(page: sync_api.Page) -> list[str]:
    """Every link, stylesheet and script URL of the page, resolved by the browser."""
    return list(
        page.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map(e => e.href || e.src)"
        )
    )


def check_file_links(page: sync_api.Page) -> None:
    for url in hrefs(page):
        parsed = urlparse(url)
        assert parsed.scheme == "file", f"{page.url} links outside the archive: {url}"
        assert Path(unquote(parsed.path)).is_file(), f"{page.url}: broken link {url}"


def check_http_links(page: sync_api.Page, base: str) -> None:
    for url in {u.split("#")[0] for u in hrefs(page)}:
        assert url.startswith(base), f"{page.url} links outside the archive: {url}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url


def no_sideways_scroll(page: sync_api.Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_index_to_edition_and_back_from_file(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "index.html").as_uri())
    titles = page.locator("article.edition h4 a").all_inner_texts()
    assert [t.split(" — ")[1] for t in titles] == ["Monday 4 January 2027"]  # the newest year
    check_file_links(page)
    page.locator("nav.years").get_by_text("2026").click()  # the year before, on its own page
    assert page.url == (site / "index-2026.html").as_uri()
    titles = page.locator("article.edition h4 a").all_inner_texts()
    assert [t.split(" — ")[1] for t in titles] == [
        "Monday 9 November 2026",
        "Monday 26 October 2026",
    ]
    check_file_links(page)
    page.click("text=Monday 9 November 2026")
    assert page.url == (site / MIDDLE).as_uri()
    check_file_links(page)
    assert page.locator("h1").inner_text() == "Japan–North Korea Weekly"
    assert (
        page.locator("h3 a", has_text="alert(1)")
        .inner_text()
        .startswith("Abduction families </script>")
    )
    page.locator("nav.editions").first.locator("a[rel=next]").click()
    assert page.url == (site / NEWEST).as_uri()
    page.locator("nav.editions").first.locator("a[rel=prev]").click()
    assert page.url == (site / MIDDLE).as_uri()
    page.locator("nav.editions").first.get_by_text("All editions").click()
    assert page.url == (site / "index.html").as_uri()
    page.go_back()
    assert page.url == (site / MIDDLE).as_uri()
    page.goto((site / "search.html").as_uri())
    check_file_links(page)


def searched_everything(page: sync_api.Page) -> None:
    """Wait until the search page has loaded every piece of its index for the query."""
    page.wait_for_function("!document.getElementById('status').textContent.includes('so far')")


def test_search_page_from_file_finds_and_opens_a_story(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "search.html").as_uri())
    assert page.locator("#status").inner_text() == "4 stories in the archive."
    page.fill("#q", "abduct")
    searched_everything(page)
    results = page.locator("#results li")
    assert results.count() == 3
    hostile = page.locator("#results a", has_text="alert(1)")
    assert hostile.inner_text() == HOSTILE_TITLE  # shown as text, never run
    page.fill("#q", '"wartime remains"')
    assert results.count() == 1
    page.locator("#results a").first.click()
    page.wait_for_load_state()
    url = urlparse(page.url)
    assert url.path.endswith("2027-01-04-japan-north-korea.html")
    assert url.fragment.startswith("story-")
    assert page.locator(f"#{url.fragment} h3").inner_text().startswith("Japan and North Korea")
    # The query can be given in the address, as the form's own submission does.
    page.goto((site / "search.html").as_uri() + "?q=missile")
    searched_everything(page)
    assert page.locator("#results li").count() == 1
    page.fill("#q", "nothing-matches-this")
    assert page.locator("#status").inner_text() == "0 stories match."


def test_search_page_opens_with_the_newest_piece_and_loads_the_rest_for_a_query(
    site: Path, watched: Watched
) -> None:
    page = watched.page
    asked: list[str] = []
    page.on("request", lambda r: asked.append(Path(unquote(urlparse(r.url).path)).name))
    page.goto((site / "search.html").as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    scripts = [a for a in asked if a.endswith(".js")]
    assert scripts == ["search-index.js", "search-2027-01.js"]
    page.fill("#q", "abduction talks")  # only in the oldest edition, October 2026
    searched_everything(page)
    scripts = [a for a in asked if a.endswith(".js")]
    assert scripts[2:] == ["search-2026-11.js", "search-2026-10.js"]
    assert page.locator("#results li").count() >= 1
    assert "2026-10-26" in page.locator("#results a").first.get_attribute("href")


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    with archive_served(site.parent) as url:
        yield url


def test_over_archive_serve(served: str, watched: Watched) -> None:
    page = watched.page
    page.goto(served)
    check_http_links(page, served)
    page.locator("nav.years").get_by_text("2026").click()
    check_http_links(page, served)
    page.click("text=Monday 26 October 2026")
    assert page.url == served + "2026/2026-10-26-japan-north-korea.html"
    check_http_links(page, served)
    page.click("text=Japan and North Korea hold abduction talks in Ulaanbaatar")
    assert page.url == served + "clippings/abduction-talks.txt"
    page.go_back()
    page.locator("nav.editions").first.get_by_text("Search").click()
    page.fill("#q", "missile")
    page.locator("#results a").first.click()
    assert page.url.startswith(served + "2026/2026-11-09-japan-north-korea.html#story-")
    for private in ("digest.sqlite3", ".lock"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served + private, timeout=10)
        refused.value.close()
        assert refused.value.code == 404


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_fit_a_phone_and_screenshots(
    site: Path, browser: sync_api.Browser, scheme: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
        page = Watched(context.new_page())
        for name, path in (("index", "index.html"), ("edition", MIDDLE), ("search", "search.html")):
            page.page.goto((site / path).as_uri() + ("?q=abduction" if name == "search" else ""))
            assert no_sideways_scroll(page.page), f"{path} scrolls sideways at {viewport}"
            if scheme == "light" or width == "phone":
                page.page.screenshot(
                    path=ARTIFACTS / f"{name}-{width}-{scheme}.png", full_page=True
                )
        context.close()
        assert page.errors == []
