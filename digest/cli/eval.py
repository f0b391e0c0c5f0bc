"""`digest eval`: measure the topic filter, the summariser and whole editions on labelled sets."""

from __future__ import annotations

from pathlib import Path

import click

from digest.errors import DigestError
from digest.evaluation.relevance import relevance_command
from digest.evaluation.summaries import summaries_command


@click.group("eval")
def eval_command() -> None:
    """Measure quality on labelled data (relevance, summaries, whole weeks of feeds)."""


eval_command.add_command(relevance_command)
eval_command.add_command(summaries_command)


@eval_command.command("threads")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def threads_command(folder: Path) -> None:
    """Measure the developing-story rule on the labelled weeks' threads under FOLDER.

    Pairs of on-topic items of different events: how many of one thread the rule links, and how
    many of different threads, with its time window and without it.
    """
    from digest.evaluation.threads import report

    click.echo(report(folder))


@eval_command.command("weeks")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--config",
    "config_path",
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
    folder: Path, config_path: Path | None, out: Path | None, weeks: tuple[str, ...]
) -> None:
    """Run the whole pipeline over each labelled week folder under FOLDER and score it.

    Each week (FOLDER/2023-W16/feeds/*.xml and labels.jsonl) becomes an edition made with the
    clock at the Monday after it. Prints one line per week, then totals for halves A and B (a
    stable hash of the week's name: tune on one, report on the other) and for all weeks.
    """
    # The whole pipeline is imported only when this command runs.
    from digest.config import load_config
    from digest.evaluation.weeks import default_config, evaluate_weeks, format_scores

    try:
        config = load_config(config_path) if config_path else default_config(folder)
        results = evaluate_weeks(folder, config, out, weeks)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_scores(results))
