"""`digest archive list | rebuild | serve`: the browsable archive from the command line."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import database, global_options, open_store, say

if TYPE_CHECKING:
    from digest.publish.site import SitePaths


@click.group("archive")
@global_options
def archive_command(config_path: Path) -> None:
    """Browse and maintain the archive of editions."""


@archive_command.command("list")
@global_options
def list_editions(config_path: Path) -> None:
    """Every edition, newest first: date, digest, period covered, stories, page.

    One line per edition, never wrapped; on a terminal too narrow for that, two lines each.
    """
    import shutil

    from digest.config import load_config
    from digest.models import plural

    config = load_config(config_path)
    store = open_store(config)
    try:
        editions = store.editions()
    finally:
        store.close()
    zone = config.zone
    rows = [("date", "digest", "covering", "stories", "page")]
    for edition in editions:
        since, until = edition.since.astimezone(zone), edition.until.astimezone(zone)
        covering = f"{since:%Y-%m-%d} – {until:%Y-%m-%d}"
        rows.append(
            (edition.date, edition.digest, covering, str(edition.stories), edition.html_path)
        )
    click.echo(f"{plural(len(editions), 'edition')} in {config.archive}")
    if not editions:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_cells(row, widths)).rstrip() for row in rows]
    narrow = sys.stdout.isatty() and max(map(len, lines)) > shutil.get_terminal_size().columns
    if not narrow:
        click.echo("\n".join(lines))
        return
    for date, digest, covering, stories, page in rows[1:]:
        click.echo(f"{date}  {digest}, {plural(int(stories), 'story', 'stories')}, {covering}")
        click.echo(f"{'':10}  {page}")


def _cells(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """Columns padded to their width; the count of stories aligned right."""
    return [
        cell.rjust(width) if index == 3 else cell.ljust(width)
        for index, (cell, width) in enumerate(zip(row, widths, strict=True))
    ]


@archive_command.command("rebuild")
@global_options
def rebuild_archive(config_path: Path) -> None:
    """Re-render every edition page, the index, the feed and the search page from the store.

    Run it after changing a template. Files whose content would not change are not touched.
    """
    from digest.config import load_config
    from digest.edition import rebuild
    from digest.models import plural
    from digest.publish import archive

    config = load_config(config_path)
    with archive.locked(config.archive):
        store = open_store(config)
        try:
            written = rebuild(config=config, store=store)
        finally:
            store.close()
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{plural(len(written), 'file')} changed")


@archive_command.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@global_options
def serve_archive(port: int, config_path: Path) -> None:
    """Browse the archive at http://127.0.0.1:PORT/ (only this machine can reach it).

    `--port 0` picks a free port. Stop with Ctrl-C.
    """
    from digest.config import load_config
    from digest.publish.server import Allowed, ArchiveServer
    from digest.store import Store

    config = load_config(config_path)
    if not config.archive.is_dir():
        raise click.ClickException(f"no archive folder at {config.archive}")
    path = database(config)
    Store.reader(path).close()  # the server only reads (an older store is migrated first)
    allowed = Allowed(functools.partial(_site_paths, path), functools.partial(_stamp, path))
    try:
        # request lines come from the network: each logged as one visible line
        log = functools.partial(say, err=True)
        server = ArchiveServer(config.archive, allowed, port=port, log=log)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    with server:
        click.echo(f"serving {config.archive} at http://127.0.0.1:{server.port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


def _site_paths(database: Path) -> SitePaths:
    from digest.publish.site import site_paths
    from digest.store import Store

    store = Store.reader(database)
    try:
        return site_paths(store.editions(), store.edition_contents())
    finally:
        store.close()


def _stamp(database: Path) -> tuple[tuple[int, int], ...]:
    """Changes whenever the store does (a commit touches the database or its WAL)."""
    stamps = []
    for path in (database, database.with_name(database.name + "-wal")):
        try:
            found = path.stat()
        except OSError:
            stamps.append((0, 0))
        else:
            stamps.append((found.st_mtime_ns, found.st_size))
    return tuple(stamps)
