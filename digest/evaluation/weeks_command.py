"""`digest eval weeks`: the whole pipeline over labelled weeks of real feeds, scored."""

from __future__ import annotations

from pathlib import Path

import click

from digest.errors import DigestError


@click.command("weeks")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config whose topic, grouping and summary settings are measured (not its sources).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each week's text edition and its stories with their labels here.",
)
@click.option("--week", "weeks", multiple=True, help="Only this week folder (repeatable).")
def weeks_command(
    folder: Path, config: Path | None, out: Path | None, weeks: tuple[str, ...]
) -> None:
    """Run the whole pipeline over each labelled week folder under FOLDER and score it.

    Each week (FOLDER/2023-W16/feeds/*.xml and labels.jsonl) becomes an edition made with the
    clock at the Monday after it. Prints one line per week, then totals for halves A and B (a
    stable hash of the week's name: tune on one, report on the other) and for all weeks.
    """
    from digest.config import load_config
    from digest.evaluation.weeks import default_config, evaluate_weeks, format_scores

    try:
        settings = load_config(config) if config else default_config(folder)
        results = evaluate_weeks(folder, settings, out, weeks)
    except DigestError as exc:  # one line, as click prints its own errors
        raise click.ClickException(str(exc)) from exc
    click.echo(format_scores(results))
