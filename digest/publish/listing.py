"""Which files of the archive a change touches, and which editions building them takes.

A publish renders the new edition, its neighbours (their previous/next links), its year's index
page, its month's search piece, the feed, the search page and the manifest (`touched_by`), and
reads from the store only the editions those need (`needed`): however long the archive, that is
a year or two of records, never all of them. A rebuild takes everything (`whole`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest.publish.search_index import month_of
from digest.store import EditionRecord, Store

FEED_SIZE = 20  # editions in feed.xml


@dataclass(frozen=True, slots=True)
class Parts:
    """Which files of the archive to build; None is every one of that kind.

    `editions` are edition ids whose pages are rendered, `years` the years whose index pages
    are, `months` the months ("2026-11") whose search pieces are. The feed, the search page and
    the search manifest are built too unless `common` is false (a parallel rebuild's workers).
    """

    editions: frozenset[int] | None = None
    years: frozenset[str] | None = None
    months: frozenset[str] | None = None
    common: bool = True

    @property
    def everything(self) -> bool:
        return self.editions is None or self.years is None or self.months is None


EVERYTHING = Parts()


@dataclass(frozen=True, slots=True)
class Listing:
    """What the site builder knows of the archive: `records`, newest first (as
    `Store.editions` orders them), are every edition or those the parts being built need (see
    `needed`); `years` and `months` (with their story counts, for the search manifest) list
    every one with an edition, newest first; `total` counts every edition."""

    records: tuple[EditionRecord, ...]
    years: tuple[str, ...]
    months: tuple[tuple[str, int], ...]
    total: int


def whole(records: Sequence[EditionRecord]) -> Listing:
    """The listing of an archive whose every edition is at hand (newest first)."""
    months: dict[str, int] = {}
    for record in sorted(records, key=lambda r: r.date, reverse=True):
        months[month_of(record)] = months.get(month_of(record), 0) + record.stories
    years = dict.fromkeys(month[:4] for month in months)
    return Listing(tuple(records), tuple(years), tuple(months.items()), len(records))


def touched_by(store: Store, edition_id: int) -> Parts:
    """What adding (or removing) the edition `edition_id` changes: its page and its neighbours'
    (their previous/next links), its year's index page (every year's when the list of years
    changes with it) and its month's search piece. A second edition of a digest on one day
    changes how the pages beside the first name it too ("30 Dec 2025, 07:00"). index.html,
    the newest year's page, counts every edition: a late edition of an earlier year changes it
    too."""
    here = store.edition(edition_id)
    assert here is not None
    near = [
        r for day in store.editions_on(here.digest, here.date) for r in store.series_around(day.id)
    ]
    year = here.date[:4]
    alone = store.editions_in_year(year) == 1
    return Parts(
        editions=frozenset(r.id for r in near),
        years=None if alone else frozenset({year, store.newest_date()[:4]}),
        months=frozenset({month_of(here)}),
    )


def needed(store: Store, parts: Parts, feed_size: int = FEED_SIZE) -> Listing:
    """The listing `parts` can be built from, as the store is now: every edition of the years
    whose index pages or search pieces are built and of the years of each page's neighbours
    (same-day editions show their time, so a neighbour's day must be whole), and the newest
    `feed_size` for the feed. Everything when the parts are."""
    if parts.everything:
        return whole(store.editions())
    assert parts.editions is not None and parts.years is not None and parts.months is not None
    near = [r for page in parts.editions for r in store.series_around(page, 1)]
    years = {*parts.years, *(month[:4] for month in parts.months), *(r.date[:4] for r in near)}
    newest = store.newest_editions(feed_size) if parts.common else []
    edge = _feed_edge(store, newest)
    records = _newest_first([*store.editions_in_years(years), *newest, *edge])
    counts = store.edition_months()  # one pass over the date index gives the years too
    return Listing(
        records=records,
        years=tuple(dict.fromkeys(month[:4] for month, _, _ in counts)),
        months=tuple((month, stories) for month, _, stories in counts),
        total=sum(editions for _, editions, _ in counts),
    )


def _feed_edge(store: Store, newest: Sequence[EditionRecord]) -> list[EditionRecord]:
    """What the pages of the feed's oldest editions link to, as a whole listing has it: the
    edition before each digest's oldest in the feed, and every edition of both their days (a
    link to a day with two gives its time). The feed's pieces are then kept under the keys a
    whole rebuild gives them, not made again at every publish of a new year."""
    oldest = {r.digest: r for r in newest}  # newest first: the last of each digest stays
    edge = [r for first in oldest.values() for r in store.series_around(first.id, 1)[-2:]]
    return [r for e in edge for r in store.editions_on(e.digest, e.date)]


def _newest_first(records: Iterable[EditionRecord]) -> tuple[EditionRecord, ...]:
    unique = {r.id: r for r in records}
    return tuple(sorted(unique.values(), key=lambda r: (r.until, r.id), reverse=True))
