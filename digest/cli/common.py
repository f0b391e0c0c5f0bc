"""Options and helpers shared by the command modules.

Start-up stays fast because no command module imports more than click at its top: what a command
uses (the config, the store, the pipeline) it imports when it runs, so `digest --help` and a usage
error cost an interpreter and click (tests/test_cli_startup.py checks which modules they load).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from digest.config import Config
    from digest.store import Store

DEFAULT_CONFIG = Path("feeds.yaml")
CONFIG_ENV = "DIGEST_CONFIG"
VERBOSE = "digest.verbose"  # ctx.meta keys: -v was given somewhere on the command line,
CONFIG = "digest.config"  # and the last --config given

F = TypeVar("F", bound=Callable[..., Any])


def _config_path(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """--config after the command, else before it, else $DIGEST_CONFIG, else feeds.yaml."""
    if value is not None:
        ctx.meta[CONFIG] = value  # shared by the nested contexts: the last one given wins
        return value
    given = ctx.meta.get(CONFIG)
    if given is not None:
        return Path(given)
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG


def _verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        import logging

        ctx.meta[VERBOSE] = True
        logging.getLogger().setLevel(logging.INFO)  # after the group set logging up


CONFIG_HELP = (
    f"The config file (default: ${CONFIG_ENV}, else {DEFAULT_CONFIG});"
    " relative paths in it resolve against its folder."
)

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    callback=_config_path,
    help=CONFIG_HELP,
)
verbose_option = click.option(
    "-v", "--verbose", is_flag=True, expose_value=False, callback=_verbose, help="Log each step."
)


def global_options(command: F) -> F:
    """--config and -v on a command, so they work after it as well as before it."""
    return config_option(verbose_option(command))


def database(config: Config) -> Path:
    """The archive's database file; an ArchiveError when nothing was ever stored there."""
    from digest.errors import ArchiveError
    from digest.publish import archive

    path = config.archive / archive.DATABASE_NAME
    if not path.is_file():
        raise ArchiveError(f"no archive database at {path}: run `digest run` first")
    return path


def open_store(config: Config) -> Store:
    """The archive's store; an ArchiveError when no edition or item was ever stored there."""
    from digest.store import Store

    return Store.open(database(config))


def say(*lines: str, err: bool = False) -> None:
    """Print each line as one line of visible characters: feed text, links, file names and
    error messages are untrusted, and a line break or an escape sequence in one must neither
    forge a line nor reach the terminal."""
    from digest.visible import one_line

    for line in lines:
        click.echo(one_line(line), err=err)
