"""The orchestrator: one edition from polling to archived files. The CLI and the scheduler call it.

Side effects come in as arguments (the store, the HTTP client, the clock), so tests hand it an
in-memory database, a client aimed at a loopback server and a fixed date.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from digest import archive
from digest.config import Config, DigestSettings
from digest.errors import DigestError
from digest.models import Edition, ScoredItem, SourceReport, Story, Tally
from digest.relevance import on_topic_text, score_item
from digest.render import edition_page, make_environment, render_edition
from digest.sections import assign_section, week_in_brief
from digest.sources import Source
from digest.store import EditionRecord, Store
from digest.stories import group_items
from digest.summarize import summarize_many

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PollResult:
    reports: tuple[SourceReport, ...]
    items_seen: int
    items_new: int


@dataclass(frozen=True, slots=True)
class RunResult:
    edition: Edition
    files: tuple[Path, ...]
    poll: PollResult

    @property
    def partial(self) -> bool:
        return any(not r.ok for r in self.poll.reports)


def poll_sources(
    *,
    sources: Sequence[Source],
    store: Store,
    client: httpx.Client,
    now: datetime,
    offline: bool = False,
    progress: Progress | None = None,
) -> PollResult:
    """Read every source and store what is new. A failing source is reported, never fatal."""
    reports: list[SourceReport] = []
    seen = new = 0
    for source in sources:
        if offline and source.remote:
            reports.append(SourceReport(source.name, ok=False, error="not fetched (offline)"))
            continue
        try:
            batch = source.read(client=client, now=now)
        except DigestError as exc:
            log.info("source %s failed: %s", source.name, exc)
            reports.append(SourceReport(source.name, ok=False, error=str(exc)))
        except Exception as exc:  # a bug in one parser must not stop the other sources
            log.exception("source %s failed unexpectedly", source.name)
            reports.append(
                SourceReport(source.name, ok=False, error=f"{type(exc).__name__}: {exc}")
            )
        else:
            seen += len(batch.items)
            new += store.add_items(batch.items, now)
            reports.append(SourceReport(source.name, True, len(batch.items), batch.warning))
        if progress is not None:
            progress(source.name)
    return PollResult(tuple(reports), seen, new)


def build_edition(
    *,
    config: Config,
    digest: DigestSettings,
    candidates: Sequence[ScoredItem],
    now: datetime,
    since: datetime,
    poll: PollResult,
) -> Edition:
    """Group, summarise, section and rank the on-topic items into an edition (no I/O)."""
    topic = config.topic_of(digest)
    stories: list[Story] = []
    for group in group_items(candidates, config.stories):
        texts = [on_topic_text(topic, s.item.text) or s.item.text for s in group]
        summary = summarize_many(texts, config.summary)
        lead = group[0]
        stories.append(
            Story(
                id=hashlib.sha256(lead.item.id.encode()).hexdigest()[:10],
                lead=lead,
                others=tuple(group[1:]),
                summary=summary,
                section=assign_section(lead.item.title, summary, config.sections),
            )
        )
    stories.sort(key=_rank)
    sections = tuple(dict.fromkeys([*(s.name for s in config.sections), "Other"]))
    tally = Tally(
        sources_ok=sum(r.ok for r in poll.reports),
        sources_failed=sum(not r.ok for r in poll.reports),
        items_seen=poll.items_seen,
        items_new=poll.items_new,
        items_on_topic=len(candidates),
    )
    return Edition(
        digest=digest.name,
        slug=digest.file_slug,
        date=now.astimezone(config.zone),
        since=since,
        until=now,
        stories=tuple(stories),
        brief=week_in_brief(stories),
        failed_sources=tuple(r for r in poll.reports if not r.ok or r.error),
        tally=tally,
        sections=sections,
    )


def _rank(story: Story) -> tuple[float, float, float]:
    """More outlets first, then more relevant, then more recent."""
    newest = max((s.item.published or s.item.seen_at).timestamp() for s in story.items)
    return (-len(story.outlets), -story.lead.relevance.score, -newest)


def run_edition(
    *,
    config: Config,
    sources: Sequence[Source],
    store: Store,
    client: httpx.Client,
    now: datetime,
    digest_name: str | None = None,
    since: timedelta | None = None,
    offline: bool = False,
    write: bool = True,
    progress: Progress | None = None,
    scheduled: datetime | None = None,
    recipients: Sequence[str] = (),
) -> RunResult:
    """Poll, select what is new for the digest, build the edition and archive it.

    With `write=False` nothing is written to the archive and nothing is recorded. The scheduler
    passes the period's `scheduled` time and the `recipients` to record pending deliveries for.
    """
    digest = config.digest(digest_name)
    poll = poll_sources(
        sources=sources, store=store, client=client, now=now, offline=offline, progress=progress
    )
    lookback = config.lookback_of(digest)
    previous = store.last_edition(digest.name)
    start = now - (since or lookback) if since or previous is None else previous.until
    topic = config.topic_of(digest)
    scored = [
        ScoredItem(item, score_item(topic, item.title, item.text))
        for item in store.candidates(digest.name, now=now, lookback=lookback, since=since)
    ]
    on_topic = [s for s in scored if s.relevance.on_topic]
    edition = build_edition(
        config=config, digest=digest, candidates=on_topic, now=now, since=start, poll=poll
    )
    if not write:
        return RunResult(edition, (), poll)
    files = publish(
        config=config, store=store, edition=edition, scheduled=scheduled, recipients=recipients
    )
    return RunResult(edition, files, poll)


def publish(
    *,
    config: Config,
    store: Store,
    edition: Edition,
    scheduled: datetime | None = None,
    recipients: Sequence[str] = (),
) -> tuple[Path, ...]:
    """Write the edition's files, record it with its items, then rebuild the index."""
    root = config.archive
    env = make_environment(_user_templates(config))
    html, text = render_edition(env, edition_page(edition))
    html_path, text_path = archive.edition_paths(root, edition.date, edition.slug)
    archive.write_atomic(text_path, text)
    archive.write_atomic(html_path, html)
    record = EditionRecord(
        id=0,
        digest=edition.digest,
        slug=edition.slug,
        date=edition.date.date().isoformat(),
        since=edition.since,
        until=edition.until,
        html_path=archive.relative(root, html_path),
        text_path=archive.relative(root, text_path),
        stories=len(edition.stories),
        headlines=tuple(s.lead.item.title for s in edition.stories[:5]),
        scheduled=scheduled,
    )
    items = [scored for story in edition.stories for scored in story.items]
    store.record_edition(record, items, recipients)
    index = archive.write_index(root, env, store.editions())
    return (html_path, text_path, index)


def _user_templates(config: Config) -> Path | None:
    return config.templates if config.templates.is_dir() else None
