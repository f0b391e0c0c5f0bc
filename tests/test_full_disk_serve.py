"""A full disk under `digest serve`: the archive (a 4 MB tmpfs, as in tests/test_full_disk.py) fills
while serve runs; the publication that falls due logs one line and makes no part of an edition:
with no room at all no edition and no mail, with a little room at most a whole one whose mail
waits for room; once space is freed, that period is published, once, and mailed once to each
recipient, without restarting serve. Skipped where mounting is not allowed.

The disk fills only once serve holds new items no publication has taken: a publication missed
while serve was down runs before its first poll, and used to take them (and be counted as made
while the disk was full) under load, when the restart crossed a period's boundary."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from serve_harness import DIGESTS, ServeSoak, check_mail, check_periods, deliveries, received_by
from test_full_disk import fill, mount_small_tmpfs

pytestmark = pytest.mark.timeout(240)

PERIOD = 10  # seconds: room to free the disk within the failed period or the next


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeSoak]:
    """One harness for the module, calibrated once: each test fills the disk of an archive the
    earlier ones left whole (their checks after serve's clean stop say so)."""
    folder = tmp_path_factory.mktemp("full")
    archive = folder / "archive"
    mount_small_tmpfs(archive)
    harness = ServeSoak(folder, seed=11, period=PERIOD, poll_every="3s")
    try:
        harness.calibrate()  # editions made and mailed while there is room
        yield harness
    finally:
        harness.close()
        subprocess.run(["umount", "-l", str(archive)], check=False)


Editions = dict[tuple[str, str], int]


def editions(harness: ServeSoak) -> Editions:
    db = sqlite3.connect(f"{(harness.archive / 'digest.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT digest, scheduled, COUNT(*) FROM editions GROUP BY 1, 2")
        return {(digest, scheduled): count for digest, scheduled, count in rows}
    finally:
        db.close()


def new_items_stored_unpublished(harness: ServeSoak, log: Path) -> tuple[Editions, int]:
    """Wait until serve has stored new items that no publication has taken yet; then the
    editions and the count of messages, as they are before the disk fills.

    The next publication then has stories to write, more than `leave` holds. A publication
    missed while serve was down runs at its start before the first poll (the job store comes
    first) and takes what is new itself: the items are added once serve is running, and again
    if a publication took them before a poll stored them."""
    polled = re.compile(r" poll: \d+ sources read, \d+ failed, [1-9]\d* new")
    publishing = re.compile(r" publish \w+: started for ")
    for trial in range(1, 6):
        wait_for(lambda: re.search(r" poll: \d+ sources read", log.read_text()), 30, log)
        mark = len(log.read_text())
        harness.feed_more(100 * harness.runs + trial)  # new items, whichever test this is
        wait_for(partial(_either, log, mark, polled, publishing), 3 * PERIOD, log)
        since = log.read_text()[mark:]
        stored = polled.search(since)
        if stored and not publishing.search(since, 0, stored.start()):
            return editions(harness), len(harness.mail.inbox.received)
    raise AssertionError(
        f"a publication took every new item first; serve's log:\n{log.read_text()}"
    )


def _either(log: Path, start: int, *patterns: re.Pattern[str]) -> bool:
    text = log.read_text()
    return any(p.search(text, start) for p in patterns)


def wait_for(condition: object, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; serve's log:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)


@pytest.mark.parametrize("leave", [0, 131_072])
def test_a_full_disk_at_publication_then_space_freed(small_archive: ServeSoak, leave: int) -> None:
    harness = small_archive
    process, log = harness.start()
    try:
        before, mailed = new_items_stored_unpublished(harness, log)
        filler = fill(harness.archive, leave)
        # serve's log time, in the config's zone (UTC here), then the level
        failures = r"^(\S+ \S+) UTC ERROR digest\.schedule: publish (\w+): failed: (.*)$"
        wait_for(
            lambda: (
                {m[1] for m in re.findall(failures, log.read_text(), re.M)}
                >= {name for name, _ in DIGESTS}
            ),
            3 * PERIOD,
            log,
        )
        output = log.read_text()
        assert "Traceback" not in output and "Exception in thread" not in output, output
        errors = [line for line in output.splitlines() if " ERROR " in line]
        assert all(
            re.search("No space left on device|database or disk is full", line) for line in errors
        ), errors
        # Nothing half made. With no room at all, nothing made and nothing mailed; with a little
        # room an edition may still fit, whole, and what it mails is recorded (the rest waits).
        if leave == 0:
            assert editions(harness) == before
            assert len(harness.mail.inbox.received) == mailed
        else:
            recorded = {d.stem for d in deliveries(harness.archive)}
            assert {stem for stem, _ in received_by(harness.mail.inbox.received)} <= recorded
        # While serve runs a publish may be in flight, its journal legitimately present: only
        # the files and periods are checked here; the journal is checked after the stop below.
        in_flight = "the journal of an unfinished edition is left after a clean stop"
        assert [p for p in check_periods(harness.archive) if p != in_flight] == []
        failed = {(name, _period(stamp)) for stamp, name, _ in re.findall(failures, output, re.M)}
        filler.unlink()
        # The periods that failed are published once room is back (by the next poll, or the
        # publishing job tried again), each mailed once; serve was not restarted.
        wait_for(lambda: all(key in editions(harness) for key in failed), 4 * PERIOD, log)
        wait_for(
            lambda: not [d for d in deliveries(harness.archive) if d.status == "pending"],
            4 * PERIOD,
            log,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    output = log.read_text()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert all(count == 1 for count in editions(harness).values())
    assert check_periods(harness.archive) == []
    assert check_mail(harness.archive, harness.mail.inbox.received, set()) == []
    received = received_by(harness.mail.inbox.received)
    stems = {d.stem for d in deliveries(harness.archive)}
    assert len(received) == 3 * len(stems)
    from crash_harness import check_archive

    assert check_archive(harness.archive, harness.offered, harness.saved) == []


def _period(stamp: str) -> str:
    """The scheduled time a publishing job that failed at `stamp` (its log time) was for."""
    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    start = int(moment.timestamp()) // PERIOD * PERIOD
    return datetime.fromtimestamp(start, UTC).isoformat(timespec="seconds")
