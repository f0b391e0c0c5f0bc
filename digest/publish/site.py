"""The browsable archive as files: every edition page, the index, the Atom feed and the search page.

Pure: from the recorded editions (and their stored content) to a mapping of archive-relative paths
to text. The same store always gives the same bytes, so a rebuild changes only what changed.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import groupby

import jinja2

from digest.publish import codec
from digest.publish.render import EditionPage, NavLink, edition_page, render_edition
from digest.store import EditionRecord

FEED_SIZE = 20  # editions in feed.xml
INDEX_HEADLINES = 3
FEED_ID = "tag:digest.localhost,2026:archive"


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
    """
    archived = [
        Archived(r, codec.loads(contents[r.id]) if r.id in contents else None) for r in records
    ]
    files: dict[str, str] = {}
    pages: dict[int, EditionPage] = {}
    shared = _shared_days(records)
    for entry, previous, following in _neighbours(archived):
        if entry.stored is None:
            continue
        record = entry.record
        page = edition_page(
            entry.stored.edition,
            page_path=record.html_path,
            archive_root=entry.stored.archive_root,
            previous=_nav(record, previous, shared, zone),
            next=_nav(record, following, shared, zone),
        )
        pages[record.id] = page
        files[record.html_path], files[record.text_path] = render_edition(env, page)
    files["index.html"] = env.get_template("index.html.j2").render(
        years=_index(archived, zone, shared), count=len(archived), has_feed=True
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


def _nav(
    here: EditionRecord, there: Archived | None, shared: set[tuple[str, str]], zone: tzinfo
) -> NavLink | None:
    if there is None:
        return None
    href = posixpath.relpath(there.record.html_path, posixpath.dirname(here.html_path) or ".")
    return NavLink(href, _day(there.record.date) + _time_of_day(there, shared, zone))


def _day(iso_date: str) -> str:
    return f"{datetime.fromisoformat(iso_date):%-d %b %Y}"


def _shared_days(records: Sequence[EditionRecord]) -> set[tuple[str, str]]:
    """(digest, date) of the days with more than one edition of a digest."""
    days = Counter((r.digest, r.date) for r in records)
    return {day for day, count in days.items() if count > 1}


def _time_of_day(entry: Archived, shared: set[tuple[str, str]], zone: tzinfo) -> str:
    """ ", 14:05" when the digest has another edition that day, so the two are told apart."""
    record = entry.record
    if (record.digest, record.date) not in shared:
        return ""
    return f", {record.until.astimezone(_zone_of(entry, zone)):%H:%M}"


def _period(record: EditionRecord, zone: tzinfo) -> str:
    since, until = record.since.astimezone(zone), record.until.astimezone(zone)
    return f"{since:%-d %b %Y} – {until:%-d %b %Y}"


def _zone_of(entry: Archived, zone: tzinfo) -> tzinfo:
    if entry.stored is not None and entry.stored.edition.date.tzinfo is not None:
        return entry.stored.edition.date.tzinfo
    return zone


def _index(
    archived: Sequence[Archived], zone: tzinfo, shared: set[tuple[str, str]]
) -> tuple[YearGroup, ...]:
    ordered = sorted(archived, key=lambda a: (a.record.date, a.record.until), reverse=True)
    years = []
    for year, in_year in groupby(ordered, key=lambda a: a.record.date[:4]):
        months = []
        for month, in_month in groupby(in_year, key=lambda a: a.record.date[:7]):
            entries = tuple(
                IndexEntry(
                    anchor=f"edition-{a.record.id}",
                    digest=a.record.digest,
                    date_label=f"{datetime.fromisoformat(a.record.date):%A %-d %B %Y}"
                    + _time_of_day(a, shared, zone),
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
