"""An English gloss carried by the feed entry itself: an entry with its headline in its own
language and a second title marked `xml:lang="en"`. The English title is the item's gloss: shown
under the original in the edition, and found by an English word in `digest search` and in the
browser search, as the title is."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chromium import browser, sync_api
from cli_process import digest
from conftest import Route, serving, store_at_version
from feeds import iso

from digest.editorial.crosslang import english_gloss
from digest.models import Item, Origin, Relevance, ScoredItem
from digest.sources.entries import parse_feed
from digest.store import SearchFilters, Store

__all__ = ["browser"]  # the shared fixture

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
HEADERS = {"Content-Type": "application/atom+xml"}

# Written for these tests: a Korean wire's report with its own English headline beside it.
KO_TITLE = "김여정, 다카이치 총리의 북일 정상회담 제안 거부…납치 문제 해결됐다고 주장"
GLOSS = "Kim Yo Jong rejects Takaichi's offer of a summit, says abductions are settled"
KO_TEXT = (
    "북한 김여정 조선노동당 부부장은 24일 담화를 내고 다카이치 총리가 제안한 북일 정상회담에"
    ' 대해 "일본과 마주 앉을 이유가 없다"고 밝혔다고 조선중앙통신이 보도했다. 김 부부장은'
    ' 납치 문제는 "이미 해결된 문제"라고 주장했다. 일본 정부는 정상회담을 계속 추진하겠다는'
    " 입장을 밝혔다."
)


def _atom(*titles: str, entry_lang: str = "") -> bytes:
    lang = f' xml:lang="{entry_lang}"' if entry_lang else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id>'
        f"<updated>{iso(1)}</updated><entry{lang}><id>urn:wire:1</id>{''.join(titles)}"
        f'<link href="https://news.invalid/ko/1"/><updated>{iso(1)}</updated>'
        f'<content type="text">{KO_TEXT}</content></entry></feed>'
    ).encode()


def _one(data: bytes, fast: bool = True) -> Item:
    (found,) = parse_feed(data, source="Wire", now=NOW, headers=HEADERS, fast=fast).items
    return found


def test_a_second_title_in_english_is_the_gloss_and_the_other_the_title() -> None:
    korean = f'<title xml:lang="ko">{KO_TITLE}</title>'
    english = f'<title xml:lang="en">{GLOSS}</title>'
    for titles in ((korean, english), (english, korean)):  # whichever comes first
        found = _one(_atom(*titles))
        assert (found.title, found.gloss) == (KO_TITLE, GLOSS)
    # the entry's language is inherited by an unmarked title; the English one says its own
    found = _one(_atom(f"<title>{KO_TITLE}</title>", english, entry_lang="ko"))
    assert (found.title, found.gloss) == (KO_TITLE, GLOSS)


def test_an_rss_item_may_carry_its_english_headline_as_a_dc_title() -> None:
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Wire</title>'
        f'<item><title>{KO_TITLE}</title><dc:title xml:lang="en">{GLOSS}</dc:title>'
        f"<link>https://news.invalid/ko/1</link><description>{KO_TEXT}</description>"
        "</item></channel></rss>"
    ).encode()
    found = _one(rss)
    assert (found.title, found.gloss) == (KO_TITLE, GLOSS)


def test_no_gloss_without_an_english_title_beside_another() -> None:
    assert _one(_atom(f"<title>{KO_TITLE}</title>")).gloss == ""  # one title
    only_english = _one(_atom(f'<title xml:lang="en">{GLOSS}</title>'))
    assert (only_english.title, only_english.gloss) == (GLOSS, "")  # an English headline
    two = _atom(f'<title xml:lang="ko">{KO_TITLE}</title>', '<title xml:lang="ja">北の談話</title>')
    assert _one(two).gloss == ""  # two titles, neither English
    # feedparser (the path for unusual feeds) keeps one title, so it reads no gloss
    assert _one(_atom(f"<title>{KO_TITLE}</title>", f'<title xml:lang="en">{GLOSS}</title>'),
                fast=False).gloss == ""  # fmt: skip


def test_the_entry_gloss_wins_over_the_english_service() -> None:
    def scored(ident: str, source: str, title: str, lang: str, gloss: str = "") -> ScoredItem:
        found = Item(ident, source, Origin.FEED, title, "", "", NOW, NOW, lang=lang, gloss=gloss)
        return ScoredItem(found, Relevance(0.6, True))

    service = scored("en", "Wire English", "Kim Yo Jong statement (update)", "en")
    services = {"Wire": "Wire English"}
    assert english_gloss(scored("ko", "Wire", KO_TITLE, "ko", GLOSS), [service], services) == GLOSS
    assert english_gloss(scored("ko", "Wire", KO_TITLE, "ko"), [service], services) == (
        "Kim Yo Jong statement (update)"
    )
    assert english_gloss(scored("e", "Wire", GLOSS, "en", "x"), [], {}) == ""  # English: none


def test_the_gloss_is_stored_and_found_by_an_english_word() -> None:
    store = Store.memory()
    glossed = Item("1", "Wire", Origin.FEED, KO_TITLE, "x", KO_TEXT, NOW, lang="ko", gloss=GLOSS)
    plain = Item("2", "Wire", Origin.FEED, "북한 담화", "x", "본문", NOW, lang="ko")
    store.add_items([glossed, plain], NOW)
    (hit,) = store.search("rejects", SearchFilters())
    assert (hit.item.id, hit.item.gloss) == ("1", GLOSS)
    store.db.execute("UPDATE items SET gloss = 'Kim Yo Jong speaks' WHERE id = '1'")
    assert store.search("rejects", SearchFilters()) == []  # the index follows the gloss
    assert [h.item.id for h in store.search("speaks", SearchFilters())] == ["1"]
    store.db.execute("DELETE FROM items")
    assert store.search("speaks", SearchFilters()) == []
    store.db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")


def test_migrating_keeps_the_items_stored_before_searchable(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    old = store_at_version(path, 8)
    stamp = NOW.isoformat()
    old.execute(
        "INSERT INTO items (id, source, origin, title, link, text, seen_at, first_seen, lang)"
        " VALUES ('old', 'Wire', 'feed', 'Abduction talks resume', 'x', 'text', ?, ?, 'en')",
        (stamp, stamp),
    )
    old.close()
    store = Store.open(path)
    try:
        assert [h.item.gloss for h in store.search("abduction", SearchFilters())] == [""]
        store.db.execute("UPDATE items SET title = 'Talks resume' WHERE id = 'old'")
        assert store.search("abduction", SearchFilters()) == []  # deleted by its old values
        store.db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        store.close()


@pytest.fixture(scope="module")
def run_with_gloss(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `digest run` polling a real HTTP feed whose Korean entry carries its English
    headline; the folder it ran in."""
    root = tmp_path_factory.mktemp("entry-gloss")
    korean = f'<title xml:lang="ko">{KO_TITLE}</title>'
    english = f'<title xml:lang="en">{GLOSS}</title>'
    with serving() as server:
        url = server.add(
            "/ko.xml", Route(_atom(korean, english), content_type=HEADERS["Content-Type"])
        )
        (root / "feeds.yaml").write_text(
            f"sources:\n  - {{name: 연합뉴스, url: '{url}', lang: ko}}\n", encoding="utf-8"
        )
        result = digest("run", "--since", "all", "--config", "feeds.yaml", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_the_edition_shows_the_entry_gloss_and_the_cli_search_finds_it(
    run_with_gloss: Path,
) -> None:
    (text_file,) = (run_with_gloss / "archive").rglob("*.txt")
    text = " ".join(text_file.read_text(encoding="utf-8").split())
    assert f"English: {GLOSS}" in text
    found = digest("search", "Takaichi rejects", "--config", "feeds.yaml", cwd=run_with_gloss)
    assert found.returncode == 0, found.stderr
    assert "김여정" in found.stdout and "1. " in found.stdout


def test_the_browser_search_finds_the_story_by_its_gloss(
    run_with_gloss: Path, browser: sync_api.Browser
) -> None:
    archive = run_with_gloss / "archive"
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        (edition,) = (p for p in archive.rglob("*.html") if re.match(r"\d{4}-", p.name))
        page.goto(edition.as_uri())
        heading = page.locator("h3", has_text=KO_TITLE[:10])
        line = heading.locator("xpath=following-sibling::*[1]")
        assert line.inner_text() == GLOSS
        assert line.evaluate("e => e.closest('[lang]').lang") == "en"
        page.goto((archive / "search.html").as_uri() + "?q=rejects")
        results = page.locator("#results li")
        assert results.count() == 1
        assert KO_TITLE[:10] in results.first.inner_text()
        page.fill("#q", "settled Takaichi")
        assert results.count() == 1
        page.fill("#q", "hockey")
        assert results.count() == 0
    finally:
        context.close()
    assert errors == []
