"""`digest sources`: the sources' health as a table, and OPML import and export."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import click

from digest.cli.common import global_options, say
from digest.errors import ConfigError

if TYPE_CHECKING:
    from digest.sources.opml import ImportPlan


@click.group(invoke_without_command=True)
@global_options
@click.pass_context
def sources(ctx: click.Context, config_path: Path) -> None:
    """Show each source's health (or import and export OPML).

    Columns: status, last success, last error, consecutive failures, items per poll and the
    median response time, from the archive's database.
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console

    from digest.config import load_config
    from digest.publish import archive
    from digest.sources.health import health_table
    from digest.store import Store

    config = load_config(config_path)
    database = config.archive / archive.DATABASE_NAME
    states = Store.snapshot(database).source_states()
    console = Console(width=None if sys.stdout.isatty() else 200)
    names = [s.name for s in config.sources]
    console.print(health_table(states.values(), names=names, now=datetime.now(UTC)))


@sources.command("import")
@click.argument("opml_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@global_options
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the imported feeds to this new config file instead of appending.",
)
def import_(opml_file: Path, config_path: Path, output: Path | None) -> None:
    """Add the feeds of an OPML file to the config (its comments kept) or to a new file."""
    from digest.config import load_config
    from digest.models import plural
    from digest.sources.opml import MAX_OPML_BYTES, plan_import, read_opml

    try:
        with opml_file.open("rb") as handle:  # never more than the cap (say, /dev/zero)
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{opml_file}: cannot read ({exc.strerror or exc})") from None
    found = read_opml(data, where=str(opml_file))
    for outline in found.feeds:  # they become feeds the config names, fetched wherever they point
        inside = _inside(outline.url)
        if inside:
            say(f"warning: {outline.name!r} points inside {inside} ({outline.url})", err=True)
    if output is not None:
        if output.exists():
            raise ConfigError(f"{output}: already exists; choose a new file")
        plan = plan_import(found, ())
        _write(output, "sources:\n" + plan.yaml)
        _report(plan, f"wrote {plural(len(plan.added), 'feed')} to {output}")
        return
    config = load_config(config_path)
    original = config_path.read_text(encoding="utf-8")
    plan = plan_import(found, config.sources)
    if not plan.added:
        _report(plan, "no new feeds: every feed in the file is already configured or skipped")
        return
    text = _append_to_sources(original, plan.yaml, where=str(config_path))
    _write(config_path, text)
    try:
        load_config(config_path)
    except ConfigError:
        _write(config_path, original)
        raise
    _report(plan, f"added {plural(len(plan.added), 'feed')} to {config_path}")


def _report(plan: ImportPlan, done: str) -> None:
    """What was done on stdout; each renamed and skipped outline on stderr, one per line."""
    say(done + (f"; skipped {len(plan.skipped)}" if plan.skipped else ""))
    for new, old in plan.renamed:
        say(f"named {new!r}: another source is already called {old!r}", err=True)
    for skipped in plan.skipped:
        say(skipped.line(), err=True)


@sources.command("export")
@global_options
def export(config_path: Path) -> None:
    """Print the config's feeds as OPML 2.0."""
    from digest.config import load_config
    from digest.sources.opml import write_opml

    config = load_config(config_path)
    title = config.all_digests()[0].name
    opml = write_opml(config.sources, title=title, now=datetime.now(UTC))
    click.echo(opml, nl=False)


def _inside(url: str) -> str:
    """ "this machine" or "your network" for a URL whose host is a local name or a
    non-public address (one the guard would refuse for a page), else ""."""
    try:
        host = (urlparse(url).hostname or "").lower()
    except ValueError:
        return ""
    if host == "localhost" or host.endswith(".localhost"):
        return "this machine"
    from digest.sources.guard import why_refused

    why = why_refused(host)
    if why in ("", "unparsable"):  # a public address, or a name
        return ""
    return "this machine" if why == "loopback" else "your network"


def _append_to_sources(text: str, entries: str, *, where: str) -> str:
    """`text` with `entries` appended, when `sources:` is the file's last top-level key."""
    top = [line for line in text.splitlines() if line[:1].isalpha()]
    if not top or not top[-1].startswith("sources:"):
        raise ConfigError(
            f"{where}: 'sources:' is not the last key, so the feeds cannot be appended;"
            " use --output NEW.yaml"
        )
    return text.rstrip("\n") + "\n" + entries


def _write(path: Path, text: str) -> None:
    import tempfile

    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    Path(name).replace(path)
