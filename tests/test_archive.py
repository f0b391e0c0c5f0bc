"""The browsable archive: index, navigation, feed, rebuild, portability, search from the CLI."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import feedparser
import pytest
from cli_process import digest
from editions import HOSTILE_TITLE, make_three_editions

from digest.config import load_config
from digest.edition import publish, rebuild
from digest.errors import ArchiveError
from digest.models import Edition, Item, Origin
from digest.publish import archive, codec
from digest.store import MIGRATIONS, SearchFilters, Store
from digest.store.query import SearchError, search, to_fts

PAGES = (
    "2027/2027-01-04-japan-north-korea.html",
    "2026/2026-11-09-japan-north-korea.html",
    "2026/2026-10-26-japan-north-korea.html",
)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_three_editions(tmp_path_factory.mktemp("three"))


@pytest.fixture
def archive_copy(made: Path, tmp_path: Path) -> Path:
    """A private copy of the three-edition archive (and its config) a test may change."""
    shutil.copytree(made.parent, tmp_path / "site")
    return tmp_path / "site" / "archive"


ROOT = Path(__file__).resolve().parent.parent


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("href") is not None and tag in ("a", "link"):
            self.hrefs.append(str(values["href"]))
        if values.get("src") is not None:
            self.hrefs.append(str(values["src"]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def broken_links(root: Path) -> list[str]:
    """Every href or src in the archive's pages that does not lead to an existing file (and
    anchor); external http(s) links are not followed. Absolute file:// links count as broken."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        if "clippings" in page.parts:
            continue
        for href in parse(page).hrefs:
            url = urlparse(href)
            if url.scheme in ("http", "https"):
                continue
            if url.scheme or href.startswith("/"):
                broken.append(f"{page.name}: {href} (not relative)")
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if not target.is_file():
                broken.append(f"{page.name}: {href}")
            elif (
                url.fragment and target.suffix == ".html" and url.fragment not in parse(target).ids
            ):
                broken.append(f"{page.name}: {href} (no such anchor)")
    return broken


def test_index_lists_the_editions_by_year_newest_year_first_grouped_by_month(
    made: Path,
) -> None:
    index = (made / "index.html").read_text(encoding="utf-8")
    earlier = (made / "index-2026.html").read_text(encoding="utf-8")
    hrefs = [h for p in ("index.html", "index-2026.html") for h in parse(made / p).hrefs]
    editions = [h for h in hrefs if re.fullmatch(r"\d{4}/.*\.html", h)]
    assert editions == list(PAGES)
    assert PAGES[0] in index and PAGES[1] not in index  # the newest year only
    for page in PAGES[1:]:
        assert f'href="{page[:-5]}.txt"' in earlier
    # Each year's page links to the others.
    assert 'href="index-2026.html">2026</a>' in index and 'href="index.html">2027</a>' in earlier
    assert ">January 2027</h3>" in index
    assert earlier.index(">November 2026</h3>") < earlier.index(">October 2026</h3>")
    assert "Covering 26 Oct 2026 – 9 Nov 2026 · 2 stories" in earlier
    assert "North Korean missile flies over northern Japan" in earlier  # a top headline
    assert '<html lang="en">' in index and '<html lang="en">' in earlier


def test_every_link_in_the_archive_is_relative_and_resolves(made: Path) -> None:
    assert broken_links(made) == []


def test_edition_pages_link_to_their_neighbours_and_the_index(made: Path) -> None:
    newest, middle, oldest = (parse(made / p).hrefs for p in PAGES)
    assert "2026-10-26-japan-north-korea.html" in middle
    assert "../2027/2027-01-04-japan-north-korea.html" in middle
    assert "../index.html" in middle and "../search.html" in middle
    assert not any("2026-11-09" in h for h in newest if "2027" in h)
    assert "../2026/2026-11-09-japan-north-korea.html" in newest
    assert "2026-11-09-japan-north-korea.html" in oldest
    assert not any(h.startswith("../2027") for h in oldest)  # no "next" of the next-but-one


def test_story_anchors_are_stable_across_editions_and_rebuilds(archive_copy: Path) -> None:
    before = parse(archive_copy / PAGES[1]).ids
    assert any(re.fullmatch(r"story-[0-9a-f]{10}", i) for i in before)
    (archive_copy / PAGES[1]).unlink()
    result = digest("archive", "rebuild", "--config", "feeds.yaml", cwd=archive_copy.parent)
    assert result.returncode == 0, result.stderr
    assert parse(archive_copy / PAGES[1]).ids == before


