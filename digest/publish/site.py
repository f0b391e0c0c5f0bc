"""The browsable archive as files: every edition page, the index, the Atom feed and the search page.

Pure: from the recorded editions (and their stored content) to a mapping of archive-relative paths
to text. The same store always gives the same bytes, so a rebuild changes only what changed.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import groupby
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit

import jinja2

from digest.models import Origin
from digest.publish import codec, search_index
from digest.publish.listing import EVERYTHING, FEED_SIZE, Listing, Parts
from digest.publish.render import (
    EditionPage,
    NavLink,
    edition_page,
    is_template_failure,
    make_environment,
    render_edition,
    saved_articles,
    saved_copy_path,
    template_error,
)
from digest.store import EditionRecord

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
class YearLink:
    year: str
    href: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    href: str
    updated: str
    summary: str
    content: str  # the edition's HTML (escaped by the template)


Contents = Callable[[Collection[int]], Mapping[int, str]]  # stored JSON of the ids asked for


def build_site(
    env: jinja2.Environment,
    listing: Listing,
    contents: Contents,
    *,
    zone: tzinfo,
    feed_size: int = FEED_SIZE,
    parts: Parts = EVERYTHING,
    base_url: str = "",
) -> dict[str, str]:
    """Archive-relative path -> text for the files of the browsable archive that `parts` names.

    `listing` holds every edition, or at least those the chosen files need (`listing.needed`);
    only the contents the chosen files need are asked of `contents`. Editions recorded without
    content (made before it was stored) keep their files as they are; the index lists them.
    With `base_url` (where the archive is published, ending in "/"), every link in the pages
    and the feed is absolute to it; without, every link inside the archive is relative.
    Everything is rendered before anything is written, so a template that fails
    (TemplateError, one line) leaves the archive as it was.
    """
    try:
        return _build_site(env, listing, contents, zone, feed_size, parts, base_url)
    except Exception as exc:
        if is_template_failure(env, exc):
            raise template_error(env, exc) from None
        raise


def _build_site(
    env: jinja2.Environment,
    listing: Listing,
    contents: Contents,
    zone: tzinfo,
    feed_size: int,
    parts: Parts,
    base_url: str,
) -> dict[str, str]:
    records = listing.records
    every = {r.id for r in records}
    page_ids = every if parts.editions is None else every & parts.editions
    feed_records = list(records[:feed_size]) if parts.common else []
    in_pieces = [
        r for r in records if parts.months is None or search_index.month_of(r) in parts.months
    ]
    wanted = page_ids | {r.id for r in feed_records} | {r.id for r in in_pieces}
    stored = {key: codec.loads(text) for key, text in contents(wanted).items()}
    files: dict[str, str] = {}
    pages: dict[int, EditionPage] = {}
    shared = _shared_days(records)
    for record, previous, following in _neighbours(records):
        entry = stored.get(record.id)
        if entry is None or record.id not in wanted:
            continue
        pages[record.id] = edition_page(
            entry.edition,
            page_path=record.html_path,
            archive_root=entry.archive_root,
            previous=_nav(record, previous, base_url, shared, zone),
            next=_nav(record, following, base_url, shared, zone),
            base_url=base_url,
        )
        if record.id in page_ids:
            html, text = render_edition(env, pages[record.id])
            files[record.html_path], files[record.text_path] = html, text
    files.update(_index_pages(env, listing, zone, parts.years, base_url, shared))
    if parts.common:
        files["feed.xml"] = _feed(env, feed_records, pages, zone, base_url)
        files["search.html"] = env.get_template("search.html.j2").render(
            count=listing.total, base=base_url
        )
        files[search_index.MANIFEST] = search_index.manifest_js(listing.months)
    for month, piece in search_index.pieces(in_pieces, pages).items():
        if parts.months is None or month in parts.months:
            files[search_index.piece_path(month)] = piece
    return files


def build_part(
    user_dir: Path | None,
    listing: Listing,
    contents: Mapping[int, str],
    zone: tzinfo,
    parts: Parts,
) -> dict[str, str]:
    """`build_site` in a worker process: its own Jinja environment, the contents handed over."""
    env = make_environment(user_dir)
    return build_site(
        env,
        listing,
        lambda ids: {i: contents[i] for i in ids if i in contents},
        zone=zone,
        parts=parts,
    )


def _neighbours(
    records: Sequence[EditionRecord],
) -> list[tuple[EditionRecord, EditionRecord | None, EditionRecord | None]]:
    """Each edition with the previous and next edition of the same digest."""
    result = []
    by_digest: dict[str, list[EditionRecord]] = {}
    for record in reversed(records):  # oldest first
        by_digest.setdefault(record.digest, []).append(record)
    for series in by_digest.values():
        for position, record in enumerate(series):
            previous = series[position - 1] if position > 0 else None
            following = series[position + 1] if position + 1 < len(series) else None
            result.append((record, previous, following))
    return result


def _nav(
    here: EditionRecord,
    there: EditionRecord | None,
    base_url: str,
    shared: set[tuple[str, str]],
    zone: tzinfo,
) -> NavLink | None:
    if there is None:
        return None
    href = posixpath.relpath(there.html_path, posixpath.dirname(here.html_path) or ".")
    label = _day(there.date) + _time_of_day(there, shared, zone)
    return NavLink(base_url + there.html_path if base_url else href, label)


def _shared_days(records: Sequence[EditionRecord]) -> set[tuple[str, str]]:
    """(digest, date) of the days with more than one edition of a digest."""
    days = Counter((r.digest, r.date) for r in records)
    return {day for day, count in days.items() if count > 1}


def _time_of_day(record: EditionRecord, shared: set[tuple[str, str]], zone: tzinfo) -> str:
    """ ", 14:05" when the digest has another edition that day, so the two are told apart."""
    if (record.digest, record.date) not in shared:
        return ""
    return f", {record.until.astimezone(zone):%H:%M}"


def _day(iso_date: str) -> str:
    return f"{datetime.fromisoformat(iso_date):%-d %b %Y}"


def _period(record: EditionRecord, zone: tzinfo) -> str:
    since, until = record.since.astimezone(zone), record.until.astimezone(zone)
    return f"{since:%-d %b %Y} – {until:%-d %b %Y}"


def index_path(year: str, newest: str) -> str:
    """The newest year is index.html; each earlier year has its own page beside it."""
    return "index.html" if year == newest else f"index-{year}.html"


def _index_pages(
    env: jinja2.Environment,
    listing: Listing,
    zone: tzinfo,
    years: frozenset[str] | None,
    base_url: str,
    shared: set[tuple[str, str]],
) -> dict[str, str]:
    """One index page per year (those in `years`, or all), newest first on each."""
    ordered = sorted(listing.records, key=lambda r: (r.date, r.until), reverse=True)
    by_year = {year: list(group) for year, group in groupby(ordered, key=lambda r: r.date[:4])}
    newest = listing.years[0] if listing.years else ""
    links = tuple(YearLink(year, base_url + index_path(year, newest)) for year in listing.years)
    template = env.get_template("index.html.j2")
    pages = {}
    for year in listing.years if years is None else [y for y in listing.years if y in years]:
        group = _year(year, by_year[year], zone, base_url, shared)
        # Only index.html, rewritten by every publish, gives the total: other years' pages stay
        # as they are until their own year changes.
        total = listing.total if year == newest else None
        pages[index_path(year, newest)] = template.render(
            years=(group,),
            year=year,
            year_links=links,
            count=len(by_year[year]),
            total=total,
            has_feed=True,
            base=base_url,
        )
    if not listing.years:
        pages["index.html"] = template.render(
            years=(), year="", year_links=(), count=0, total=0, has_feed=True, base=base_url
        )
    return pages


def _year(
    year: str,
    in_year: Sequence[EditionRecord],
    zone: tzinfo,
    base_url: str,
    shared: set[tuple[str, str]],
) -> YearGroup:
    months = []
    for month, in_month in groupby(in_year, key=lambda r: r.date[:7]):
        entries = tuple(
            IndexEntry(
                anchor=f"edition-{r.id}",
                digest=r.digest,
                date_label=f"{datetime.fromisoformat(r.date):%A %-d %B %Y}"
                + _time_of_day(r, shared, zone),
                period_label=_period(r, zone),
                stories=r.stories,
                headlines=r.headlines[:INDEX_HEADLINES],
                html_href=base_url + r.html_path,
                text_href=base_url + r.text_path,
            )
            for r in in_month
        )
        label = f"{datetime.fromisoformat(month + '-01'):%B %Y}"
        months.append(MonthGroup(label, month, entries))
    return YearGroup(year, tuple(months))


def _feed(
    env: jinja2.Environment,
    records: Sequence[EditionRecord],
    pages: dict[int, EditionPage],
    zone: tzinfo,
    base_url: str,
) -> str:
    entries = []
    body = env.get_template("_edition_body.html.j2")
    for record in records:
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
                href=base_url + record.html_path,
                updated=_atom_time(record.until),
                summary=f"{record.stories} stories. {headlines}".strip(),
                content=content,
            )
        )
    updated = max((e.updated for e in entries), default="1970-01-01T00:00:00Z")
    digests = list(dict.fromkeys(r.digest for r in records))
    title = digests[0] if len(digests) == 1 else "digest editions"
    return env.get_template("feed.xml.j2").render(
        feed_id=FEED_ID, title=title, updated=updated, entries=entries, base=base_url
    )


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def saved_copies(contents: Mapping[int, str]) -> dict[str, Path]:
    """Archive-relative path -> original of every saved article outside the archive that a
    stored edition links to: what a published archive (`archive_url`) must carry a copy of."""
    copies: dict[str, Path] = {}
    for content in contents.values():
        stored = codec.loads(content)
        root = stored.archive_root.rstrip("/") + "/"
        for link in saved_articles(stored.edition):
            path = unquote(urlparse(link).path)
            if root != "/" and not path.startswith(root):
                copies[saved_copy_path(path)] = Path(path)
    return copies


@dataclass(frozen=True, slots=True)
class SitePaths:
    """What the site is made of: `own` files it writes, `linked` saved articles its pages link
    to inside the archive (archive-relative POSIX paths)."""

    own: frozenset[str]
    linked: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.own | self.linked


def site_paths(records: Sequence[EditionRecord], contents: Mapping[int, str]) -> SitePaths:
    """The paths `build_site` writes for these editions, and the files inside the archive that
    their pages link to, worked out as the pages work out their links (no rendering)."""
    ordered = sorted(records, key=lambda r: (r.date, r.until), reverse=True)
    newest = ordered[0].date[:4] if ordered else ""
    own = {"index.html", "feed.xml", "search.html", search_index.MANIFEST}
    own.update(index_path(r.date[:4], newest) for r in records)
    own.update(search_index.piece_path(search_index.month_of(r)) for r in records)
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
