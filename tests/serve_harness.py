"""Kill `digest serve` with SIGKILL at random (seeded) moments, start it again, check everything.

`digest serve` runs through tests/serve_launcher.py with a publication every `period` seconds
(two digests, three recipients each) against loopback feeds (tests/crash_harness.py) and a local
aiosmtpd server that records every message with its Message-ID and recipient. Each trial adds
items, starts serve, kills it after a random delay, starts it again, lets it poll and reach the
next period, stops it with SIGTERM, and checks:

- the archive (tests/crash_harness.py `check_archive`): every recorded edition whole and
  indexed, no temporary file, nothing stored before the kill lost, nothing offered unstored, no
  item in two editions of one digest; and no edition file that no record owns;
- no period published twice (one edition per digest and scheduled time);
- no recipient got the same edition twice (counted from the SMTP server's log); every delivery
  recorded `sent` arrived exactly once, none recorded `pending` arrived; no message for an
  edition that is not recorded;
- a delivery left `sending` by the kill is `unknown` after the restart, named in its log, and
  not resent.

Used by tests/test_serve_crash.py (a few trials) and `benchmarks/soak_crash.py --serve` (50+).
"""

from __future__ import annotations

import email
import email.policy
import math
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pace
from crash_harness import (
    FEEDS,
    ROOT,
    FeedServer,
    check_archive,
    run_trials,
    save_clipping,
    stored_ids,
)
from smtp import MailServer

RECIPIENTS = ("ann@example.org", "bo@example.org", "cy@example.org")
DIGESTS = (("Daily", "daily"), ("Brief", "brief"))
UNCERTAIN = "may or may not have arrived"
STARTUP = 1.5  # seconds from launch to the first job on a quiet machine (calibrate measures it)


@dataclass
class ServeTrial:
    number: int
    delay: float
    moment: str  # where the kill landed (see `kill_moment`), or "exited"
    unknown: int  # deliveries the kill left in doubt
    problems: list[str] = field(default_factory=list)

    @property
    def mid_job(self) -> bool:
        return self.moment in ("poll", "publish", "mail")


