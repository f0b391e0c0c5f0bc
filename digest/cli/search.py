"""`digest search`: every item ever stored, ranked by BM25, with the editions it appeared in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from digest.cli.common import config_option, open_store, say
from digest.config import load_config
from digest.store import SearchFilters, SearchHit
from digest.store.query import search

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("search")
@click.argument("query")
@click.option("--since", type=DATE, help="Only items dated on or after this day (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Only items dated on or before this day (YYYY-MM-DD).")
@click.option("--digest", "digest_name", help="Only items that appeared in this digest.")
@click.option("--source", help="Only items from this source (its name in the config).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@config_option
def search_command(
    query: str,
    since: datetime | None,
    until: datetime | None,
    digest_name: str | None,
    source: str | None,
    limit: int,
    config_path: Path,
) -> None:
    """Search every item ever stored: words, "a phrase", prefix*, AND/OR/NOT.

    Prints each match best first: title; outlet, date and the editions it appeared in; link.
    """
    config = load_config(config_path)
    filters = SearchFilters(
        since=since.date() if since else None,
        until=until.date() if until else None,
        digest=digest_name,
        source=source,
        limit=limit,
    )
    store = open_store(config)
    try:
        hits = search(store, query, filters)
    finally:
        store.close()
    for number, hit in enumerate(hits, 1):
        say(*format_hit(number, hit, config.archive))
    say(f"{len(hits)} {'item matches' if len(hits) == 1 else 'items match'}", err=True)


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
