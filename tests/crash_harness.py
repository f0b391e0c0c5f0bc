"""Kill `digest run` with SIGKILL at random (seeded) moments, run it again, and check the archive.

Each trial adds new items to a loopback feed server and a new saved article, starts `digest run`,
kills it after a random delay (somewhere in a normal run's duration), runs it again to the end,
and then checks:

- every edition recorded in the store has its HTML and text files, whole, and the index lists it;
- no temporary file is left in the archive;
- every item stored before the kill is still stored, and after the second run every item the
  sources ever offered is stored (nothing lost);
- no item is in two editions of the same digest.

Used by tests/test_crash_safety.py (a few trials) and benchmarks/soak_crash.py (50 or more).
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol, TypeVar

import pace
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FEEDS = 4
TOPICS = (
    "Japan and North Korea held talks on the abduction issue in Ulaanbaatar",
    "North Korea fired a ballistic missile into the sea off Japan, Tokyo said",
    "Japan extended its sanctions on North Korea over the abduction issue",
    "Red Cross officials of Japan and North Korea met on wartime remains",
)


def hang() -> float:
    """How long one `digest run` may take before it counts as hung (seconds, now)."""
    return pace.patience(120)


class FeedServer:
    """Feeds /feed/0.. whose items grow trial by trial."""

    def __init__(self) -> None:
        self.items: dict[int, list[tuple[str, str, str]]] = {n: [] for n in range(FEEDS)}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                number = int(self.path.rsplit("/", 1)[1])
                body = server.document(number)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(
            target=self.httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True
        ).start()

    def url(self, number: int) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/feed/{number}"

    def add(self, trial: int, rng: random.Random) -> set[str]:
        """New items for this trial; returns their guids."""
        guids = set()
        for number in range(FEEDS):
            for k in range(rng.randint(1, 3)):
                guid = f"urn:trial-{trial}-feed-{number}-{k}"
                topic = rng.choice(TOPICS)
                body = (
                    f"<p>{topic} on day {trial}, officials said. The meeting in trial {trial} "
                    f"was the {k + 1}th of its kind, according to feed {number}.</p>"
                    "<p>Japan pressed Pyongyang on the abductees, and North Korea agreed to "
                    "consider a reply, diplomats in Tokyo said.</p>"
                )
                self.items[number].append((guid, f"{topic} ({trial}.{number}.{k})", body))
                guids.add(guid)
        return guids

    def document(self, number: int) -> bytes:
        now = format_datetime(datetime.now(UTC))
        entries = "".join(
            f"<item><title>{title}</title><link>http://news.invalid/{guid}</link>"
            f"<guid>{guid}</guid><pubDate>{now}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
            for guid, title, body in self.items[number][-40:]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {number}</title><link>http://news.invalid/</link>"
            f"<description>t</description>{entries}</channel></rss>"
        ).encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Trial:
    number: int
    delay: float
    killed: bool  # the first run was still going when the kill came
    second_status: int
    problems: list[str] = field(default_factory=list)


def save_clipping(folder: Path, trial: int) -> str:
    """Save one on-topic article for `trial` into the clippings folder; its file name."""
    name = f"trial-{trial}.txt"
    (folder / name).write_text(
        f"Abduction envoy visits Pyongyang ({trial})\n\n"
        f"Japan's envoy on the abduction issue visited Pyongyang for the {trial}th time, "
        "the Japanese Foreign Ministry said on Tuesday.\n\nNorth Korea agreed to talks "
        "with Tokyo on the fate of the abductees, officials said.\n",
        encoding="utf-8",
    )
    return name


@dataclass
class Soak:
    folder: Path
    seed: int
    server: FeedServer = field(init=False)
    rng: random.Random = field(init=False)
    offered: set[str] = field(default_factory=set)
    saved: set[str] = field(default_factory=set)  # saved-article file names
    run_seconds: float = 3.0
    # 0: each kill anywhere in a run (seeded); N: trial n's kill in the n-th of N equal slices
    # of a run (seeded within it), so N trials cover a run from its start to past its end.
    spread: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.server = FeedServer()
        self.archive = self.folder / "archive"
        self.clippings = self.folder / "clippings"
        self.clippings.mkdir(parents=True, exist_ok=True)
        sources = "".join(
            f"  - {{name: Feed {n}, url: '{self.server.url(n)}', full_text: false}}\n"
            for n in range(FEEDS)
        )
        self.config = self.folder / "feeds.yaml"
        self.config.write_text(
            "fetch: {timeout: 5, retries: 0}\n"
            f"sources:\n{sources}  - {{name: Clippings, path: clippings}}\n",
            encoding="utf-8",
        )

    def command(self) -> list[str]:
        return [sys.executable, "-m", "digest", "run", "--config", str(self.config)]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT)])}

    def feed_more(self, trial: int) -> None:
        self.offered |= self.server.add(trial, self.rng)
        self.saved.add(save_clipping(self.clippings, trial))

    def calibrate(self) -> None:
        """One run to the end, timed: kills then land within a normal run's duration."""
        self.feed_more(0)
        started = time.monotonic()
        done = subprocess.run(self.command(), env=self.env(), capture_output=True, timeout=hang())
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        self.run_seconds = time.monotonic() - started

    def trial(self, number: int) -> Trial:
        self.feed_more(number)
        before = stored_ids(self.archive)
        span = self.run_seconds * 1.1
        if self.spread:
            delay = ((number - 1) % self.spread + self.rng.random()) * span / self.spread
        else:
            delay = self.rng.uniform(0.0, span)
        process = subprocess.Popen(
            self.command(), env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        killed = False
        with pace.reaped(process):  # also when the test is stopped mid-trial (its time guard)
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed = True
        problems = []
        missing = before - stored_ids(self.archive)
        if missing:
            problems.append(f"lost at the kill: {sorted(missing)[:5]}")
        started = time.monotonic()
        again = subprocess.run(self.command(), env=self.env(), capture_output=True, timeout=hang())
        # Kills should cover a whole run as runs get longer with the archive: follow the times.
        self.run_seconds = (self.run_seconds + time.monotonic() - started) / 2
        if again.returncode not in (0, 3):
            problems.append(f"second run failed ({again.returncode}): {again.stderr[-500:]!r}")
        problems += check_archive(self.archive, self.offered, self.saved)
        return Trial(number, round(delay, 2), killed, again.returncode, problems)

    def close(self) -> None:
        self.server.close()

    def keep(self, kept: Path) -> Kept:
        """This harness as it is now (its folder copied to `kept`), to come back to."""
        return Kept(self, kept)


class Kept:
    """A harness's state kept (`Soak.keep`): its folder's files, what its feeds offer, its
    random state. `restore` puts the harness back in it, in the same folder and with the same
    feed server, as if nothing had happened since: tests that each need a calibrated harness
    calibrate one once (they run one at a time)."""

    def __init__(self, harness: Soak, kept: Path) -> None:
        self.harness, self.kept = harness, kept
        shutil.copytree(harness.folder, kept, symlinks=True)
        self.items = copy.deepcopy(harness.server.items)
        self.rng = harness.rng.getstate()
        self.offered, self.saved = set(harness.offered), set(harness.saved)
        self.run_seconds = harness.run_seconds

    def restore(self) -> Soak:
        harness = self.harness
        _empty(harness.folder)
        shutil.copytree(self.kept, harness.folder, symlinks=True, dirs_exist_ok=True)
        harness.server.items = copy.deepcopy(self.items)
        harness.rng.setstate(self.rng)
        harness.offered, harness.saved = set(self.offered), set(self.saved)
        harness.run_seconds = self.run_seconds
        return harness


def _empty(folder: Path) -> None:
    """Remove what `folder` holds; a folder that is a mount point (a small tmpfs) stays, empty."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            if entry.is_mount():
                _empty(entry)
            else:
                shutil.rmtree(entry)
        else:
            entry.unlink()


def stored_ids(archive: Path) -> set[str]:
    path = archive / "digest.sqlite3"
    if not path.exists():
        return set()
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT id FROM items")}
    finally:
        db.close()


def check_archive(archive: Path, offered: set[str], saved: set[str]) -> list[str]:
    """What is wrong with the archive, if anything (see the module's docstring)."""
    problems = []
    db = sqlite3.connect(f"{(archive / 'digest.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        editions = db.execute("SELECT id, digest, html_path, text_path, content FROM editions")
        editions = editions.fetchall()
        ids = {row[0] for row in db.execute("SELECT id FROM items")}
        links = {row[0] for row in db.execute("SELECT link FROM items")}
        doubles = db.execute(
            "SELECT digest, item_id, COUNT(*) FROM edition_items GROUP BY digest, item_id"
            " HAVING COUNT(*) > 1"
        ).fetchall()
    finally:
        db.close()
    if doubles:
        problems.append(f"items in two editions: {doubles[:5]}")
    # The index is split by year: every edition must be on its year's page.
    index = "".join(p.read_text(encoding="utf-8") for p in sorted(archive.glob("index*.html")))
    in_content: dict[str, set[str]] = {}
    for edition_id, digest, html_path, text_path, content in editions:
        html, text = archive / html_path, archive / text_path
        if not html.is_file() or not text.is_file():
            problems.append(f"edition {edition_id}: {html_path} or its text is missing")
            continue
        page = html.read_text(encoding="utf-8")
        if not page.rstrip().endswith("</html>") or not text.read_text(encoding="utf-8").strip():
            problems.append(f"edition {edition_id}: {html_path} is not whole")
        try:
            etree.fromstring(page.encode(), etree.HTMLParser(recover=False))
        except etree.XMLSyntaxError as exc:
            problems.append(f"edition {edition_id}: {html_path} does not parse ({exc})")
        if f'href="{html_path}"' not in index:
            problems.append(f"edition {edition_id}: not in the index")
        for story in json.loads(content)["stories"] if content else ():
            for scored in [story["lead"], *story["others"]]:
                item_id = scored["item"]["id"]
                if item_id in in_content.setdefault(digest, set()):
                    problems.append(f"item {item_id} shown in two editions of {digest}")
                in_content[digest].add(item_id)
    left = list(archive.rglob("*.tmp"))
    if left:
        problems.append(f"temporary files left: {[p.name for p in left]}")
    lost = offered - ids
    if lost:
        problems.append(f"offered but never stored: {sorted(lost)[:5]} ({len(lost)})")
    unsaved = {n for n in saved if not any(link.split("#")[0].endswith("/" + n) for link in links)}
    if unsaved:
        problems.append(f"saved articles never stored: {sorted(unsaved)}")
    return problems


T = TypeVar("T", covariant=True)


class Harness(Protocol[T]):
    def calibrate(self) -> None: ...
    def trial(self, number: int) -> T: ...
    def close(self) -> None: ...


def run_trials(harness: Harness[T], trials: int, report: Callable[[T], None] | None) -> list[T]:
    """Calibrate, run `trials` numbered trials reporting each, and always close the harness."""
    try:
        harness.calibrate()
        results = []
        for number in range(1, trials + 1):
            result = harness.trial(number)
            results.append(result)
            if report is not None:
                report(result)
        return results
    finally:
        harness.close()


def soak(
    folder: Path,
    *,
    trials: int,
    seed: int,
    spread: int = 0,
    report: Callable[[Trial], None] | None = None,
) -> list[Trial]:
    """Run `trials` kill-and-rerun trials in `folder`; every trial's outcome. `spread`: see
    `Soak.spread` (0, the kills fall anywhere at random)."""
    return run_trials(Soak(folder, seed, spread=spread), trials, report)
