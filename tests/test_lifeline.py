"""The parser pool's processes die with digest: a `digest run` killed with SIGKILL or SIGTERM
leaves no worker, forkserver or resource tracker behind, and polls do not pile processes up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pace
import pytest
from feeds import ABDUCTION_TALKS, rfc822, rss

from digest.sources.feeds import FeedSource
from digest.sources.poller import PROCESS_POOL_FROM, Poller
from digest.sources.settings import FetchSettings
from digest.store import Store

FEEDS = PROCESS_POOL_FROM + 2  # enough to parse in the process pool


class SlowFeeds:
    """Feeds on loopback; /slow sends a byte a second, so a run is still polling when killed."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    for _ in range(60):
                        try:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(1)
                    return
                entries = [
                    {
                        "title": f"Japan and North Korea talks {self.path} {n}",
                        "link": f"http://news.invalid{self.path}/{n}",
                        "date": rfc822(0.5),
                        "body": ABDUCTION_TALKS,
                    }
                    for n in range(30)
                ]
                body = rss(entries)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        Thread(target=self.httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"


@pytest.fixture(scope="module")
def feeds() -> Iterator[SlowFeeds]:
    server = SlowFeeds()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def marked(mark: str) -> list[int]:
    """Processes whose environment carries `mark` (digest and all it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def wait_until(condition: object, seconds: float) -> bool:
    """`seconds`: the bound on a quiet machine (tests/pace.py stretches it with the load)."""
    return pace.wait_for(condition, seconds, every=0.2)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_a_run_leaves_no_process_behind(
    feeds: SlowFeeds, tmp_path: Path, how: signal.Signals
) -> None:
    sources = (
        "".join(f"  - {{name: F{n}, url: '{feeds.url(f'/f{n}')}'}}\n" for n in range(FEEDS))
        + f"  - {{name: Slow, url: '{feeds.url('/slow')}'}}\n"
    )
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\nfetch: {{timeout: 30}}\nsources:\n{sources}"
    )
    mark = uuid.uuid4().hex
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", "run", "--config", str(config)],
        env={**os.environ, "DIGEST_TEST_MARK": mark},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # digest, the forkserver, the resource tracker and at least one worker
        assert wait_until(lambda: len(marked(mark)) >= 4, 60), marked(mark)
        time.sleep(0.5)
        run.send_signal(how)
        run.wait(pace.patience(10))
        assert wait_until(lambda: not marked(mark), 20), [
            (Path(f"/proc/{pid}/cmdline").read_bytes()[:80]) for pid in marked(mark)
        ]
    finally:
        pace.end(run)
        for pid in marked(mark):
            os.kill(pid, signal.SIGKILL)


def descendants() -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_polls_after_polls_do_not_pile_processes_up(feeds: SlowFeeds) -> None:
    fetch = FetchSettings(timeout=5)
    sources = [FeedSource(f"F{n}", feeds.url(f"/f{n}"), fetch) for n in range(FEEDS)]
    counts = []
    for _ in range(3):  # serve polls again and again in one process
        polled = Poller(fetch).poll(sources, store=Store.memory(), now=datetime.now(UTC))
        assert all(p.report.ok for p in polled)
        counts.append(len(descendants()))
    # The pool's workers end with each poll; the forkserver and the tracker stay, one each.
    assert counts[0] == counts[1] == counts[2] <= 2, counts
