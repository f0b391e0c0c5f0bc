"""`digest serve`: APScheduler jobs that poll the sources, publish each digest on its cron
schedule and deliver the mail, calling the same functions as `digest run`.

Publishing jobs live in a persistent job store (a table in the archive's SQLite file), so the
next run time survives restarts: a time missed while serve was down is still due when it starts
again, and coalescing makes it one edition. Each edition also records the period it answers, so
a period is never published twice even if the job fires again (belt and braces).
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
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

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
from digest.visible import VisibleFormatter

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
POLL_ID, DELIVER_ID = "poll", "deliver"
JOB_TABLE = "scheduler_jobs"


class ZonedFormatter(VisibleFormatter):
    """Log times in the config's zone, named, so they read like the schedule's times."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return f"{datetime.fromtimestamp(record.created, self.zone):%Y-%m-%d %H:%M:%S %Z}"


def utc_now() -> datetime:
    return datetime.now(UTC)


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
    scheduled = period_of(_trigger(rt.config, digest), now, rt.config.catch_up) or now
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


# --- the scheduler --------------------------------------------------------------------------


def period_of(trigger: CronTrigger, now: datetime, horizon: timedelta) -> datetime | None:
    """The latest scheduled time at or before `now` (looking back `horizon`): the period's key."""
    latest = None
    fire = trigger.get_next_fire_time(None, now - horizon)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def _trigger(config: Config, digest: DigestSettings) -> CronTrigger:
    return CronTrigger.from_crontab(digest.publish, timezone=config.zone)


class _JobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """The persistent job store. A next run time that cannot be saved (a full disk) would end
    APScheduler's thread, and serve with it, silently; here it is noted instead, the job stays
    due as stored, and the scheduler pauses before trying again (see `_Scheduler`)."""

    unsaved: str = ""

    def update_job(self, job: Job) -> None:
        try:
            super().update_job(job)
        except SQLAlchemyError as exc:
            self.unsaved = _error(exc)


class _Scheduler(BackgroundScheduler):  # type: ignore[misc]
    """APScheduler 3 runs one more pass over due jobs after shutdown; with its executor closed
    the pass fails to start them yet still moves their next run time on, so an edition missed
    while serve was down would be lost by a stop before it was made. Skip that pass. And a pass
    that cannot save a job's next run time is logged and tried again after a pause."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        retry = float(self.jobstore_retry_interval)
        try:
            wait: float | None = super()._process_jobs()
        except Exception as exc:
            log.error("the scheduler failed: %s; trying again in %.0f s", _error(exc), retry)
            return retry
        for store in self._jobstores.values():
            if isinstance(store, _JobStore) and store.unsaved:
                log.error(
                    "the scheduler cannot save its next run times: %s; trying again in %.0f s",
                    store.unsaved,
                    retry,
                )
                store.unsaved = ""
                return retry
        return wait


def make_scheduler(config: Config) -> BackgroundScheduler:
    """One worker, so jobs run one at a time; publishing jobs persisted in the archive."""
    config.archive.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{config.archive / archive.DATABASE_NAME}"
    return _Scheduler(
        jobstores={
            "default": _JobStore(url=url, tablename=JOB_TABLE),
            "memory": MemoryJobStore(),
        },
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={
            "coalesce": True,  # several missed times make one run
            "max_instances": 1,
            "misfire_grace_time": int(config.catch_up.total_seconds()),
        },
        timezone=config.zone,
    )


def install_jobs(scheduler: BackgroundScheduler, config: Config, *, now: datetime) -> None:
    """Add or update the jobs for the config. An unchanged publishing job is left as stored, so
    the next run time it had when serve last stopped (perhaps now past) still counts."""
    grace = int(config.catch_up.total_seconds())
    wanted = {f"publish:{d.file_slug}": d for d in config.all_digests()}
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id not in wanted:
            log.info("%s: removed (no longer in the config)", job.name)
            job.remove()
    for job_id, digest in wanted.items():
        trigger = _trigger(config, digest)
        job = scheduler.get_job(job_id, jobstore="default")
        if job is not None and repr(job.trigger) == repr(trigger) and job.args == (digest.name,):
            if job.misfire_grace_time != grace:
                job.modify(misfire_grace_time=grace)
            continue
        scheduler.add_job(
            publish_job,
            trigger,
            args=[digest.name],
            id=job_id,
            name=f"publish {digest.name}",
            jobstore="default",
            replace_existing=True,
            next_run_time=trigger.get_next_fire_time(None, now),
        )
    every = IntervalTrigger(seconds=config.poll_every.total_seconds(), timezone=config.zone)
    scheduler.add_job(
        poll_job, every, id=POLL_ID, name="poll", jobstore="memory", next_run_time=now
    )
    if config.mail is not None:
        retry = IntervalTrigger(seconds=config.mail.retry_every.total_seconds())
        scheduler.add_job(deliver_job, retry, id=DELIVER_ID, name="deliver", jobstore="memory")


@contextmanager
def _serving(config: Config, label: str) -> Iterator[None]:
    """`.serve.lock` for serve's lifetime: one serve per archive, refused before anything else."""
    with ExitStack() as held:
        try:
            held.enter_context(
                archive.locked(config.archive, name=".serve.lock", holder="digest serve")
            )
        except ArchiveLocked as exc:
            raise ArchiveLocked(f"digest serve is already running: {exc}") from None
        log.info("serving %s (archive %s)", label or "the config", config.archive)
        yield


