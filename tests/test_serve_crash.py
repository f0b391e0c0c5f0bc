"""Crash safety of `digest serve`: SIGKILL at random (seeded) moments, and death at the chosen
moments of a delivery; after each, serve starts again and the archive is whole, nothing is lost,
no period is published twice and no recipient gets an edition twice (tests/serve_harness.py;
`benchmarks/soak_crash.py --serve` runs 50+ trials).

The deaths mid-delivery share one harness, calibrated once: each lands on the archive, the mail
and the doubts the earlier ones left, and each test ends with serve settled after a clean stop
(its checks say so), as the next one starts."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pace
import pytest
from serve_harness import UNCERTAIN, ServeSoak, deliveries, received_by, serve_soak

pytestmark = pytest.mark.timeout(300)  # on a quiet machine; stretched with the load (pace.py)

TRIALS = 4


def test_random_kills_of_serve_lose_nothing_and_mail_nobody_twice(tmp_path: Path) -> None:
    results = serve_soak(tmp_path, trials=TRIALS, seed=20261123, period=3)
    assert [r for r in results if r.problems] == []
    assert len(results) == TRIALS


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeSoak]:
    soak = ServeSoak(tmp_path_factory.mktemp("serve"), seed=7, period=3)
    try:
        soak.calibrate()
        yield soak
    finally:
        soak.close()


def _die_while_delivering(harness: ServeSoak, *points: str) -> tuple[str, str]:
    """Start serve to die at `points` (or by the server's hand); the delivery left in doubt."""
    harness.feed_more(harness.runs + 100)
    process, log = harness.start(*points)
    try:
        process.wait(timeout=pace.patience(30))
    finally:
        pace.end(process)
    assert process.returncode in (137, -signal.SIGKILL), log.read_text()
    doubt = [(d.stem, d.recipient) for d in deliveries(harness.archive) if d.status == "sending"]
    assert len(doubt) == 1, (doubt, log.read_text())
    return doubt[0]


@pytest.mark.parametrize("moment", ["sending", "server", "delivered"])
def test_death_mid_delivery_is_reported_and_never_resent(harness: ServeSoak, moment: str) -> None:
    """`sending`: marked sending, the message not yet handed over; `server`: the server has
    the message and kills serve before sending its OK; `delivered`: the OK received, `sent` not
    yet recorded. At most once: the delivery becomes `unknown`, the restart names it in its log
    and does not send it again; the other recipients get the edition once."""
    try:
        if moment == "server":
            process_box: list[subprocess.Popen[bytes]] = []

            def kill_serve() -> None:
                harness.mail.inbox.on_data = None
                os.kill(process_box[0].pid, signal.SIGKILL)
                time.sleep(0.5)  # serve is gone before the OK is sent

            real_start = harness.start

            def start(*points: str) -> tuple[subprocess.Popen[bytes], Path]:
                started = real_start(*points)
                process_box.append(started[0])
                return started

            harness.start = start  # type: ignore[method-assign]
            harness.mail.inbox.on_data = kill_serve
            stem, recipient = _die_while_delivering(harness)
            vars(harness).pop("start")  # the class's again
        else:
            stem, recipient = _die_while_delivering(harness, moment)
        arrived = received_by(harness.mail.inbox.received)[stem, recipient]
        assert arrived == (0 if moment == "sending" else 1)
        harness.uncertain.add((stem, recipient))

        restart = harness.settle()
        assert f"{stem} to {recipient}: serve stopped while sending, so it {UNCERTAIN}" in restart
        assert f"digest send {stem} --to {recipient}" in restart
        status = {(d.stem, d.recipient): d.status for d in deliveries(harness.archive)}
        assert status[stem, recipient] == "unknown"
        counts = received_by(harness.mail.inbox.received)
        assert counts[stem, recipient] == arrived  # not resent
        others = [key for key in status if key[0] == stem and key != (stem, recipient)]
        assert others and all(counts[key] == 1 and status[key] == "sent" for key in others)
        assert harness.check(restart) == []
        # A second restart still does not resend it, nor report it again.
        again = harness.settle()
        assert UNCERTAIN not in again
        assert received_by(harness.mail.inbox.received)[stem, recipient] == arrived
    finally:  # the harness as it was, for the next test, whatever happened here
        harness.mail.inbox.on_data = None
        vars(harness).pop("start", None)
