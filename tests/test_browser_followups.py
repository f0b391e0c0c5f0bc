"""A follow-up and the outlets of a story in a real browser (Debian's chromium, headless): the
"Follow-up to" link opens the earlier edition at the story it continues, and the "also reported
by" list fits a phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import browser, sync_api
from conftest import LoopbackServer, Route, WriteConfig
from feeds import rfc822, rss
from test_edition_editor import launch_feed, notice_feed, pages
from test_run import digest

pytestmark = pytest.mark.timeout(120)
__all__ = ["browser"]  # the shared fixture

PHONE = {"width": 375, "height": 740}


def test_the_follow_up_link_opens_the_earlier_story_and_the_outlets_fit_a_phone(
    server: LoopbackServer, write_config: WriteConfig, browser: sync_api.Browser
) -> None:
    photo = {
        "title": "Okinawa alert as North Korean spy satellite launch fails over the islands",
        "link": "http://photo.invalid/launch",
        "date": rfc822(0.01),
        "body": "Residents look at a TV screen in Naha. (Ann Lee/AP Photo)",
    }
    server.add("/feed", Route(notice_feed(0.3)))
    config = write_config(f"sources:\n  - {{name: Wire, url: '{server.url('/feed')}'}}\n")
    assert digest("run", "--config", config, cwd=config.parent).returncode == 0
    server.add("/feed", Route(launch_feed()))
    server.add("/photo", Route(rss([photo])))
    config.write_text(
        config.read_text() + f"  - {{name: Photo desk, url: '{server.url('/photo')}'}}\n"
    )
    result = digest("run", "--config", config, cwd=config.parent)
    assert result.returncode == 0, result.stderr
    old, new = pages(config.parent / "archive", ".html")

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(Path(new).resolve().as_uri())
    also = page.locator(".also li")
    assert also.count() == 1  # the two reports of the launch: one story, two outlets
    assert also.first.inner_text().startswith("Photo desk: Okinawa alert")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing pushes the page sideways
    link = page.locator(".follow-up a")
    assert link.inner_text() == "North Korea notifies Japan of satellite launch window"
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith(Path(old).resolve().as_uri() + "#story-")
    anchor = page.url.split("#", 1)[1]
    target = page.locator(f"[id='{anchor}']")
    assert target.count() == 1 and target.is_visible()
    top = page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"]  # the browser scrolled to the story it continues
    assert errors == []
    context.close()
