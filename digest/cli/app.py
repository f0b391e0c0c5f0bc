"""The command line: parses flags, loads the config, calls the pipeline, reports in one line."""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from digest import __version__
from digest.cli.archive import archive_command
from digest.cli.common import config_option
from digest.cli.eval import eval_command
from digest.cli.search import search_command
from digest.cli.serve import send, serve
from digest.cli.sources import sources
from digest.config import Config, load_config
from digest.durations import ALL_TIME, parse_duration
from digest.edition import Progress, RunResult, run_edition
from digest.errors import DigestError
from digest.publish import archive
from digest.sources import build_sources
from digest.sources.http import make_client
from digest.store import Store

EXIT_PARTIAL = 3  # the edition was made, but at least one source could not be read

log = logging.getLogger("digest")


class DurationType(click.ParamType):  # type: ignore[type-arg]
    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        text = str(value)
        if text == "all":
            return ALL_TIME
        try:
            return parse_duration(text)
        except ValueError as exc:
            self.fail(f"{exc} (or 'all')", param, ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@click.option("-v", "--verbose", is_flag=True, help="Log each step.")
def cli(verbose: bool) -> None:
    """digest: a weekly news digest on one topic, from feeds and saved articles.

    Exit status: 0 done; 1 failed; 2 bad config or usage (nothing written);
    3 done, but some sources could not be read.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


cli.add_command(archive_command)
cli.add_command(search_command)
cli.add_command(eval_command)
cli.add_command(serve)
cli.add_command(send)
cli.add_command(sources)


@cli.command()
@config_option
@click.option("--since", type=DurationType(), help="Take items from this window (7d, 48h, all).")
@click.option(
    "--offline", is_flag=True, help="Skip the network: use saved articles and stored items."
)
@click.option("--dry-run", is_flag=True, help="Make the edition but write and record nothing.")
@click.option("--digest", "digest_name", help="Which digest of the config (default: the first).")
def run(
    config_path: Path,
    since: timedelta | None,
    offline: bool,
    dry_run: bool,
    digest_name: str | None,
) -> None:
    """Make one edition now: poll, select, summarise, write HTML and text into the archive."""
    config = load_config(config_path)
    config.digest(digest_name)  # an unknown digest fails before anything is touched
    now = datetime.now(UTC)
    if dry_run:
        result = _run(
            config,
            Store.snapshot(config.archive / archive.DATABASE_NAME),
            now,
            digest_name=digest_name,
            since=since,
            offline=offline,
            write=False,
        )
    else:
        with archive.locked(config.archive):
            store = Store.open(config.archive / archive.DATABASE_NAME)
            try:
                result = _run(
                    config,
                    store,
                    now,
                    digest_name=digest_name,
                    since=since,
                    offline=offline,
                    write=True,
                )
            finally:
                store.close()
    _report(result, dry_run=dry_run)
    if result.partial:
        sys.exit(EXIT_PARTIAL)


def _run(
    config: Config,
    store: Store,
    now: datetime,
    *,
    digest_name: str | None,
    since: timedelta | None,
    offline: bool,
    write: bool,
) -> RunResult:
    sources = build_sources(config)
    with make_client(config.fetch) as client, _progress(len(sources)) as progress:
        return run_edition(
            config=config,
            sources=sources,
            store=store,
            client=client,
            now=now,
            digest_name=digest_name,
            since=since,
            offline=offline,
            write=write,
            progress=progress,
        )


@contextmanager
def _progress(total: int) -> Iterator[Progress]:
    """A progress bar on a terminal; plain log lines otherwise."""
    if not sys.stderr.isatty():
        yield lambda name: log.info("read source %s", name)
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:
        task = bar.add_task("Reading sources", total=total)
        yield lambda name: bar.update(task, advance=1, description=f"Read {name}")


def _report(result: RunResult, *, dry_run: bool) -> None:
    for report in result.poll.reports:
        if not report.ok:
            click.echo(f"source {report.name!r} not read: {report.error}", err=True)
        elif report.error:
            click.echo(f"source {report.name!r} read with a warning: {report.error}", err=True)
    for path in result.files:
        click.echo(f"wrote {path}")
    if dry_run:
        edition = result.edition
        click.echo(f"dry run: {len(edition.stories)} stories; nothing written")
        for story in edition.stories:
            click.echo(f"  - {story.lead.item.title} ({', '.join(story.outlets)})")
    tally = result.edition.tally
    if tally is not None:
        click.echo(tally.line())


def main() -> None:
    """Entry point: DigestErrors become one line on stderr and their exit status."""
    try:
        cli.main(standalone_mode=False, prog_name="digest")
    except DigestError as exc:
        click.echo(f"digest: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except sqlite3.Error as exc:  # a full disk or a read-only archive, met by the database
        click.echo(f"digest: error: the archive's database: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # the same, met elsewhere
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"digest: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("digest: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
