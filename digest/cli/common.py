"""Options and helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path

import click

from digest.config import DEFAULT_CONFIG, Config
from digest.errors import ArchiveError
from digest.publish import archive
from digest.store import Store

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CONFIG,
    show_default=True,
    help="The config file; relative paths in it resolve against its folder.",
)


def database(config: Config) -> Path:
    """The archive's database file; an ArchiveError when nothing was ever stored there."""
    path = config.archive / archive.DATABASE_NAME
    if not path.is_file():
        raise ArchiveError(f"no archive database at {path}: run `digest run` first")
    return path


def open_store(config: Config) -> Store:
    """The archive's store; an ArchiveError when no edition or item was ever stored there."""
    return Store.open(database(config))
