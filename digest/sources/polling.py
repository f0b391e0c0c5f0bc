"""Reading every source of a run and storing what is new: the poll the orchestrator starts first.

Apart from the orchestrator so that `digest run` can send its first request before the rest of
the pipeline (grouping, summaries, templates) is imported: this module needs only the sources,
the store and the language detector.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx

from digest.errors import DigestError
from digest.language.detect import with_language
from digest.models import Item, SourceReport, SourceState
from digest.sources import Source
from digest.sources.feeds import FeedSource
from digest.sources.health import read_state
from digest.sources.limits import clip_item
from digest.sources.poller import Poller
from digest.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
OFFLINE = "not fetched (offline)"


@dataclass(frozen=True, slots=True)
class PollResult:
    reports: tuple[SourceReport, ...]
    items_seen: int
    items_new: int
    notices: tuple[SourceReport, ...] = ()  # sources that failed earlier this period, or long


def poll_sources(
    *,
    sources: Sequence[Source],
    store: Store,
    client: httpx.Client,
    now: datetime,
    offline: bool = False,
    progress: Progress | None = None,
    poller: Poller | None = None,
    before_writes: Callable[[], None] | None = None,
    started: Callable[[], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> PollResult:
    """Read every source and store what is new. A failing source is reported, never fatal.

    Remote feeds are polled together by `poller` (concurrent, conditional); folders and file:
    feeds are read here with `client`. `before_writes` is called once, before anything is
    written to the store: what it raises ends the poll with nothing stored (`digest run` checks
    the templates there, while the first requests are out). `started` is called once the first
    requests are out (at once when there are none to send). What `checkpoint` raises (serve's
    stop, looked for a few times a second) ends the poll at once, nothing of it recorded.
    """
    pending = [before_writes] if before_writes is not None else []

    def writing() -> None:
        while pending:
            pending.pop()()

    reports: dict[str, SourceReport] = {}
    items: list[Item] = []
    states: list[SourceState] = []
    seen = new = 0
    remote = [s for s in sources if isinstance(s, FeedSource) and s.remote]
    declared = {s.name: lang for s in sources if (lang := getattr(s, "lang", None))}

    def store_items(batch: list[Item]) -> None:  # called while the poll goes on
        nonlocal seen, new
        writing()
        seen += len(batch)
        # Untrusted: no 10 MB titles into the store. Each item keeps its language.
        clipped = [with_language(clip_item(item), declared.get(item.source)) for item in batch]
        new += store.add_items(clipped, now)

    if offline:
        for feed in remote:
            reports[feed.name] = SourceReport(feed.name, False, error=OFFLINE)
    elif remote:
        poller = poller or Poller(remote[0].fetch)
        polls = poller.poll(
            remote,
            store=store,
            now=now,
            progress=progress,
            sink=store_items,
            started=started,
            checkpoint=checkpoint,
        )
        started = None
        for polled in polls:
            reports[polled.report.name] = polled.report
            states.append(polled.state)
            if not polled.report.ok:  # serve logs at INFO; `run` prints its reports itself
                log.info("source %s not read: %s", polled.report.name, polled.report.error)
    if started is not None:
        started()
    for source in sources:
        if source.name in reports:
            continue
        try:
            batch = source.read(client=client, now=now)
        except DigestError as exc:
            log.info("source %s failed: %s", source.name, exc)
            reports[source.name] = SourceReport(source.name, ok=False, error=str(exc))
        except Exception as exc:  # a bug in one parser must not stop the other sources
            log.exception("source %s failed unexpectedly", source.name)
            error = f"{type(exc).__name__}: {exc}"
            reports[source.name] = SourceReport(source.name, ok=False, error=error)
        else:
            items.extend(batch.items)
            reports[source.name] = SourceReport(source.name, True, len(batch.items), batch.warning)
        if progress is not None:
            progress(source.name)
    store_items(items)
    known = store.source_states()
    polled_names = {state.name for state in states}
    states += [  # folders and file: feeds, so `digest sources` shows what they last read too
        read_state(known.get(report.name), report, now)
        for report in reports.values()
        if report.name not in polled_names and report.error != OFFLINE
    ]
    # Only now the feeds' validators and hashes: a crash before this point re-reads them.
    writing()
    store.save_source_states(states)
    return PollResult(tuple(reports[s.name] for s in sources), seen, new)