@dataclass
class ServeSoak:
    folder: Path
    seed: int
    period: int = 4
    poll_every: str = "1h"
    rng: random.Random = field(init=False)
    offered: set[str] = field(default_factory=set)
    saved: set[str] = field(default_factory=set)
    uncertain: set[tuple[str, str]] = field(default_factory=set)  # (stem, recipient) in doubt
    runs: int = 0
    startup: float = STARTUP  # seconds from launch to the jobs installed, as last measured

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.feeds = FeedServer()
        self.mail = MailServer()
        self.mail.__enter__()
        self.archive = self.folder / "archive"
        self.clippings = self.folder / "clippings"
        self.clippings.mkdir(parents=True, exist_ok=True)
        self.logs = self.folder / "logs"
        self.logs.mkdir(exist_ok=True)
        sources = "".join(
            f"  - {{name: Feed {n}, url: '{self.feeds.url(n)}', full_text: false}}\n"
            for n in range(FEEDS)
        )
        # empty: mail: every period is published and mailed, stories or not, so each one
        # counts for the invariants (an empty period is skipped by default).
        digests = "".join(
            f"  - {{name: {name}, slug: {slug}, publish: '* * * * *', lookback: 1d,"
            f" empty: mail, recipients: [{', '.join(RECIPIENTS)}]}}\n"
            for name, slug in DIGESTS
        )
        self.config = self.folder / "feeds.yaml"
        self.config.write_text(
            f"timezone: UTC\ncatch_up: 2m\npoll_every: {self.poll_every}\n"
            "fetch: {timeout: 5, retries: 0}\n"
            f"mail: {{host: 127.0.0.1, port: {self.mail.port}, security: none,"
            " sender: digest@example.org, timeout: 5, retry_every: 1s}\n"
            f"digests:\n{digests}"
            f"sources:\n{sources}  - {{name: Clippings, path: clippings}}\n",
            encoding="utf-8",
        )

    # --- processes -----------------------------------------------------------------------

    def command(self, *points: str) -> list[str]:
        launcher = str(ROOT / "tests" / "serve_launcher.py")
        serve = ["serve", "--config", str(self.config)]
        return [sys.executable, launcher, str(self.period), *points, "--", *serve]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}

    def start(self, *points: str) -> tuple[subprocess.Popen[bytes], Path]:
        self.runs += 1
        log = self.logs / f"serve-{self.runs}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                self.command(*points), env=self.env(), stdout=out, stderr=subprocess.STDOUT
            )
        return process, log

    def settle(self, timeout: float = 60.0) -> str:
        """Start serve, let it poll and make (or find made) the next period's editions and mail
        them, stop it with SIGTERM; its log. Problems raise AssertionError. `timeout`: the
        bound on a quiet machine (`pace.patience` stretches it)."""
        process, log = self.start()
        launched = time.monotonic()
        started = None
        with pace.reaped(process, grace=60):  # SIGTERM, then SIGKILL if it will not stop
            deadline = launched + pace.patience(timeout)
            while not self._settled(output := log.read_text(errors="replace")):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not settle:\n{log.read_text()[-3000:]}")
                if started is None and "next run" in output:
                    started = time.monotonic() - launched
                time.sleep(0.1)
        self.startup = started if started is not None else self.startup
        output = log.read_text(errors="replace")
        assert process.returncode == 0, f"serve stopped with {process.returncode}:\n{output}"
        assert "Traceback" not in output, output
        return output

    @staticmethod
    def _settled(output: str) -> bool:
        """The start's poll is done and a later publishing job of each digest has finished."""
        lines = output.splitlines()
        polled = next((n for n, line in enumerate(lines) if re.search(r" poll: \d", line)), None)
        if polled is None:
            return False
        later = lines[polled + 1 :]
        return all(
            any(f" publish {name}: " in s and "next run" in s for s in later) for name, _ in DIGESTS
        )

    # --- trials --------------------------------------------------------------------------

    def feed_more(self, trial: int) -> None:
        self.offered |= self.feeds.add(trial, self.rng)
        self.saved.add(save_clipping(self.clippings, trial))

    def calibrate(self) -> None:
        self.feed_more(0)
        self.settle()
        problems = self.check("")
        assert problems == [], problems

    def trial(self, number: int) -> ServeTrial:
        self.feed_more(number)
        before = stored_ids(self.archive)
        aimed = self.rng.random() < 0.5
        offset = self.rng.uniform(-0.05, 0.6) if aimed else self.rng.uniform(0.0, 2.0 + self.period)
        process, log = self.start()
        launched = time.time()
        if aimed:  # at the first publication after start-up (as long as it last took): mid-job
            delay = math.ceil((launched + self.startup) / self.period) * self.period
            delay += offset - launched
        else:  # anywhere in the first period, start-up and the first poll included
            delay = offset * max(1.0, self.startup / STARTUP)
        exited = False
        with pace.reaped(process):  # also when the test is stopped mid-trial (its time guard)
            try:
                process.wait(timeout=delay)
                exited = True
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
        moment = "exited" if exited else kill_moment(log.read_text(errors="replace"))
        problems = []
        if exited:
            problems.append(f"serve exited by itself ({process.returncode}): {log.read_text()}")
        missing = before - stored_ids(self.archive)
        if missing:
            problems.append(f"lost at the kill: {sorted(missing)[:5]}")
        doubt = {(d.stem, d.recipient) for d in deliveries(self.archive) if d.status == "sending"}
        try:
            restart = self.settle()
        except AssertionError as exc:
            problems.append(str(exc)[-2000:])
            return ServeTrial(number, round(delay, 2), moment, len(doubt), problems)
        for stem, recipient in doubt:
            if not re.search(
                rf"{re.escape(stem)} to {re.escape(recipient)}: .*{UNCERTAIN}", restart
            ):
                problems.append(f"{stem} to {recipient}: left in doubt but not reported")
        self.uncertain |= doubt
        problems += self.check(restart)
        return ServeTrial(number, round(delay, 2), moment, len(doubt), problems)

    def check(self, restart: str) -> list[str]:
        problems = check_archive(self.archive, self.offered, self.saved)
        problems += check_periods(self.archive)
        problems += check_mail(self.archive, self.mail.inbox.received, self.uncertain)
        return problems

    def close(self) -> None:
        self.mail.__exit__()
        self.feeds.close()


@dataclass(frozen=True)
class DeliveryRow:
    stem: str
    recipient: str
    status: str


