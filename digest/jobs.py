"""What `digest serve`'s jobs do: poll the sources, publish a digest's edition for its period,
deliver the mail, each calling the same functions as `digest run`. digest/schedule.py runs them
on APScheduler's timers (or one after another for `serve --once`) and holds the job store.

The jobs read the `Runtime` serve sets (`running`). Their log lines keep the logger name
`digest.schedule`: serve's log has always said so, and users' log filters and the README name it.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from digest.config import Config, DigestSettings
from digest.delivery.dispatch import deliver_due
from digest.delivery.mail import Connect
from digest.edition import poll_sources, run_edition
from digest.errors import ArchiveLocked, DigestError
from digest.models import plural
from digest.publish import archive
from digest.sources import build_sources
from digest.sources.http import make_client
from digest.store import Store

log = logging.getLogger("digest.schedule")

Clock = Callable[[], datetime]


class Stopped(Exception):
    """Raised at a safe point inside a job when serve has been asked to stop."""


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the jobs work with. Persistent jobs can only name module-level functions and hold
    picklable arguments, so serve sets this once and the jobs read it."""

    config: Config
    connect: Connect | None
    clock: Clock
    stopping: threading.Event
    lock_wait: float = 600.0  # seconds a job waits for a `digest run` to finish
    # Periods whose publishing failed before it could be marked begun (a full disk): the next
    # poll makes them, as it makes the marked ones.
    owed: set[tuple[str, datetime]] = field(default_factory=set)


_runtime: Runtime | None = None


def _current() -> Runtime:
    if _runtime is None:
        raise DigestError("a scheduled job ran outside `digest serve`")
    return _runtime


@contextmanager
def running(rt: Runtime) -> Iterator[Runtime]:
    """The jobs read `rt` inside the block (serve's lifetime, or one `serve --once`)."""
    global _runtime
    _runtime = rt
    try:
        yield rt
    finally:
        _runtime = None


# --- the jobs -------------------------------------------------------------------------------


def poll_job() -> str:
    """Poll every source; make any edition a crash or failure left unfinished; deliver."""
    rt = _current()
    log.info("poll: started")
    with _archive_lock(rt), _store(rt) as store, make_client(rt.config.fetch) as client:
        now = rt.clock()
        result = poll_sources(
            sources=build_sources(rt.config),
            store=store,
            client=client,
            now=now,
            progress=partial(_checkpoint, rt),
            checkpoint=partial(_checkpoint, rt, ""),
        )
        names = {d.name for d in rt.config.all_digests()}
        redo = [
            (name, scheduled)
            for name, scheduled in sorted({*store.unfinished_publications(), *rt.owed})
            if name in names and now - scheduled <= rt.config.catch_up
        ]
        rt.owed.clear()
    failed = sum(not r.ok for r in result.reports)
    lines = [
        f"{plural(len(result.reports) - failed, 'source')} read, {failed} failed,"
        f" {result.items_new} new"
    ]
    lines += [_publish(rt, name, scheduled) for name, scheduled in redo]
    lines.append(_deliver(rt))
    lines.append(_index(rt))
    return "; ".join(line for line in lines if line)


def publish_job(digest_name: str) -> str:
    """Make the digest's edition for the period that has just begun, then mail it."""
    rt = _current()
    now = rt.clock()
    digest = rt.config.digest(digest_name)
    scheduled = period_of(publish_trigger(rt.config, digest), now, rt.config.catch_up) or now
    when = scheduled.astimezone(rt.config.zone)
    log.info("publish %s: started for %s", digest.name, f"{when:%Y-%m-%d %H:%M %Z}")
    lines = (_publish(rt, digest.name, scheduled), _deliver(rt), _index(rt))
    return "; ".join(line for line in lines if line)


def deliver_job() -> str:
    """Retry the deliveries whose backoff is over."""
    return _deliver(_current())


