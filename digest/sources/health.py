"""Source health: what the footer says about sources that failed this period, and the table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from digest.models import SourceReport, SourceState
from digest.visible import one_line

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text


def period_notices(
    states: Mapping[str, SourceState],
    reports: Sequence[SourceReport],
    *,
    since: datetime,
    now: datetime,
    stale_after: timedelta,
) -> tuple[SourceReport, ...]:
    """Footer lines for sources that failed earlier this period, or have failed for too long.

    A source failing now is already in `reports`; here it gains a STALE flag when its failures
    go back further than `stale_after`. A source that failed earlier in the period but was read
    now is named with its last error.
    """
    failing_now = {r.name for r in reports if not r.ok}
    notices = []
    for report in reports:
        state = states.get(report.name)
        if state is None:
            continue
        if report.name in failing_now and state.failing_since is not None:
            if now - state.failing_since > stale_after:
                notices.append(
                    SourceReport(
                        report.name,
                        False,
                        0,
                        f"STALE: failing since {state.failing_since:%Y-%m-%d %H:%M} UTC "
                        f"({_age(now - state.failing_since)}); last error: {state.last_error}",
                    )
                )
        elif state.last_error_at is not None and state.last_error_at > since:
            notices.append(
                SourceReport(
                    report.name,
                    True,
                    0,
                    f"failed earlier this period ({state.last_error_at:%Y-%m-%d %H:%M} UTC: "
                    f"{state.last_error})",
                )
            )
    return tuple(notices)


def footer_reports(
    reports: Sequence[SourceReport], notices: Sequence[SourceReport]
) -> tuple[SourceReport, ...]:
    """The footer's list: sources not read cleanly now, with this period's notices merged in."""
    listed = {r.name: r for r in reports if not r.ok or r.error}
    for notice in notices:
        listed[notice.name] = notice
    return tuple(listed.values())


def read_state(previous: SourceState | None, report: SourceReport, now: datetime) -> SourceState:
    """A source read here (a folder, a file: feed) after one read: the health fields the poller
    keeps for remote feeds (last success or error, failures, items per read)."""
    state = previous or SourceState(report.name, config_url="", url="")
    if report.ok:
        return replace(
            state,
            last_success=now,
            failures=0,
            failing_since=None,
            polls=state.polls + 1,
            items=state.items + report.items,
        )
    return replace(
        state,
        last_error=report.error,
        last_error_at=now,
        failures=state.failures + 1,
        failing_since=state.failing_since or now,
    )


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.0f} hours"


def health_table(states: Iterable[SourceState], *, names: Sequence[str], now: datetime) -> Table:
    """One row per configured source (in config order), then any the store knows besides."""
    by_name = {s.name: s for s in states}
    from rich.table import Table  # only `digest sources` shows it: not imported by a run

    table = Table(title="Sources", title_justify="left")
    for heading in ("source", "status", "last success", "last error", "fails", "items/poll"):
        table.add_column(heading, overflow="fold")
    table.add_column("median ms", justify="right")
    for name in [*names, *sorted(set(by_name) - set(names))]:
        state = by_name.get(name)
        if state is None:
            table.add_row(_cell(name), "never polled", "-", "-", "0", "-", "-")
            continue
        median = state.median_ms
        table.add_row(
            _cell(name),
            _status(state, now),
            f"{state.last_success:%Y-%m-%d %H:%M}" if state.last_success else "never",
            _cell(state.last_error or "-"),
            str(state.failures),
            f"{state.items_per_poll:.0f}",
            f"{median:.0f}" if median is not None else "-",
        )
    return table


def _cell(text: str) -> Text:
    """Untrusted text as a cell: one visible line, never read as rich's markup."""
    from rich.text import Text

    return Text(one_line(text))


def _status(state: SourceState, now: datetime) -> str:
    if state.retired:
        return "retired"
    if state.retry_after is not None and state.retry_after > now:
        return f"waiting until {state.retry_after:%Y-%m-%d %H:%M}"
    if state.failures:
        return "failing"
    return "ok"
