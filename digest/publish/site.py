"""The browsable archive as files: every edition page, the index, the Atom feed and the search page.

Pure: from the recorded editions (and their stored content) to a mapping of archive-relative paths
to text. The same store always gives the same bytes, so a rebuild changes only what changed.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import groupby
from urllib.parse import unquote, urlsplit

import jinja2

from digest.models import Origin
from digest.publish import codec
from digest.publish.render import (
    EditionPage,
    NavLink,
    edition_page,
    is_template_failure,
    render_edition,
    template_error,
)
from digest.store import EditionRecord

FEED_SIZE = 20  # editions in feed.xml
INDEX_HEADLINES = 3
FEED_ID = "tag:digest.localhost,2026:archive"
# The files the site has besides the editions' own pages.
SITE_FILES = frozenset({"index.html", "feed.xml", "search.html", "search-index.js"})


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One edition as the index shows it."""

    anchor: str
    digest: str
    date_label: str
    period_label: str
    stories: int
    headlines: tuple[str, ...]
    html_href: str
    text_href: str


@dataclass(frozen=True, slots=True)
class MonthGroup:
    label: str  # "November 2026"
    anchor: str  # "2026-11"
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: str
    months: tuple[MonthGroup, ...]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    href: str
    updated: str
    summary: str
    content: str  # the edition's HTML (escaped by the template)


@dataclass(frozen=True, slots=True)
class Archived:
    """A recorded edition and, when stored, its content."""

    record: EditionRecord
    stored: codec.StoredEdition | None


def build_site(
    env: jinja2.Environment,
    records: Sequence[EditionRecord],
    contents: dict[int, str],
    *,
    zone: tzinfo,
    feed_size: int = FEED_SIZE,
) -> dict[str, str]:
    """Archive-relative path -> text for every file of the browsable archive.

    `records` come newest first (as `Store.editions` gives them). Editions recorded without
    content (made before it was stored) keep their files as they are; the index lists them.
    Everything is rendered before anything is written, so a template that fails (TemplateError,
    one line) leaves the archive as it was.
    """
    try:
        return _build_site(env, records, contents, zone=zone, feed_size=feed_size)
    except Exception as exc:
        if is_template_failure(env, exc):
            raise template_error(env, exc) from None
        raise


def _build_site(
    env: jinja2.Environment,
    records: Sequence[EditionRecord],
    contents: dict[int, str],
    *,
    zone: tzinfo,
    feed_size: int,
) -> dict[str, str]:
    archived = [
        Archived(r, codec.loads(contents[r.id]) if r.id in contents else None) for r in records
    ]
    files: dict[str, str] = {}
    pages: dict[int, EditionPage] = {}
    for entry, previous, following in _neighbours(archived):
        if entry.stored is None:
            continue
        record = entry.record
        page = edition_page(
            entry.stored.edition,
            page_path=record.html_path,
            archive_root=entry.stored.archive_root,
            previous=_nav(record, previous),
            next=_nav(record, following),
        )
        pages[record.id] = page
        files[record.html_path], files[record.text_path] = render_edition(env, page)
    files["index.html"] = env.get_template("index.html.j2").render(
        years=_index(archived, zone), count=len(archived), has_feed=True
    )
    files["feed.xml"] = _feed(env, archived[:feed_size], pages, zone)
    files["search.html"] = env.get_template("search.html.j2").render(count=len(archived))
    files["search-index.js"] = search_index_js(archived, pages)
    return files


def _neighbours(
    archived: Sequence[Archived],
) -> list[tuple[Archived, Archived | None, Archived | None]]:
    """Each edition with the previous and next edition of the same digest."""
    result = []
    by_digest: dict[str, list[Archived]] = {}
    for entry in reversed(archived):  # oldest first
        by_digest.setdefault(entry.record.digest, []).append(entry)
    for series in by_digest.values():
        for position, entry in enumerate(series):
            previous = series[position - 1] if position > 0 else None
            following = series[position + 1] if position + 1 < len(series) else None
            result.append((entry, previous, following))
    return result


def _nav(here: EditionRecord, there: Archived | None) -> NavLink | None:
    if there is None:
        return None
    href = posixpath.relpath(there.record.html_path, posixpath.dirname(here.html_path) or ".")
    return NavLink(href, _day(there.record.date))


def _day(iso_date: str) -> str:
    return f"{datetime.fromisoformat(iso_date):%-d %b %Y}"


def _period(record: EditionRecord, zone: tzinfo) -> str:
    since, until = record.since.astimezone(zone), record.until.astimezone(zone)
    return f"{since:%-d %b %Y} – {until:%-d %b %Y}"


def _zone_of(entry: Archived, zone: tzinfo) -> tzinfo:
    if entry.stored is not None and entry.stored.edition.date.tzinfo is not None:
        return entry.stored.edition.date.tzinfo
    return zone