def _db(archive: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{(archive / 'digest.sqlite3').as_uri()}?mode=ro", uri=True)


def deliveries(archive: Path) -> list[DeliveryRow]:
    if not (archive / "digest.sqlite3").exists():
        return []
    db = _db(archive)
    try:
        rows = db.execute(
            "SELECT e.html_path, d.recipient, d.status FROM deliveries d"
            " JOIN editions e ON e.id = d.edition_id"
        ).fetchall()
    finally:
        db.close()
    return [DeliveryRow(Path(path).stem, recipient, status) for path, recipient, status in rows]


def check_periods(archive: Path) -> list[str]:
    """One edition per digest and period; no edition file on disk that no record owns."""
    db = _db(archive)
    try:
        twice = db.execute(
            "SELECT digest, scheduled, COUNT(*) FROM editions WHERE scheduled IS NOT NULL"
            " GROUP BY digest, scheduled HAVING COUNT(*) > 1"
        ).fetchall()
        paths = {p for row in db.execute("SELECT html_path, text_path FROM editions") for p in row}
    finally:
        db.close()
    problems = [f"period published twice: {row}" for row in twice]
    on_disk = {
        f"{p.parent.name}/{p.name}"
        for p in archive.glob("[0-9]*/*")
        if p.suffix in (".html", ".txt")  # the year folders also hold search pieces
    }
    if on_disk - paths:
        problems.append(f"edition files no record owns: {sorted(on_disk - paths)[:5]}")
    if (archive / ".pending-edition").exists():
        problems.append("the journal of an unfinished edition is left after a clean stop")
    return problems


def received_by(received: list[tuple[str, tuple[str, ...], bytes]]) -> Counter[tuple[str, str]]:
    """(edition stem, recipient) -> messages the SMTP server accepted, from the Message-ID."""
    counts: Counter[tuple[str, str]] = Counter()
    for _, recipients, raw in received:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        stem = str(message["Message-ID"]).strip("<>").split(".")[0]
        for recipient in recipients:
            counts[stem, recipient] += 1
    return counts


def check_mail(
    archive: Path,
    received: list[tuple[str, tuple[str, ...], bytes]],
    uncertain: set[tuple[str, str]],
) -> list[str]:
    problems = []
    counts = received_by(list(received))
    recorded = {(d.stem, d.recipient): d.status for d in deliveries(archive)}
    for key, count in counts.items():
        if count > 1:
            problems.append(f"{key[0]} reached {key[1]} {count} times")
        if key not in recorded:
            problems.append(f"{key[0]} mailed to {key[1]} but no such delivery is recorded")
    for key, status in recorded.items():
        if status == "sent" and counts[key] != 1:
            problems.append(f"{key[0]} to {key[1]} recorded sent, arrived {counts[key]} times")
        if status == "pending" and counts[key]:
            problems.append(f"{key[0]} to {key[1]} still pending but arrived")
        if status == "sending":
            problems.append(f"{key[0]} to {key[1]} left 'sending' after a clean stop")
        if status == "unknown" and key not in uncertain:
            problems.append(f"{key[0]} to {key[1]} unknown, though no kill left it in doubt")
        if status == "failed":
            problems.append(f"{key[0]} to {key[1]} failed: the test server refuses nothing")
    return problems


def kill_moment(output: str) -> str:
    """Where in serve's work the kill landed, from its log: starting (no job yet), poll,
    publish (polling, making or recording the edition), mail (the edition recorded, its mail
    going out) or idle (between jobs)."""
    lines = output.splitlines()
    if not any("next run" in line for line in lines):
        return "starting"
    state = "idle"
    for line in lines:
        if " poll: started" in line:
            state = "poll"
        elif re.search(r" publish [^:]+: started for", line):
            state = "publish"
        elif " digest.delivery.dispatch: " in line and state == "publish":
            state = "mail"
        elif re.search(r" (poll|publish [^:]+): .*; next run", line):
            state = "idle"
    return state


def serve_soak(
    folder: Path,
    *,
    trials: int,
    seed: int,
    period: int = 4,
    report: Callable[[ServeTrial], None] | None = None,
) -> list[ServeTrial]:
    return run_trials(ServeSoak(folder, seed, period), trials, report)
