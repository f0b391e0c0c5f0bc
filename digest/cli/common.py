"""Options and helpers shared by the command modules."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from digest.config import DEFAULT_CONFIG, Config
from digest.errors import ArchiveError
from digest.publish import archive
from digest.store import Store
from digest.visible import one_line

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CONFIG,
    show_default=True,
    help="The config file; relative paths in it resolve against its folder.",
)


def open_store(config: Config) -> Store:
    """The archive's store; an ArchiveError when no edition or item was ever stored there."""
    path = config.archive / archive.DATABASE_NAME
    if not path.is_file():
        raise ArchiveError(f"no archive database at {path}: run `digest run` first")
    return Store.open(path)


# --- printing: one line of visible characters (digest.visible) --------------------------------


def say(*lines: str, err: bool = False) -> None:
    """Print each line as one line of visible characters: feed text, links, file names and
    error messages are untrusted, and a line break or an escape sequence in one must neither
    forge a line nor reach the terminal."""
    for line in lines:
        click.echo(one_line(line), err=err)


class VisibleFormatter(logging.Formatter):
    """Log records as `say` prints: the message one line of visible characters; a traceback
    keeps its lines, each made visible."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return "\n".join(one_line(line) for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join(one_line(line) for line in stack_info.splitlines())