def serve(
    config: Config,
    *,
    connect: Connect | None,
    stopping: threading.Event,
    clock: Clock = utc_now,
    lock_wait: float = 600.0,
    label: str = "",
) -> None:
    """Run the scheduler until `stopping` is set; then let the running job finish and return.

    Holds `.serve.lock` for its lifetime (one serve per archive) and the archive lock only while
    a job changes the archive, so `digest run` works between jobs.
    """
    global _runtime
    with _serving(config, label):
        _runtime = Runtime(config, connect, clock, stopping, lock_wait)
        _report_interrupted(_runtime)
        scheduler = make_scheduler(config)
        scheduler.add_listener(
            partial(_log_event, scheduler), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        scheduler.start(paused=True)
        try:
            install_jobs(scheduler, config, now=clock())
            for job in scheduler.get_jobs():
                log.info("%s: next run %s", job.name, _when(job.next_run_time, config.zone))
            scheduler.resume()
            # Woken each second: Python runs a signal's handler only in this (the main)
            # thread, and a SIGTERM that lands on another thread (40 are polling) would not
            # wake a wait without a timeout, so serve would go on until the next job ended.
            while not stopping.wait(1.0):
                pass
            asked = time.monotonic()
            log.info("stopping: letting the running job reach a safe point")
        finally:
            scheduler.shutdown(wait=True)
            _runtime = None
        log.info("stopped %.1f s after the request to stop", time.monotonic() - asked)


def serve_once(
    config: Config,
    *,
    connect: Connect | None,
    clock: Clock = utc_now,
    lock_wait: float = 600.0,
    label: str = "",
) -> bool:
    """`digest serve --once`: poll, publish each digest whose time has come, deliver, return.

    The jobs and the job store of `serve`, run one after another instead of on a timer, so cron
    can run it every few minutes and a time missed between two runs is made once (within
    catch_up). False when a job failed (it is logged).
    """
    global _runtime
    with _serving(config, label):
        _runtime = rt = Runtime(config, connect, clock, threading.Event(), lock_wait)
        scheduler = make_scheduler(config)
        try:
            _report_interrupted(rt)
            scheduler.start(paused=True)  # for its job store only: nothing runs on a timer
            install_jobs(scheduler, config, now=clock())
            ok = _run_job("poll", poll_job)
            for job in scheduler.get_jobs(jobstore="default"):
                ok = _publish_if_due(rt, job) and ok
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            _runtime = None
    return ok


def _publish_if_due(rt: Runtime, job: Job) -> bool:
    """Run a publishing job whose time has come (within catch_up), then move it to its next time.

    A job that failed keeps its time, so the next run tries it again.
    """
    now = rt.clock()
    due: datetime | None = job.next_run_time
    after = due
    ok = True
    if due is not None and due <= now:
        if now - due > rt.config.catch_up:
            log.warning("%s: missed its time by more than catch_up", job.name)
        else:
            ok = _run_job(job.name, partial(publish_job, *job.args))
        if ok:
            after = job.trigger.get_next_fire_time(None, now)
            job.modify(next_run_time=after)
    log.info("%s: next run %s", job.name, _when(after, rt.config.zone))
    return ok


def _run_job(name: str, job: Callable[[], str]) -> bool:
    try:
        result = job()
    except (DigestError, Stopped, sqlite3.Error, OSError) as exc:
        log.error("%s: failed: %s", name, _error(exc))
        return False
    log.info("%s: %s", name, result or "done")
    return True


def _report_interrupted(rt: Runtime) -> None:
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


def _log_event(scheduler: BackgroundScheduler, event: JobEvent) -> None:
    # shutdown() holds the job stores' lock while it waits for the running job, so looking the
    # job up then would deadlock; the state is set to stopped before that lock is taken.
    stopped = scheduler.state == STATE_STOPPED
    job = None if stopped else scheduler.get_job(event.job_id)
    name = job.name if job is not None else event.job_id
    after = f"next run {_when(job.next_run_time if job else None, scheduler.timezone)}"
    if event.code == EVENT_JOB_MISSED:
        log.warning("%s: missed its time by more than catch_up; %s", name, after)
    elif isinstance(getattr(event, "exception", None), Stopped):
        log.warning("%s: %s", name, event.exception)  # asked to stop: not a failure
    elif getattr(event, "exception", None) is not None:
        exc = event.exception
        if isinstance(exc, DigestError | Stopped | sqlite3.Error | OSError):
            log.error("%s: failed: %s; %s", name, _error(exc), after)
        else:
            log.error("%s: failed: %s; %s\n%s", name, exc, after, event.traceback)
    else:
        result = getattr(event, "retval", "")
        log.log(
            logging.INFO if result else logging.DEBUG, "%s: %s; %s", name, result or "done", after
        )


def _error(exc: BaseException) -> str:
    """One line for an error met by a job: a full disk, a read-only archive, a digest error."""
    if isinstance(exc, sqlite3.Error):
        return f"the archive's database: {exc}"
    original = getattr(exc, "orig", None)  # SQLAlchemy's wrapper of the job store's error
    if isinstance(original, sqlite3.Error):
        return f"the scheduler's job store: {original}"
    if isinstance(exc, OSError) and not isinstance(exc, DigestError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _when(moment: datetime | None, zone: tzinfo) -> str:
    """A job's time as logged: in the config's zone, like every other time serve logs."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}" if moment is not None else "none"
