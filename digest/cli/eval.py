"""`digest eval`: measure the topic filter and the summariser on labelled sets."""

from __future__ import annotations

import click

from digest.evaluation.relevance import relevance_command
from digest.evaluation.summaries import summaries_command


@click.group("eval")
def eval_command() -> None:
    """Measure quality on labelled JSONL files (relevance, summaries)."""


eval_command.add_command(relevance_command)
eval_command.add_command(summaries_command)