def _publish(rt: Runtime, digest_name: str, scheduled: datetime) -> str:
    digest = rt.config.digest(digest_name)
    with _store(rt) as store:
        done = store.scheduled_edition(digest.name, scheduled)
        if done is not None:
            return f"the edition for this period exists already ({done.stem})"
        # Marked before waiting for the lock: a stop while waiting must not lose the period.
        try:
            first_try = store.start_publication(digest.name, scheduled, rt.clock())
        except sqlite3.Error:
            rt.owed.add((digest.name, scheduled))  # cannot even mark it: a full disk
            raise
    with _archive_lock(rt), _store(rt) as store:
        if not first_try:
            _remove_unrecorded(rt.config, store, digest.file_slug)  # a run that was cut short
        with make_client(rt.config.fetch) as client:
            result = run_edition(
                config=rt.config,
                sources=build_sources(rt.config),
                store=store,
                client=client,
                now=rt.clock(),
                digest_name=digest.name,
                progress=partial(_checkpoint, rt),
                checkpoint=partial(_checkpoint, rt, ""),
                scheduled=scheduled,
                recipients=digest.recipients if rt.config.mail else (),
                empty=digest.empty,
            )
        edition = result.edition
        tally = edition.tally.line() if edition.tally else ""
        if not result.files:  # no stories, and the digest skips empty editions
            store.finish_publication(digest.name, scheduled)
            return f"no stories, nothing written or mailed (empty: skip) ({tally})"
    mailed = "" if edition.stories or digest.empty == "mail" else ", not mailed (empty: write)"
    stories = plural(len(edition.stories), "story", "stories")
    return f"wrote {result.files[0].stem}, {stories}{mailed} ({tally})"


def _deliver(rt: Runtime) -> str:
    if rt.connect is None:
        return ""
    with _store(rt) as store:
        report = deliver_due(
            config=rt.config,
            store=store,
            connect=rt.connect,
            now=rt.clock().astimezone(rt.config.zone),  # its log lines in the schedule's zone
            stopping=rt.stopping.is_set,
        )
    return report.line() if report != type(report)() else ""


def _index(rt: Runtime) -> str:
    """The items this poll stored put into the search index, while serve has time: storing
    leaves that to the first search (see digest/store/schema.py, migration 9)."""
    with _archive_lock(rt), _store(rt) as store:
        done = store.index_pending(stop=rt.stopping.is_set)
    return f"{plural(done, 'item')} indexed for search" if done else ""


def _checkpoint(rt: Runtime, _source: str) -> None:
    """Called between sources: the place where a stop request ends a job early."""
    if rt.stopping.is_set():
        raise Stopped("stopped before it finished; what it had not done is done at the next start")


@contextmanager
def _archive_lock(rt: Runtime) -> Iterator[None]:
    """The archive lock for one job; waits (up to `lock_wait`) while a `digest run` holds it."""
    deadline = time.monotonic() + rt.lock_wait
    stack = ExitStack()
    while True:
        try:
            stack.enter_context(archive.locked(rt.config.archive, holder="digest serve"))
            break
        except ArchiveLocked as exc:
            if time.monotonic() > deadline:
                raise
            log.info("waiting: %s", exc)
            if rt.stopping.wait(1.0):
                raise Stopped("stopped while waiting for the archive") from None
    with stack:
        yield


@contextmanager
def _store(rt: Runtime) -> Iterator[Store]:
    store = Store.open(rt.config.archive / archive.DATABASE_NAME)
    try:
        yield store
    finally:
        store.close()


def _remove_unrecorded(config: Config, store: Store, slug: str) -> None:
    """Remove edition files a killed run wrote but never recorded, so the redo takes their name."""
    recorded = {p for e in store.editions() for p in (e.html_path, e.text_path)}
    pattern = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}-{re.escape(slug)}(-\d+)?\.(html|txt)")
    for path in config.archive.glob("[0-9][0-9][0-9][0-9]/*"):
        name = archive.relative(config.archive, path)
        if pattern.fullmatch(path.name) and name not in recorded:
            log.warning("removing %s: written by a run that was cut short", name)
            path.unlink(missing_ok=True)


# --- periods ---------------------------------------------------------------------------------


def period_of(trigger: CronTrigger, now: datetime, horizon: timedelta) -> datetime | None:
    """The latest scheduled time at or before `now` (looking back `horizon`): the period's key."""
    latest = None
    fire = trigger.get_next_fire_time(None, now - horizon)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def publish_trigger(config: Config, digest: DigestSettings) -> CronTrigger:
    """A digest's `publish:` cron line in the config's zone (the job's trigger and its periods)."""
    return CronTrigger.from_crontab(digest.publish, timezone=config.zone)


def report_interrupted(rt: Runtime) -> None:
    """At start-up: name each delivery a stop or crash left in doubt, and how to resend it."""
    with _store(rt) as store:
        for delivery in store.interrupted_deliveries(rt.clock()):
            record = store.edition(delivery.edition_id)
            stem = record.stem if record else str(delivery.edition_id)
            log.warning(
                "%s to %s: serve stopped while sending, so it may or may not have arrived; "
                "not resent automatically (to resend: digest send %s --to %s)",
                stem,
                delivery.recipient,
                stem,
                delivery.recipient,
            )
