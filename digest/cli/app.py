"""The command group and `main`: global options, the commands, one line for every failure.

`--config` and `-v` work before the command (`digest -v run`) and after it (`digest run -v`);
`DIGEST_CONFIG` names the config when neither is given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from digest import __version__
from digest.cli.archive import archive_command
from digest.cli.common import VERBOSE, global_options, say
from digest.cli.eval import eval_command
from digest.cli.run import run
from digest.cli.search import search_command
from digest.cli.serve import send, serve
from digest.cli.sources import sources
from digest.errors import DigestError


class ClosedPipe(Exception):
    """The reader of stdout went away (`digest search ... | head`): a normal end."""


class DigestGroup(click.Group):
    """The top group; a closed pipe leaves it as ClosedPipe, which click does not turn into
    status 1 as it does an OSError."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ClosedPipe from None


@click.group(cls=DigestGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@global_options
@click.pass_context
def cli(ctx: click.Context, config_path: Path) -> None:
    """digest: a weekly news digest on one topic, from feeds and saved articles.

    --config and -v may come before or after the command.

    Exit status: 0 done; 1 failed; 2 bad config or usage (nothing written);
    3 done, but some sources could not be read.
    """
    import logging  # here, not at the top: `digest --help` never needs it

    from digest.visible import VisibleFormatter  # feed text reaches the log: one line each

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(VisibleFormatter("%(levelname)s %(name)s: %(message)s"))
    level = logging.INFO if ctx.meta.get(VERBOSE) else logging.WARNING
    logging.basicConfig(level=level, handlers=[handler])


for command in (run, archive_command, search_command, eval_command, serve, send, sources):
    cli.add_command(command)


def main() -> None:
    """Entry point: every failure the user can act on is one line on stderr and its status."""
    try:
        cli.main(standalone_mode=False, prog_name="digest")
    except (ClosedPipe, BrokenPipeError):
        _quiet_stdout()  # the reader (`| head`) has all it wanted: a normal end
        sys.exit(0)
    except DigestError as exc:
        say(f"digest: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # the same, met elsewhere
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"digest: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        say("digest: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        sqlite3 = sys.modules.get("sqlite3")  # loaded if the database was reached at all
        if sqlite3 is None or not isinstance(exc, sqlite3.Error):
            raise
        # a full disk or a read-only archive, met by the database
        say(f"digest: error: the archive's database: {exc}", err=True)
        sys.exit(1)
    try:
        sys.stdout.flush()  # a closed pipe met at the last write, not before
    except BrokenPipeError:
        _quiet_stdout()


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's own flush at exit has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
