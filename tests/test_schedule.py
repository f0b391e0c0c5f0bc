"""The scheduler with real APScheduler jobs: catch-up after a missed time, idempotent periods,
mail that waits for the server, the locks. No test sleeps more than a second at a time."""

from __future__ import annotations

import logging
import pickle
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pace
import pytest
from conftest import LoopbackServer, Route
from mail_editions import loopback_mail, make_config
from smtp import MailServer, free_port

from digest import jobs, schedule
from digest.config import Config
from digest.delivery.mail import connector
from digest.errors import ArchiveLocked
from digest.publish import archive
from digest.store import DeliveryStatus, Store

ARTICLE = (
    "Japan and North Korea resume abduction talks\n\n"
    "Japanese and North Korean officials met in Stockholm on Tuesday to resume talks on the "
    "abduction of Japanese citizens by North Korea, the Foreign Ministry in Tokyo said.\n"
)


def wait_for(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Until `condition` holds; `timeout` is the bound on a quiet machine (tests/pace.py)."""
    if not pace.wait_for(condition, timeout):
        raise AssertionError(f"timed out waiting ({pace.patience(timeout):.0f} s)")


def missed_config(tmp_path: Path, *, mail_port: int | None = None, **extra: Any) -> Config:
    """A daily digest whose time today was two minutes ago (UTC)."""
    saved = tmp_path / "saved"
    saved.mkdir(exist_ok=True)
    (saved / "talks.txt").write_text(ARTICLE)
    due = datetime.now(UTC) - timedelta(minutes=2)
    settings: dict[str, Any] = {
        "catch_up": "1h",
        "poll_every": "1h",
        "digests": [
            {
                "name": "Daily brief",
                "slug": "daily",
                "publish": f"{due.minute} {due.hour} * * *",
                "recipients": ["ann@example.org", "bo@example.org"] if mail_port else [],
            }
        ],
        **extra,
    }
    if mail_port:
        settings["mail"] = loopback_mail(mail_port)
    return make_config(tmp_path, **settings)


def seed_jobs(config: Config, now: datetime) -> None:
    """serve ran before `now` and installed its jobs; then the machine was off."""
    scheduler = schedule.make_scheduler(config)
    scheduler.start(paused=True)
    schedule.install_jobs(scheduler, config, now=now)
    scheduler.shutdown()


@contextmanager
def serving(config: Config, **kwargs: Any) -> Iterator[threading.Event]:
    stopping = threading.Event()
    connect = connector(config.mail) if config.mail else None
    errors: list[BaseException] = []

    def run() -> None:
        try:
            schedule.serve(config, connect=connect, stopping=stopping, **kwargs)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield stopping
    finally:
        stopping.set()
        thread.join(pace.patience(10))
    assert not thread.is_alive() and not errors, errors


def editions(config: Config) -> list[Path]:
    return sorted(config.archive.glob("*/*.html"))


def test_a_missed_edition_is_made_once_when_serve_starts_again(tmp_path: Path) -> None:
    config = missed_config(tmp_path)
    seed_jobs(config, now=datetime.now(UTC) - timedelta(minutes=3))
    with serving(config):
        wait_for(lambda: editions(config))
        time.sleep(1)  # the poll job runs too; it must not make another
    [page] = editions(config)
    assert page.name.endswith("-daily.html")
    # Started again: the period is done, and the next time is tomorrow.
    with serving(config):
        time.sleep(1)
    assert editions(config) == [page]
    store = Store.open(config.archive / archive.DATABASE_NAME)
    [record] = store.editions()
    assert record.scheduled is not None and datetime.now(UTC) - record.scheduled < timedelta(
        minutes=5
    )
    store.close()


def test_no_edition_on_the_first_start_when_the_time_was_before_it(tmp_path: Path) -> None:
    config = missed_config(tmp_path)
    with serving(config):
        time.sleep(1)
    assert editions(config) == []


def test_a_period_is_published_once_even_if_its_job_fires_twice(tmp_path: Path) -> None:
    config = missed_config(tmp_path)
    fixed = datetime.now(UTC)
    with jobs.running(jobs.Runtime(config, None, lambda: fixed, threading.Event())):
        first = jobs.publish_job("Daily brief")
        again = jobs.publish_job("Daily brief")
    assert first.startswith("wrote ") and "exists already" in again
    assert len(editions(config)) == 1


def test_mail_waits_for_the_server_and_goes_out_once(tmp_path: Path) -> None:
    port = free_port()
    config = missed_config(tmp_path, mail_port=port)
    seed_jobs(config, now=datetime.now(UTC) - timedelta(minutes=3))
    database = config.archive / archive.DATABASE_NAME
    with serving(config):
        wait_for(lambda: editions(config))
        store = Store.open(database)
        wait_for(lambda: all(d.attempts for d in store.deliveries()) and store.deliveries())
        assert {d.status for d in store.deliveries()} == {DeliveryStatus.PENDING}
        with MailServer(port=port) as server:
            wait_for(lambda: len(server.inbox.received) == 2)
            time.sleep(1.5)  # further delivery runs send nothing more
        assert sorted(server.inbox.recipients()) == ["ann@example.org", "bo@example.org"]
        assert {d.status for d in store.deliveries()} == {DeliveryStatus.SENT}
        store.close()
    [message] = server.inbox.messages()[:1]
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_one_serve_per_archive_but_digest_run_fits_between_jobs(tmp_path: Path) -> None:
    config = missed_config(tmp_path)
    with serving(config):
        time.sleep(0.5)
        with pytest.raises(ArchiveLocked, match="digest serve is already running"):
            schedule.serve(config, connect=None, stopping=threading.Event())
        wait_for(lambda: not _locked(config.archive))  # the poll at start is over
        with archive.locked(config.archive):  # what `digest run` takes
            pass


def test_a_job_waits_while_a_run_holds_the_archive(tmp_path: Path) -> None:
    config = missed_config(tmp_path)
    seed_jobs(config, now=datetime.now(UTC) - timedelta(minutes=3))
    with archive.locked(config.archive), serving(config):
        time.sleep(1.0)
        assert editions(config) == []  # waiting for the lock, not failing
    # It stopped while waiting; the next start makes the edition.
    with serving(config):
        wait_for(lambda: editions(config))


def test_period_of_is_the_latest_scheduled_time() -> None:
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger.from_crontab("0 7 * * mon", timezone="Asia/Tokyo")
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday
    monday = jobs.period_of(trigger, now, timedelta(days=8))
    assert monday == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)  # Monday 07:00 in Tokyo
    assert jobs.period_of(trigger, now, timedelta(days=1)) is None


def test_a_stored_publishing_job_names_the_function_where_it_has_always_been(
    tmp_path: Path,
) -> None:
    """The jobs live in digest/jobs.py, but a job store names `digest.schedule:publish_job`: a
    store written before the move still loads, and one written now loads in an older digest."""
    from apscheduler.util import ref_to_obj

    config = missed_config(tmp_path)
    seed_jobs(config, now=datetime.now(UTC))
    db = sqlite3.connect(config.archive / archive.DATABASE_NAME)
    try:
        [(state,)] = db.execute(f"SELECT job_state FROM {schedule.JOB_TABLE}").fetchall()
    finally:
        db.close()
    assert pickle.loads(state)["func"] == "digest.schedule:publish_job"
    assert ref_to_obj("digest.schedule:publish_job") is jobs.publish_job


def _locked(root: Path) -> bool:
    try:
        with archive.locked(root):
            return False
    except ArchiveLocked:
        return True


def test_a_source_that_redirects_to_about_blank_fails_alone_under_serve(
    tmp_path: Path, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    blank = server.add("/blank", Route(status=302, headers={"Location": "about:blank"}))
    saved = str(tmp_path / "saved")
    sources = [{"name": "Saved", "path": saved}, {"name": "Blank", "url": blank}]
    config = missed_config(tmp_path, sources=sources)
    seed_jobs(config, now=datetime.now(UTC) - timedelta(minutes=3))
    with caplog.at_level(logging.INFO, logger="digest"), serving(config):
        wait_for(lambda: editions(config))  # the missed edition is made all the same
    [page] = editions(config)
    assert "Stockholm" in page.read_text()
    assert "source Blank not read: redirected to an unusable URL" in caplog.text
