"""`digest search`: every item ever stored, ranked by BM25, with the editions it appeared in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import global_options, open_store, say

if TYPE_CHECKING:
    from digest.store import SearchHit

NOTICE_PENDING = 5000  # items to index before searching that are worth a word: seconds of work


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A day as YYYY-MM-DD, refused in words a person reads ("expected a date like ...")."""

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"expected a date like 2026-11-23, got {value!r}", param, ctx)


@click.command("search")
@click.argument("query")
@click.option(
    "--since", type=DateType(), help="Only items dated on or after this day (YYYY-MM-DD)."
)
@click.option("--until", type=DateType(), help="Only items dated on or before this day.")
@click.option("--digest", "digest_name", help="Only items that appeared in this digest.")
@click.option("--source", help="Only items from this source (its name in the config).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@global_options
def search_command(
    query: str,
    since: date | None,
    until: date | None,
    digest_name: str | None,
    source: str | None,
    limit: int,
    config_path: Path,
) -> None:
    """Search every item ever stored: words, "a phrase", prefix*, AND/OR/NOT.

    Prints each match best first: title; outlet, date and the editions it appeared in; link.
    """
    from digest.config import load_config
    from digest.errors import UsageError
    from digest.models import plural
    from digest.store import SearchFilters
    from digest.store.query import search

    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since} is after --until {until}: no day is in both")
    config = load_config(config_path)
    store = open_store(config)
    try:
        if digest_name is not None:
            digests, editions = config.all_digests(), store.editions()
            valid = {*(d.name for d in digests), *(d.file_slug for d in digests)}
            valid |= {e.digest for e in editions} | {e.slug for e in editions}
            _check_known("digest", digest_name, [d.name for d in digests], valid)
        if source is not None:
            known = [s.name for s in config.sources]
            _check_known("source", source, known, {*known, *store.item_sources()})
        filters = SearchFilters(
            since=since, until=until, digest=digest_name, source=source, limit=limit
        )
        pending = store.pending_index()
        if pending >= NOTICE_PENDING:  # stored by runs since the last search (a cold run: all)
            say(f"indexing {plural(pending, 'new item')} for search first", err=True)
        hits = search(store, query, filters)
    finally:
        store.close()
    for number, hit in enumerate(hits, 1):
        say(*format_hit(number, hit, config.archive))
    say(plural(len(hits), "item matches", "items match"), err=True)


def _check_known(kind: str, name: str, configured: list[str], valid: Iterable[str]) -> None:
    """A name that matches nothing is refused, naming the valid ones, not answered with 0 hits."""
    from digest.errors import UsageError

    if name.casefold() not in {v.casefold() for v in valid}:
        raise UsageError(
            f"no {kind} named {name!r}; the config defines: {', '.join(configured) or 'none'}"
        )


def format_hit(number: int, hit: SearchHit, root: Path) -> tuple[str, str, str]:
    """The hit's three lines: title; outlet, date and editions; link."""
    item = hit.item
    when = item.published or item.seen_at
    if hit.editions:
        where = "; ".join(f"{e.digest} {e.date} ({root / e.html_path})" for e in hit.editions)
    else:
        where = "no edition"
    return (
        f"{number}. {item.title}",
        f"   {item.source} · {when:%Y-%m-%d} · in {where}",
        f"   {item.link}",
    )
