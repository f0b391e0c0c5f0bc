"""`digest eval`: measure the topic filter, the summariser and whole editions on labelled sets.

The measuring code and its libraries (the `eval` extra: rouge-score) are imported only when one
of these commands runs, so a plain install's `digest` starts without them, and `digest eval`
without them says in one line what to install.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click

from digest.cli.common import CONFIG, CONFIG_ENV, global_options
from digest.errors import DigestError

# name: (module, command, one-line help for `digest eval --help`, which must not import them)
SUBCOMMANDS = {
    "crosslang": (
        "digest.evaluation.crosslang",
        "crosslang_command",
        "Cross-language links on labelled pairs, alone and among their period's items.",
    ),
    "grouping": (
        "digest.evaluation.grouping",
        "grouping_command",
        "Story grouping alone on every labelled on-topic item of the weeks, and labelled pairs.",
    ),
    "relevance": (
        "digest.evaluation.relevance",
        "relevance_command",
        "Precision, recall and F1 of the topic filter on labelled items.",
    ),
    "summaries": (
        "digest.evaluation.summaries",
        "summaries_command",
        "ROUGE of the summariser against reference highlights, next to Lead-3.",
    ),
    "threads": (
        "digest.evaluation.threads",
        "threads_command",
        "The developing-story rule on the labelled weeks' threads, with and without its window.",
    ),
    "weeks": (
        "digest.evaluation.weeks_command",
        "weeks_command",
        "Whole editions of labelled weeks of real feeds: recall, grouping, clean sentences.",
    ),
}
EVAL_EXTRA = ("rouge_score", "absl")  # what the eval extra brings


class EvalGroup(click.Group):
    """Subcommands loaded when named; the listing comes from SUBCOMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in SUBCOMMANDS:
            return None
        module_name, attribute, _help = SUBCOMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in EVAL_EXTRA:
                raise
            raise DigestError(
                f"`digest eval` needs the eval extra ({exc.name} is not installed):"
                " pip install '.[eval]' in digest's source folder"
            ) from None
        command: click.Command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        # A --config before the subcommand (or $DIGEST_CONFIG) is its --config's default.
        given = ctx.meta.get(CONFIG) or os.environ.get(CONFIG_ENV)
        if given:
            ctx.default_map = {name: {"config": str(given)} for name in SUBCOMMANDS}
        return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group("eval", cls=EvalGroup)
@global_options
def eval_command(config_path: Path) -> None:
    """Measure quality on labelled data (relevance, summaries, whole weeks of feeds)."""