def _index(archived: Sequence[Archived], zone: tzinfo) -> tuple[YearGroup, ...]:
    ordered = sorted(archived, key=lambda a: (a.record.date, a.record.until), reverse=True)
    years = []
    for year, in_year in groupby(ordered, key=lambda a: a.record.date[:4]):
        months = []
        for month, in_month in groupby(in_year, key=lambda a: a.record.date[:7]):
            entries = tuple(
                IndexEntry(
                    anchor=f"edition-{a.record.id}",
                    digest=a.record.digest,
                    date_label=f"{datetime.fromisoformat(a.record.date):%A %-d %B %Y}",
                    period_label=_period(a.record, _zone_of(a, zone)),
                    stories=a.record.stories,
                    headlines=a.record.headlines[:INDEX_HEADLINES],
                    html_href=a.record.html_path,
                    text_href=a.record.text_path,
                )
                for a in in_month
            )
            label = f"{datetime.fromisoformat(month + '-01'):%B %Y}"
            months.append(MonthGroup(label, month, entries))
        years.append(YearGroup(year, tuple(months)))
    return tuple(years)


def _feed(
    env: jinja2.Environment,
    archived: Sequence[Archived],
    pages: dict[int, EditionPage],
    zone: tzinfo,
) -> str:
    entries = []
    body = env.get_template("_edition_body.html.j2")
    for entry in archived:
        record = entry.record
        page = pages.get(record.id)
        content = (
            body.render(page=page, edition=page.edition)
            if page is not None
            else f"<p>{record.stories} stories.</p>"
        )
        headlines = "; ".join(record.headlines[:INDEX_HEADLINES])
        entries.append(
            FeedEntry(
                id=f"tag:digest.localhost,2026:{record.html_path}",
                title=f"{record.digest} — {_day(record.date)}",
                href=record.html_path,
                updated=_atom_time(record.until),
                summary=f"{record.stories} stories. {headlines}".strip(),
                content=content,
            )
        )
    updated = max((e.updated for e in entries), default="1970-01-01T00:00:00Z")
    digests = list(dict.fromkeys(a.record.digest for a in archived))
    title = digests[0] if len(digests) == 1 else "digest editions"
    return env.get_template("feed.xml.j2").render(
        feed_id=FEED_ID, title=title, updated=updated, entries=entries
    )


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def search_index_js(archived: Sequence[Archived], pages: dict[int, EditionPage]) -> str:
    """Every archived story as a JS file assigning to a global (file:// pages cannot fetch JSON).

    The JSON is ASCII-only (so U+2028/2029 are escaped) and has `<`, `>` and `&` escaped, so no
    data can close the script or start markup.
    """
    records = []
    for entry in archived:
        page = pages.get(entry.record.id)
        if page is None:
            continue
        label = f"{entry.record.digest} — {_day(entry.record.date)}"
        for story in page.edition.stories:
            lead = story.lead.item
            published = lead.published or lead.seen_at
            records.append(
                {
                    "title": lead.title,
                    "outlets": ", ".join(story.outlets),
                    "date": published.date().isoformat(),
                    "summary": " ".join(story.summary),
                    "edition": label,
                    "href": f"{entry.record.html_path}#story-{story.id}",
                }
            )
    data = json.dumps(records, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        data = data.replace(char, escape)
    return f"window.DIGEST_SEARCH = {data};\n"


@dataclass(frozen=True, slots=True)
class SitePaths:
    """What the site is made of: `own` files it writes, `linked` saved articles its pages link
    to inside the archive (archive-relative POSIX paths)."""

    own: frozenset[str]
    linked: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.own | self.linked


def site_paths(records: Sequence[EditionRecord], contents: dict[int, str]) -> SitePaths:
    """The paths `build_site` writes for these editions, and the files inside the archive that
    their pages link to, worked out as the pages work out their links (no rendering)."""
    own = set(SITE_FILES)
    linked: set[str] = set()
    for record in records:
        own.update((record.html_path, record.text_path))
        if record.id not in contents:
            continue
        stored = codec.loads(contents[record.id])
        page = EditionPage(
            edition=stored.edition,
            title="",
            date_label="",
            period_label="",
            sections=(),
            page_path=record.html_path,
            archive_root=stored.archive_root,
        )
        folder = posixpath.dirname(record.html_path)
        for story in stored.edition.stories:
            for scored in story.items:
                if scored.item.origin is not Origin.SAVED:
                    continue  # a feed's file: link names no saved article, whatever it says
                href = page.href(scored.item.link)
                if not href or urlsplit(href).scheme or href.startswith("/"):
                    continue  # outside the archive
                target = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(href).path)))
                if not target.startswith("../") and target != "..":
                    linked.add(target)
    return SitePaths(frozenset(own), frozenset(linked - own))
