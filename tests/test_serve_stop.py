"""SIGTERM to a real `digest serve` mid-job. While its poll waits on 200 slow feeds on 50 loopback
hosts: the stop is bounded (no request is started after it, those out are cut), says so in the
log, records nothing half done, and the next start stores every item once. While a message is
being sent: that one is finished and recorded, no other begun, and the next start sends the
rest, each once."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pace
import pytest
from conftest import ROOT, LoopbackServer, Route
from feeds import talks_feed
from slow_feeds import SlowFeeds
from smtp import MailServer
from test_schedule import seed_jobs, wait_for

from digest.config import FetchSettings, load_config
from digest.sources.http import abort_requests, make_transport
from digest.store import Delivery, Store

FEEDS, HOSTS, FAST, DELAY = 200, 50, 10, 25.0


@pytest.fixture
def slow() -> Iterator[SlowFeeds]:
    feeds = SlowFeeds(FEEDS, HOSTS, DELAY, fast=FAST)
    try:
        yield feeds
    finally:
        feeds.close()


def _config(folder: Path, slow: SlowFeeds) -> Path:
    sources = "".join(
        f"  - {{name: Feed {n}, url: '{slow.url(n)}', full_text: false}}\n" for n in range(FEEDS)
    )
    path = folder / "feeds.yaml"
    path.write_text(
        "timezone: UTC\npoll_every: 1h\n"
        # A request may take 30 s: only the stop, not the timeout, can end it sooner.
        "fetch: {timeout: 30, retries: 0, allow_private_addresses: true}\n"
        "digests:\n  - {name: Daily, slug: daily, publish: '0 0 1 1 *'}\n"
        f"sources:\n{sources}",
        encoding="utf-8",
    )
    return path


def _serve(config: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this worktree, not an installed copy
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "digest", "serve", "--config", str(config), *extra],
            cwd=config.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stored(archive: Path) -> tuple[int, int]:
    """(items stored, sources whose state is saved)."""
    db = sqlite3.connect(f"{(archive / 'digest.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        items = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        states = db.execute("SELECT COUNT(*) FROM sources WHERE content_hash != ''").fetchone()[0]
        return int(items), int(states)
    finally:
        db.close()


def test_sigterm_while_200_slow_feeds_are_answering_stops_soon_and_loses_nothing(
    tmp_path: Path, slow: SlowFeeds
) -> None:
    config = _config(tmp_path, slow)
    log = tmp_path / "serve.log"
    with pace.reaped(_serve(config, log)) as process:
        deadline = time.monotonic() + pace.patience(60)
        while slow.answered < FAST:  # the fast feeds are in; the others out, or waiting
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=pace.patience(60))
        took = time.monotonic() - signalled
    output = log.read_text()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    # Bounded by the stop, not by the slow answers (the requests out are cut) nor by the queue
    # of waiting feeds (their requests never start). Before: every feed was still asked, and
    # each answer awaited, in rounds of 40 (fetch.connections) of DELAY each.
    asked = slow.received
    assert took < 10, f"{took:.1f} s to stop; {asked} of {FEEDS} asked\n{output}"
    assert asked < FEEDS, output
    assert re.search(r"poll: stopped before it finished", output), output
    assert re.search(r"stopped \d+\.\d s after the request to stop$", output.rstrip()), output
    states = _stored(tmp_path / "archive")[1]
    assert states == 0  # nothing recorded as read, so the next poll asks every feed again

    # The next start reads everything, each item once.
    slow.delay = 0.0
    with pace.reaped(_serve(config, log, "--once")) as again:
        assert again.wait(timeout=pace.patience(120)) == 0, log.read_text()
    assert _stored(tmp_path / "archive") == (2 * FEEDS, FEEDS), log.read_text()[-3000:]


RECIPIENTS = ("ann@example.org", "bo@example.org", "cy@example.org", "di@example.org")


def test_sigterm_while_a_message_is_being_sent_finishes_it_and_sends_the_rest_once_later(
    tmp_path: Path, server: LoopbackServer
) -> None:
    feed = talks_feed()
    url = server.add("/feed", Route(feed))
    due = datetime.now(UTC) - timedelta(minutes=2)
    sending = threading.Event()

    def slow_data() -> None:  # the server holds the first message's OK back for a while
        if not sending.is_set():
            sending.set()
            time.sleep(3)

    with MailServer() as mail:
        mail.inbox.on_data = slow_data
        path = tmp_path / "feeds.yaml"
        path.write_text(
            "timezone: UTC\ncatch_up: 1h\npoll_every: 1h\nfetch: {timeout: 10}\n"
            f"mail: {{host: 127.0.0.1, port: {mail.port}, security: none,"
            " sender: digest@example.org, timeout: 30, retry_every: 1s}\n"
            f"digests:\n  - {{name: Daily, slug: daily, publish: '{due.minute} {due.hour} * * *',"
            f" recipients: [{', '.join(RECIPIENTS)}]}}\n"
            f"sources:\n  - {{name: Wire, url: '{url}'}}\n"
        )
        config = load_config(path)
        seed_jobs(config, now=due - timedelta(minutes=1))  # serve was off at the time
        log = tmp_path / "serve.log"
        with pace.reaped(_serve(path, log)) as first:
            assert sending.wait(pace.patience(60)), log.read_text()
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=pace.patience(60))
        output = log.read_text()
        assert first.returncode == 0 and "Traceback" not in output, output
        # The message out was finished and recorded; no other was begun.
        assert len(mail.inbox.received) == 1, output
        states = sorted(d.status for d in _deliveries(config.archive))
        assert states == ["pending", "pending", "pending", "sent"], output
        assert re.search(r"stopped \d+\.\d s after the request to stop$", output.rstrip())

        mail.inbox.on_data = None
        with pace.reaped(_serve(path, log), grace=60):
            wait_for(lambda: len(mail.inbox.received) >= len(RECIPIENTS))
            time.sleep(pace.patience(1.5))  # time for any duplicate to show
        assert sorted(mail.inbox.recipients()) == sorted(RECIPIENTS), log.read_text()
        assert {d.status for d in _deliveries(config.archive)} == {"sent"}


def _deliveries(archive: Path) -> list[Delivery]:
    store = Store.open(archive / "digest.sqlite3")
    try:
        return store.deliveries()
    finally:
        store.close()


def test_aborting_a_transport_makes_a_request_blocked_on_a_silent_server_fail_at_once(
    server: LoopbackServer,
) -> None:
    url = server.add("/silent", Route(b"late", delay=20))  # answers after 20 s
    transport = make_transport(FetchSettings(allow_private_addresses=True))
    outcome: list[BaseException | int] = []

    def get() -> None:
        with httpx.Client(transport=transport, timeout=30) as client:
            try:
                outcome.append(client.get(url).status_code)
            except httpx.HTTPError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=get)
    thread.start()
    wait_for(lambda: server.hits.get("/silent"))
    cut = time.monotonic()
    abort_requests(transport)
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - cut < 5
    [failure] = outcome
    assert isinstance(failure, httpx.TransportError), failure


def test_a_request_begun_after_the_abort_fails_at_once_instead_of_waiting_on_the_server(
    server: LoopbackServer,
) -> None:
    # A stop cuts the connections open; a request that was waiting for a pool slot gets one as
    # they close, and its new connection must not then wait out a slow server (25 s in CI).
    url = server.add("/late", Route(b"late", delay=20))
    transport = make_transport(FetchSettings(allow_private_addresses=True))
    abort_requests(transport)
    began = time.monotonic()
    with httpx.Client(transport=transport, timeout=30) as client, pytest.raises(httpx.ConnectError):
        client.get(url)
    assert time.monotonic() - began < 5
    assert not server.hits.get("/late")  # nothing was sent
