"""`digest archive list | rebuild | serve`: the browsable archive from the command line."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from digest.cli.common import config_option, open_store
from digest.config import load_config
from digest.edition import rebuild
from digest.publish import archive


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


class ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the archive's files, never its database, lock or other hidden files."""

    def send_head(self) -> Any:
        parts = self.path.split("?", 1)[0].split("#", 1)[0].split("/")
        if any(p.startswith(".") for p in parts) or parts[-1].startswith(archive.DATABASE_NAME):
            self.send_error(404, "File not found")
            return None
        if parts == ["", "favicon.ico"] and not Path(self.translate_path(self.path)).exists():
            self.send_response(204)  # browsers ask for it unprompted; say "none" without an error
            self.end_headers()
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        click.echo(f"{self.address_string()} {format % args}", err=True)


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
    handler = functools.partial(ArchiveHandler, directory=str(config.archive))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    with server:
        host, bound = server.server_address[:2]
        click.echo(f"serving {config.archive} at http://{host!s}:{bound}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
