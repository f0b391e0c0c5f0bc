"""The browsable archive as files: every edition page, the index, the Atom feed and the search page.

Pure: from the recorded editions (and their stored content) to a mapping of archive-relative paths
to text. The same store always gives the same bytes, so a rebuild changes only what changed.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import partial
from itertools import groupby
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit

import jinja2
import markupsafe

from digest.models import Origin
from digest.publish import codec, fragments, search_index
from digest.publish.fragments import Lookup, Pieces
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
from digest.store import EditionRecord, Fragment

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
    """A month as `_index_month.html.j2` lists it."""

    label: str  # "November 2026"
    anchor: str  # "2026-11"
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True, slots=True)
class MonthSection:
    """A month on an index page: its section, as `_index_month.html.j2` rendered it (kept in
    the store between publishes). `entries` are made on demand, for an `index.html.j2` written
    before sections were kept, which lists them itself."""

    label: str
    anchor: str
    html: markupsafe.Markup
    listed: Callable[[], tuple[IndexEntry, ...]] = field(repr=False, compare=False)

    @property
    def entries(self) -> tuple[IndexEntry, ...]:
        return self.listed()


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: str
    months: tuple[MonthSection, ...]


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


@dataclass(frozen=True, slots=True)
class SiteBuild:
    """What a build made: archive-relative path -> text, and the pieces it was assembled from,
    those the store had (`used`, their keys) and those rendered anew (`made`, key -> piece)."""

    files: dict[str, str]
    used: frozenset[str]
    made: dict[str, Fragment]


def build_site(
    env: jinja2.Environment,
    listing: Listing,
    contents: Contents,
    *,
    zone: tzinfo,
    feed_size: int = FEED_SIZE,
    parts: Parts = EVERYTHING,
    base_url: str = "",
    kept: Lookup | None = None,
) -> SiteBuild:
    """The files of the browsable archive that `parts` names, and the pieces they were made of.

    `listing` holds every edition, or at least those the chosen files need (`listing.needed`);
    only the contents the chosen files need are asked of `contents`. Editions recorded without
    content (made before it was stored) keep their files as they are; the index lists them.
    With `base_url` (where the archive is published, ending in "/"), every link in the pages
    and the feed is absolute to it; without, every link inside the archive is relative.
    Pieces `kept` from earlier builds (see `fragments`) are used where their key is found, and
    rendered where not: the same bytes either way.
    Everything is rendered before anything is written, so a template that fails
    (TemplateError, one line) leaves the archive as it was.
    """
    try:
        pieces = Pieces(fragments.fingerprint(env), kept)
        files = _build_site(env, listing, contents, zone, feed_size, parts, base_url, pieces)
    except Exception as exc:
        if is_template_failure(env, exc):
            raise template_error(env, exc) from None
        raise
    return SiteBuild(files, frozenset(pieces.used), pieces.made)


def _build_site(
    env: jinja2.Environment,
    listing: Listing,
    contents: Contents,
    zone: tzinfo,
    feed_size: int,
    parts: Parts,
    base_url: str,
    pieces: Pieces,
) -> dict[str, str]:
    records = listing.records
    every = {r.id for r in records}
    page_ids = every if parts.editions is None else every & parts.editions
    feed_records = list(records[:feed_size]) if parts.common else []
    in_pieces = [
        r for r in records if parts.months is None or search_index.month_of(r) in parts.months
    ]
    wanted = page_ids | {r.id for r in feed_records} | {r.id for r in in_pieces}
    stored = contents(wanted)
    shared = _shared_days(records)
    navs = {
        record.id: (
            _nav(record, previous, base_url, shared, zone),
            _nav(record, following, base_url, shared, zone),
        )
        for record, previous, following in _neighbours(records)
        if record.id in stored and record.id in wanted
    }
    pages = _Pages(stored, navs, base_url)
    files: dict[str, str] = {}
    for record in records:
        if record.id in page_ids and record.id in navs:
            html, text = render_edition(env, pages.of(record))
            files[record.html_path], files[record.text_path] = html, text
    files.update(_index_pages(env, listing, zone, parts.years, base_url, shared, pieces))
    if parts.common:
        files["feed.xml"] = _feed(env, feed_records, pages, zone, base_url, pieces)
        files["search.html"] = env.get_template("search.html.j2").render(
            count=listing.total, base=base_url
        )
        files[search_index.MANIFEST] = search_index.manifest_js(listing.months)
    by_month: dict[str, list[EditionRecord]] = {}
    for record in in_pieces:
        by_month.setdefault(search_index.month_of(record), []).append(record)
    for month, in_month in by_month.items():
        wanted_pieces = {
            pages.key(pieces, "search", record, links=False): partial(pages.search_stories, record)
            for record in in_month
            if record.id in navs
        }
        found = pieces.get("search", wanted_pieces)
        texts = [found[each] for each in wanted_pieces]
        files[search_index.piece_path(month)] = search_index.piece_js(month, texts)
    return files


class _Pages:
    """The edition pages a build renders from, each loaded from its stored content when first
    needed: a piece found in the store needs none."""

    def __init__(
        self,
        stored: Mapping[int, str],
        navs: Mapping[int, tuple[NavLink | None, NavLink | None]],
        base_url: str,
    ) -> None:
        self._stored, self._navs, self._base_url = stored, navs, base_url
        self._pages: dict[int, EditionPage] = {}

    def of(self, record: EditionRecord) -> EditionPage:
        page = self._pages.get(record.id)
        if page is None:
            entry = codec.loads(self._stored[record.id])
            previous, following = self._navs[record.id]
            page = edition_page(
                entry.edition,
                page_path=record.html_path,
                archive_root=entry.archive_root,
                previous=previous,
                next=following,
                base_url=self._base_url,
            )
            self._pages[record.id] = page
        return page

    def key(self, pieces: Pieces, kind: str, record: EditionRecord, links: bool = True) -> str:
        """The key of a piece made from the edition's page and record: its content (which holds
        the archive folder it was made in), its files, where the archive is published and, with
        `links`, its neighbours' links, which the page holds too (a template may show them)."""
        previous, following = self._navs[record.id] if links else (None, None)
        return fragments.key(
            pieces.fingerprint,
            kind,
            self._stored[record.id],
            record.html_path,
            record.text_path,
            record.digest,
            record.date,
            self._base_url,
            repr(previous),
            repr(following),
        )

    def search_stories(self, record: EditionRecord) -> str:
        return search_index.stories_js(record, self.of(record))

    def feed_body(self, body: jinja2.Template, record: EditionRecord) -> str:
        page = self.of(record)
        return body.render(page=page, edition=page.edition)

    def has(self, record: EditionRecord) -> bool:
        return record.id in self._navs


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
    ).files


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
    pieces: Pieces,
) -> dict[str, str]:
    """One index page per year (those in `years`, or all), newest first on each."""
    ordered = sorted(listing.records, key=lambda r: (r.date, r.until), reverse=True)
    by_year = {year: list(group) for year, group in groupby(ordered, key=lambda r: r.date[:4])}
    newest = listing.years[0] if listing.years else ""
    links = tuple(YearLink(year, base_url + index_path(year, newest)) for year in listing.years)
    template = env.get_template("index.html.j2")
    month_template = env.get_template("_index_month.html.j2")
    pages = {}
    for year in listing.years if years is None else [y for y in listing.years if y in years]:
        months = _months(month_template, by_year[year], zone, base_url, shared, pieces)
        # Only index.html, rewritten by every publish, gives the total: other years' pages stay
        # as they are until their own year changes.
        total = listing.total if year == newest else None
        pages[index_path(year, newest)] = template.render(
            years=(YearGroup(year, months),),
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


def _months(
    template: jinja2.Template,
    in_year: Sequence[EditionRecord],
    zone: tzinfo,
    base_url: str,
    shared: set[tuple[str, str]],
    pieces: Pieces,
) -> tuple[MonthSection, ...]:
    """A year's months, newest first, each section kept under the key of what it lists: a
    publish renders its own month's again, not the year's."""
    months = [(month, tuple(group)) for month, group in groupby(in_year, key=lambda r: r.date[:7])]
    keys = [
        fragments.key(
            pieces.fingerprint,
            "month",
            month,
            base_url,
            repr(zone),  # by name: a tzdata update that moves a past offset needs a rebuild
            *(_entry_key(r, shared) for r in in_month),
        )
        for month, in_month in months
    ]
    listed = {
        each: partial(_month_group, month, in_month, zone, base_url, shared)
        for each, (month, in_month) in zip(keys, months, strict=True)
    }
    found = pieces.get(
        "month",
        {each: partial(_month_html, template, make, base_url) for each, make in listed.items()},
    )
    return tuple(
        MonthSection(
            _month_label(month),
            month,
            markupsafe.Markup(found[each]),  # our own template's output, escaped by it
            partial(_entries_of, listed[each]),
        )
        for each, (month, _) in zip(keys, months, strict=True)
    )


def _entry_key(record: EditionRecord, shared: set[tuple[str, str]]) -> str:
    """What an edition's index entry is made of: its record, which never changes once recorded
    (nothing updates a row of editions; a migration that did would change the code, and with
    it every key), and whether its day has another edition of its digest."""
    return f"{record.id} {record.html_path} {int((record.digest, record.date) in shared)}"


def _month_html(template: jinja2.Template, make: Callable[[], MonthGroup], base_url: str) -> str:
    return template.render(month=make(), base=base_url)


def _entries_of(make: Callable[[], MonthGroup]) -> tuple[IndexEntry, ...]:
    return make().entries


def _month_label(month: str) -> str:
    return f"{datetime.fromisoformat(month + '-01'):%B %Y}"


def _month_group(
    month: str,
    in_month: Sequence[EditionRecord],
    zone: tzinfo,
    base_url: str,
    shared: set[tuple[str, str]],
) -> MonthGroup:
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
    return MonthGroup(_month_label(month), month, entries)


def _feed(
    env: jinja2.Environment,
    records: Sequence[EditionRecord],
    pages: _Pages,
    zone: tzinfo,
    base_url: str,
    pieces: Pieces,
) -> str:
    body = env.get_template("_edition_body.html.j2")
    keys = {r.id: pages.key(pieces, "feed", r) for r in records if pages.has(r)}
    bodies = pieces.get(
        "feed", {keys[r.id]: partial(pages.feed_body, body, r) for r in records if r.id in keys}
    )
    entries = []
    for record in records:
        content = (
            bodies[keys[record.id]] if record.id in keys else f"<p>{record.stories} stories.</p>"
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
