"""`digest serve`: APScheduler runs the jobs (digest/jobs.py) that poll the sources, publish each
digest on its cron schedule and deliver the mail; `serve --once` runs them one after another.

Publishing jobs live in a persistent job store (a table in the archive's SQLite file), so the
next run time survives restarts: a time missed while serve was down is still due when it starts
again, and coalescing makes it one edition. Each edition also records the period it answers, so
a period is never published twice even if the job fires again (belt and braces).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from digest import jobs
from digest.config import Config
from digest.delivery.mail import Connect
from digest.errors import ArchiveLocked, DigestError
from digest.jobs import Clock, Runtime, Stopped, deliver_job, period_of, poll_job, publish_job
from digest.publish import archive
from digest.visible import VisibleFormatter

__all__ = [
    "DELIVER_ID",
    "JOB_TABLE",
    "POLL_ID",
    "PUBLISH_JOB",
    # The jobs' names where they were before digest/jobs.py: job stores written then name
    # `digest.schedule:publish_job`, which must still load, and callers import these from here.
    "Clock",
    "Runtime",
    "Stopped",
    "ZonedFormatter",
    "deliver_job",
    "install_jobs",
    "make_scheduler",
    "period_of",
    "poll_job",
    "publish_job",
    "serve",
    "serve_once",
    "utc_now",
]

log = logging.getLogger(__name__)

POLL_ID, DELIVER_ID = "poll", "deliver"
JOB_TABLE = "scheduler_jobs"
# What a publishing job names in the job store: the same text as before the jobs moved, so a
# store written now also loads in a digest from before (a rollback).
PUBLISH_JOB = "digest.schedule:publish_job"


class ZonedFormatter(VisibleFormatter):
    """Log times in the config's zone, named, so they read like the schedule's times."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return f"{datetime.fromtimestamp(record.created, self.zone):%Y-%m-%d %H:%M:%S %Z}"


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- the scheduler --------------------------------------------------------------------------


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
        trigger = jobs.publish_trigger(config, digest)
        job = scheduler.get_job(job_id, jobstore="default")
        if job is not None and repr(job.trigger) == repr(trigger) and job.args == (digest.name,):
            if job.misfire_grace_time != grace:
                job.modify(misfire_grace_time=grace)
            continue
        scheduler.add_job(
            PUBLISH_JOB,
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
    rt = Runtime(config, connect, clock, stopping, lock_wait)
    with _serving(config, label), jobs.running(rt):
        jobs.report_interrupted(rt)
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
    rt = Runtime(config, connect, clock, threading.Event(), lock_wait)
    with _serving(config, label), jobs.running(rt):
        scheduler = make_scheduler(config)
        try:
            jobs.report_interrupted(rt)
            scheduler.start(paused=True)  # for its job store only: nothing runs on a timer
            install_jobs(scheduler, config, now=clock())
            ok = _run_job("poll", poll_job)
            for job in scheduler.get_jobs(jobstore="default"):
                ok = _publish_if_due(rt, job) and ok
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
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
