"""`digest sources`: the sources' health as a table, and OPML import and export."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from digest.cli.common import global_options
from digest.errors import ConfigError


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
    from digest.sources.opml import MAX_OPML_BYTES, read_opml, yaml_entries

    try:
        with opml_file.open("rb") as handle:  # never more than the cap (say, /dev/zero)
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{opml_file}: cannot read ({exc.strerror or exc})") from None
    outlines = read_opml(data, where=str(opml_file))
    if output is not None:
        if output.exists():
            raise ConfigError(f"{output}: already exists; choose a new file")
        text = "sources:\n" + yaml_entries(outlines, ())
        _write(output, text)
        click.echo(f"wrote {plural(len(outlines), 'feed')} to {output}")
        return
    config = load_config(config_path)
    original = config_path.read_text(encoding="utf-8")
    added = yaml_entries(outlines, config.sources)
    if not added:
        click.echo("no new feeds: every feed in the file is already configured")
        return
    text = _append_to_sources(original, added, where=str(config_path))
    _write(config_path, text)
    try:
        load_config(config_path)
    except ConfigError:
        _write(config_path, original)
        raise
    click.echo(f"added {plural(added.count('  - name:'), 'feed')} to {config_path}")


@sources.command("export")
@global_options
def export(config_path: Path) -> None:
    """Print the config's feeds as OPML 2.0."""
    from digest.config import load_config
    from digest.sources.opml import write_opml

    config = load_config(config_path)
    title = config.all_digests()[0].name
    click.echo(write_opml(config.sources, title=title), nl=False)


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