def test_feed_parses_with_three_entries(made: Path) -> None:
    parsed = feedparser.parse((made / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 3
    first = parsed.entries[0]
    assert first.title == "Japan–North Korea Weekly — 4 Jan 2027"
    assert first.link.endswith(PAGES[0])
    assert first.updated_parsed[:3] == (2027, 1, 4)
    assert "Red Cross officials" in first.content[0].value
    hostile = parsed.entries[1].content[0].value
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert len({e.id for e in parsed.entries}) == 3


def test_rebuild_is_byte_identical_and_writes_nothing_when_nothing_changed(
    archive_copy: Path,
) -> None:
    files = {p: p.read_bytes() for p in archive_copy.rglob("*") if p.is_file()}
    stamps = {p: p.stat().st_mtime_ns for p in files}
    result = digest("archive", "rebuild", "--config", "feeds.yaml", cwd=archive_copy.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 files changed"
    assert {p: p.stat().st_mtime_ns for p in files} == stamps

    pieces = [p.relative_to(archive_copy) for p in archive_copy.glob("*/search-*.js")]
    assert len(pieces) == 3  # October and November 2026, January 2027
    for name in (*PAGES, "index.html", "feed.xml", "search.html", "search-index.js", *pieces):
        (archive_copy / name).unlink()
    result = digest("archive", "rebuild", "--config", "feeds.yaml", cwd=archive_copy.parent)
    assert result.returncode == 0, result.stderr
    assert {p: p.read_bytes() for p in files} == files


def test_rebuild_applies_a_template_change(archive_copy: Path) -> None:
    templates = archive_copy.parent / "templates"
    templates.mkdir()
    original = (Path(__file__).parent.parent / "templates" / "_style.css.j2").read_text()
    (templates / "_style.css.j2").write_text(original + "/* house style */\n")
    result = digest("archive", "rebuild", "--config", "feeds.yaml", cwd=archive_copy.parent)
    assert result.returncode == 0, result.stderr
    assert "/* house style */" in (archive_copy / PAGES[2]).read_text()
    assert "/* house style */" in (archive_copy / "index.html").read_text()


def test_the_archive_still_works_after_the_folder_moves(archive_copy: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "copy-of-archive"
    moved.parent.mkdir()
    shutil.move(archive_copy, moved)
    assert broken_links(moved) == []
    text = (moved / PAGES[2]).with_suffix(".txt").read_text()
    assert "Link: ../clippings/abduction-talks.txt" in text
    # A rebuild in the new place still makes relative links to the saved articles.
    config = moved.parent / "feeds.yaml"
    config.write_text(
        (archive_copy.parent / "feeds.yaml")
        .read_text()
        .replace("path: archive/clippings", "path: copy-of-archive/clippings")
        + "archive: copy-of-archive\n"
    )
    (moved / PAGES[2]).unlink()
    result = digest("archive", "rebuild", "--config", config, cwd=moved.parent)
    assert result.returncode == 0, result.stderr
    assert broken_links(moved) == []


def test_hostile_titles_stay_text_everywhere(made: Path) -> None:
    escaped = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    for name in (PAGES[1], "index-2026.html"):
        page = (made / name).read_text()
        assert "<script>alert" not in page and escaped in page
    script = "".join(p.read_text() for p in made.glob("*/search-*.js"))
    assert "</script" not in script and "<" not in script
    assert "\u2028" not in script and "\u2029" not in script
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in script
    feed = (made / "feed.xml").read_text()
    assert "<script>" not in feed
    assert HOSTILE_TITLE.startswith("Abduction families </script>")


def test_search_index_is_a_manifest_of_monthly_pieces_listing_every_archived_story(
    made: Path,
) -> None:
    manifest = (made / "search-index.js").read_text()
    assert manifest.startswith("window.DIGEST_SEARCH_INDEX = {")
    months = re.findall(r'"month":"([0-9-]+)"', manifest)
    assert months == ["2027-01", "2026-11", "2026-10"]  # newest first
    anchors = []
    for month in months:
        piece = (made / month[:4] / f"search-{month}.js").read_text()
        assert piece.startswith(
            f'(window.DIGEST_SEARCH_PIECES = window.DIGEST_SEARCH_PIECES || {{}})["{month}"] = ['
        )
        anchors += re.findall(r'"href":"([^"]+)"', piece)
    assert len(anchors) == 4
    for href in anchors:
        page, anchor = href.split("#")
        assert anchor in parse(made / page).ids


def test_digest_search_lists_matching_items_with_their_editions(made: Path) -> None:
    result = digest("search", "abduction", "--config", "feeds.yaml", cwd=made.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. ") and "abduction" in lines[0].lower()
    assert "Japan and North Korea hold abduction talks in Ulaanbaatar" in result.stdout
    assert "in Japan–North Korea Weekly 2026-10-26 (archive/2026/2026-10-26" in result.stdout
    assert "in Japan–North Korea Weekly 2026-11-09" in result.stdout
    assert "missile" not in result.stdout.lower()


def test_digest_search_filters_and_syntax(made: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return digest("search", *args, "--config", "feeds.yaml", cwd=made.parent)

    phrase = run('"wartime remains"')
    assert phrase.stdout.count("\n1. ") + phrase.stdout.startswith("1. ") == 1
    assert "Red Cross" in phrase.stdout
    assert "Red Cross" in run("abduct*").stdout  # prefix (and stemming) find "abduction"
    assert "Ulaanbaatar" not in run("abduction", "--since", "2026-11-01").stdout
    assert "Ulaanbaatar" in run("abduction", "--until", "2026-10-31").stdout
    assert run("abduction", "--source", "nobody").stdout == ""
    assert "Ulaanbaatar" in run("abduction", "--digest", "japan-north-korea").stdout
    for bad in ('"unclosed', "abduction AND", "(talks"):
        result = run(bad)
        assert result.returncode == 2, bad
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert run("abduction", "--since", "last week").returncode == 2


def test_query_translation_takes_punctuation_as_text() -> None:
    assert to_fts("Japan-North Korea") == '"Japan-North" "Korea"'
    assert to_fts('"remains talks" OR abduct*') == '"remains talks" OR "abduct"*'
    assert to_fts("col:umn") == '"col:umn"'
    with pytest.raises(SearchError):
        to_fts("   ")


def _item(number: int, title: str) -> Item:
    return Item(
        id=f"feed:{number}",
        source="Wire",
        origin=Origin.FEED,
        title=title,
        link=f"http://news.invalid/{number}",
        text="Body text about Pyongyang.",
        seen_at=datetime(2026, 1, 1, tzinfo=UTC),
        published=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_search_index_follows_the_items_table() -> None:
    store = Store.memory()
    store.add_items([_item(1, "Abduction talks"), _item(2, "Missile launch")], datetime.now(UTC))
    assert store.add_items([_item(1, "Abduction talks")], datetime.now(UTC)) == 0
    hits = search(store, "abduction", SearchFilters())
    assert [h.item.id for h in hits] == ["feed:1"]
    store.db.execute("UPDATE items SET title = 'Sanctions extended' WHERE id = 'feed:1'")
    assert search(store, "abduction", SearchFilters()) == []
    assert [h.item.id for h in search(store, "sanctions", SearchFilters())] == ["feed:1"]
    store.db.execute("DELETE FROM items WHERE id = 'feed:2'")
    assert search(store, "missile", SearchFilters()) == []
    hits = search(store, "pyongyang", SearchFilters(until=date(2026, 1, 1)))
    assert [h.item.id for h in hits] == ["feed:1"]


def test_migrating_an_older_store_indexes_its_items(tmp_path: Path) -> None:
    path = tmp_path / archive.DATABASE_NAME
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    old.execute(
        "INSERT INTO items VALUES ('feed:9', 'Wire', 'feed', 'Remains talks resume', "
        "'http://news.invalid/9', 'text', '', NULL, '2026-01-01T00:00:00+00:00', "
        "'2026-01-01T00:00:00+00:00')"
    )
    old.close()
    store = Store.open(path)
    assert [h.item.id for h in search(store, "remains", SearchFilters())] == ["feed:9"]
    store.close()


def test_a_recorded_edition_whose_files_were_lost_keeps_its_name(archive_copy: Path) -> None:
    (archive_copy / PAGES[0]).unlink()
    (archive_copy / PAGES[0]).with_suffix(".txt").unlink()
    html, _ = archive.edition_paths(
        archive_copy, datetime(2027, 1, 4, tzinfo=UTC), "japan-north-korea", {PAGES[0]}
    )
    assert html.name == "2027-01-04-japan-north-korea-2.html"


def a_later_edition(store: Store, **changes: object) -> Edition:
    """The newest stored edition again with `changes`, its items stored afresh under new ids."""
    newest = store.editions()[0]
    made = codec.loads(store.edition_contents([newest.id])[newest.id]).edition
    stories = []
    for story in made.stories:
        items = [replace(s, item=replace(s.item, id=s.item.id + "-again")) for s in story.items]
        store.add_items([s.item for s in items], made.until)
        stories.append(replace(story, lead=items[0], others=tuple(items[1:])))
    return replace(made, stories=tuple(stories), **changes)  # type: ignore[arg-type]


def test_a_publish_rewrites_only_what_the_new_edition_changes(archive_copy: Path) -> None:
    config = load_config(archive_copy.parent / "feeds.yaml")
    store = Store.open(archive_copy / archive.DATABASE_NAME)
    try:
        made = store.editions()[0]
        later = a_later_edition(
            store, date=datetime(2027, 1, 11, 9, tzinfo=UTC), until=made.until + timedelta(7)
        )
        files = [p for p in archive_copy.rglob("*") if p.is_file() and "clippings" not in p.parts]
        stamps = {p: p.stat().st_mtime_ns for p in files}
        publish(config=config, store=store, edition=later)
        changed = {
            p.relative_to(archive_copy).as_posix()
            for p in archive_copy.rglob("*")
            if p.is_file()
            and "clippings" not in p.parts
            and "sqlite3" not in p.name
            and stamps.get(p) != p.stat().st_mtime_ns
        }
        assert changed == {
            "2027/2027-01-11-japan-north-korea.html",
            "2027/2027-01-11-japan-north-korea.txt",
            PAGES[0],  # its previous edition, now with a "next" link
            "index.html",
            "feed.xml",
            "search.html",
            "search-index.js",
            "2027/search-2027-01.js",
        }
        # What a whole rebuild would write is what is there already.
        assert rebuild(config=config, store=store) == ()
    finally:
        store.close()


def test_a_publish_that_fails_removes_the_pages_it_added_and_restores_the_others(
    archive_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(archive_copy.parent / "feeds.yaml")
    store = Store.open(archive_copy / archive.DATABASE_NAME)
    before = {p: p.read_bytes() for p in archive_copy.rglob("*") if p.is_file()}
    try:
        made = store.editions()[0]
        # A new year: index.html moves on to 2028 and 2027 gets a page of its own.
        later = a_later_edition(
            store, date=datetime(2028, 1, 3, 9, tzinfo=UTC), until=made.until + timedelta(364)
        )
        writes = []
        real = archive.write_atomic

        def fail_late(path: Path, content: str) -> None:
            writes.append(path)
            if path.name == "search.html":
                raise ArchiveError(f"cannot write {path}: No space left on device")
            real(path, content)

        monkeypatch.setattr(archive, "write_atomic", fail_late)
        with pytest.raises(ArchiveError):
            publish(config=config, store=store, edition=later)
        assert any(p.name == "index-2027.html" for p in writes)  # it was written, then undone
        monkeypatch.setattr(archive, "write_atomic", real)
        after = {p: p.read_bytes() for p in archive_copy.rglob("*") if p.is_file()}
        pages = {p for p in after if "sqlite3" not in p.name}
        assert pages == {p for p in before if "sqlite3" not in p.name}
        assert all(after[p] == before[p] for p in pages)
        assert len(store.editions()) == 3
    finally:
        store.close()


def test_a_parallel_rebuild_writes_the_same_bytes(
    archive_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest import edition

    monkeypatch.setattr(edition, "PARALLEL_FROM", 1)  # three editions, two years: two workers
    files = {p: p.read_bytes() for p in archive_copy.rglob("*") if p.is_file()}
    pages = [p for p in files if p.suffix in (".html", ".txt", ".js", ".xml")]
    pages = [p for p in pages if "clippings" not in p.parts]
    for page in pages:
        page.unlink()
    config = load_config(archive_copy.parent / "feeds.yaml")
    store = Store.open(archive_copy / archive.DATABASE_NAME)
    try:
        written = rebuild(config=config, store=store)
    finally:
        store.close()
    assert sorted(written) == sorted(pages)
    assert all(page.read_bytes() == files[page] for page in pages)


def test_why_a_story_has_no_summary_is_kept_and_older_records_keep_their_message(
    archive_copy: Path,
) -> None:
    store = Store.open(archive_copy / archive.DATABASE_NAME)
    try:
        newest = store.editions()[0]
        stored = codec.loads(store.edition_contents([newest.id])[newest.id]).edition
    finally:
        store.close()
    cut = replace(stored.stories[0], summary=(), summary_gap="cut", opening="Tokyo said…")
    text = codec.dumps(replace(stored, stories=(cut,)), archive_root="/a")
    [story] = codec.loads(text).edition.stories
    assert (story.summary_gap, story.opening) == ("cut", "Tokyo said…")
    # Written before the reason was kept: an empty summary meant a headline-only report.
    older = text.replace(',"opening":"Tokyo said…"', "").replace(',"summary_gap":"cut"', "")
    assert "summary_gap" not in older and "opening" not in older
    [story] = codec.loads(older).edition.stories
    assert (story.summary_gap, story.opening) == ("headline", "")
