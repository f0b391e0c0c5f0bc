"""`digest run`: one edition now, from polling to the archived files."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import global_options, say

if TYPE_CHECKING:
    from digest.config import Config
    from digest.edition import Progress, RunResult
    from digest.store import Store

EXIT_PARTIAL = 3  # the edition was made, but at least one source could not be read


class DurationType(click.ParamType):  # type: ignore[type-arg]
    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        from digest.durations import ALL_TIME, parse_duration

        if isinstance(value, timedelta):
            return value
        text = str(value)
        if text == "all":
            return ALL_TIME
        try:
            return parse_duration(text)
        except ValueError as exc:
            self.fail(f"{exc} (or 'all')", param, ctx)


@click.command()
@global_options
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
    from digest.config import load_config
    from digest.publish import archive
    from digest.store import Store

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
    # The poll comes first and needs only the sources and the store: the first request leaves
    # while the rest of the pipeline (grouping, summaries, templates) is imported on a thread.
    from digest.sources import build_sources
    from digest.sources.http import make_client
    from digest.sources.poller import Poller
    from digest.sources.polling import poll_sources

    sources = build_sources(config)
    with make_client(config.fetch) as client, _progress(len(sources)) as progress:
        ahead = _Ahead(config, check_templates=write)
        poll = poll_sources(
            sources=sources,
            store=store,
            client=client,
            now=now,
            offline=offline,
            progress=progress,
            poller=Poller(config.fetch),
            started=ahead.start,
            before_writes=ahead.wait,  # a broken template: nothing stored
        )
        ahead.wait()
        from digest.edition import run_edition

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
            polled=poll,
        )


class _Ahead:
    """The orchestrator imported and the site templates checked, on a thread, while the poll
    waits on the network; `wait` re-raises what failed there (a TemplateError). Started once
    the first requests are out: before, it would hold the interpreter they need."""

    def __init__(self, config: Config, *, check_templates: bool) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._prepare, args=(config, check_templates), name="digest-ahead", daemon=True
        )

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _prepare(self, config: Config, check_templates: bool) -> None:
        try:
            from digest.edition import check_site_templates

            if check_templates:
                check_site_templates(config)
        except BaseException as exc:  # handed to the main thread by `wait`
            self._error = exc

    def wait(self) -> None:
        self.start()
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error


@contextmanager
def _progress(total: int) -> Iterator[Progress]:
    """A progress bar on a terminal; plain log lines otherwise."""
    if not sys.stderr.isatty():
        import logging

        log = logging.getLogger("digest")
        yield lambda name: log.info("read source %s", name)
        return
    from rich.progress import Progress as Bar

    from digest.visible import one_line

    with Bar(transient=True) as bar:
        task = bar.add_task("Reading sources", total=total)
        yield lambda name: bar.update(task, advance=1, description=one_line(f"Read {name}"))


def _report(result: RunResult, *, dry_run: bool) -> None:
    from digest.models import plural

    for report in result.poll.reports:
        if not report.ok:
            say(f"source {report.name!r} not read: {report.error}", err=True)
        elif report.error:
            say(f"source {report.name!r} read with a warning: {report.error}", err=True)
    for path in result.files:
        say(f"wrote {path}")
    if dry_run:
        edition = result.edition
        say(f"dry run: {plural(len(edition.stories), 'story', 'stories')}; nothing written")
        for story in edition.stories:
            say(f"  - {story.lead.item.title} ({', '.join(story.outlets)})")
    tally = result.edition.tally
    if tally is not None:
        say(tally.line())
