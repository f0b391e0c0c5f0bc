"""`digest archive list | rebuild | serve`: the browsable archive from the command line."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from digest.cli.common import config_option, database, open_store
from digest.config import load_config
from digest.edition import rebuild
from digest.publish import archive
from digest.publish.server import Allowed, ArchiveServer
from digest.publish.site import SitePaths, site_paths
from digest.store import Store


@click.group("archive")
def archive_command() -> None:
    """Browse and maintain the archive of editions."""


@archive_command.command("list")
@config_option
def list_editions(config_path: Path) -> None:
    """Every edition, newest first, as a table."""
    from rich.console import Console
    from rich.table import Table

    config = load_config(config_path)
    store = open_store(config)
    try:
        editions = store.editions()
    finally:
        store.close()
    noun = "edition" if len(editions) == 1 else "editions"
    table = Table(title=f"{len(editions)} {noun} in {config.archive}", title_justify="left")
    table.add_column("date", no_wrap=True)
    table.add_column("digest")
    table.add_column("covering", no_wrap=True)
    table.add_column("stories", justify="right")
    table.add_column("page", overflow="fold")
    zone = config.zone
    for edition in editions:
        since, until = edition.since.astimezone(zone), edition.until.astimezone(zone)
        table.add_row(
            edition.date,
            edition.digest,
            f"{since:%Y-%m-%d} – {until:%Y-%m-%d}",
            str(edition.stories),
            edition.html_path,
        )
    Console(soft_wrap=False).print(table)


@archive_command.command("rebuild")
@config_option
def rebuild_archive(config_path: Path) -> None:
    """Re-render every edition page, the index, the feed and the search page from the store.

    Run it after changing a template. Files whose content would not change are not touched.
    """
    config = load_config(config_path)
    with archive.locked(config.archive):
        store = open_store(config)
        try:
            written = rebuild(config=config, store=store)
        finally:
            store.close()
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} files changed")


@archive_command.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@config_option
def serve_archive(port: int, config_path: Path) -> None:
    """Browse the archive at http://127.0.0.1:PORT/ (only this machine can reach it).

    `--port 0` picks a free port. Stop with Ctrl-C.
    """
    config = load_config(config_path)
    if not config.archive.is_dir():
        raise click.ClickException(f"no archive folder at {config.archive}")
    path = database(config)
    Store.reader(path).close()  # the server only reads (an older store is migrated first)
    allowed = Allowed(functools.partial(_site_paths, path), functools.partial(_stamp, path))
    try:
        server = ArchiveServer(
            config.archive, allowed, port=port, log=functools.partial(click.echo, err=True)
        )
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    with server:
        click.echo(f"serving {config.archive} at http://127.0.0.1:{server.port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


def _site_paths(database: Path) -> SitePaths:
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
