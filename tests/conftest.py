"""Shared fixtures: a real HTTP server on loopback, paths to ../shared, configs on disk."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pace
import pytest
from cli_process import digest as digest  # the CLI runner, for tests that import it from here

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"


# --- pace: guards stretched for a loaded machine, and no child left behind -------------------


def pytest_report_header(config: pytest.Config) -> str:
    return pace.calibrate()  # once, at the session's start


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """pytest-timeout's guard (the ini's, or a test's mark) stretched as `pace.patience`
    stretches a wait: a guard catches a hang, not a loaded machine. Before pytest-timeout's own
    hook reads it (this one runs first)."""
    marker = item.get_closest_marker("timeout")
    quiet = marker.args[0] if marker is not None and marker.args else item.config.getini("timeout")
    if quiet:
        item.add_marker(pytest.mark.timeout(pace.patience(float(quiet))))
    yield


_started: list[subprocess.Popen[Any]] | None = None
_popen_init = subprocess.Popen.__init__


def _tracked_init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
    _popen_init(self, *args, **kwargs)
    if _started is not None:
        _started.append(self)


subprocess.Popen.__init__ = _tracked_init  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """A child a test started (subprocess.Popen) and left running is killed and reaped when the
    test ends, and the test errs: a leaked `digest run` would be counted by a later test's
    process check, and its Popen's ResourceWarning would fail whichever test was running when
    it was collected. Fixtures of wider scope start theirs before this one looks."""
    global _started
    _started = []
    yield
    started, _started = _started, None
    left = [process for process in started if process.poll() is None]
    for process in left:
        pace.end(process)
    if left:
        names = [
            " ".join(map(str, p.args[1:4])) if isinstance(p.args, list) else p.args for p in left
        ]
        pytest.fail(f"the test left {len(left)} process(es) running, now killed: {names}")


def need(path: Path) -> Path:
    """The shared path, or skip the test saying what is missing."""
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the project's shared data by path")
    return path


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    delay: float = 0.0
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (or another loopback address: an "internal" host)
    whose routes tests set; it counts requests per path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                server.requests.append((path, dict(self.headers)))
                route = server.routes.get(path, Route(b"not found", 404, "text/plain"))
                if route.delay:
                    time.sleep(route.delay)
                body = gzip.compress(route.body) if route.gzip else route.body
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if route.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    for key, value in route.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test), which is the point

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


@contextmanager
def serving(host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    loopback = LoopbackServer(host)
    loopback.thread.start()
    try:
        yield loopback
    finally:
        loopback.httpd.shutdown()
        loopback.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serving() as loopback:
        yield loopback


@pytest.fixture
def internal() -> Iterator[LoopbackServer]:
    """A server on 127.0.0.2 standing for a host inside the network (an admin page, a router)."""
    with serving("127.0.0.2") as loopback:
        yield loopback


@pytest.fixture
def seeds_folder(tmp_path: Path) -> Path:
    """A copy of the shared seeds, saved 'now' (their file times are fresh)."""
    folder = tmp_path / "saved"
    shutil.copytree(need(SEEDS), folder)
    return folder


WriteConfig = Callable[[str], Path]


run_digest = digest  # the name some tests use for the same runner


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    def write(text: str) -> Path:
        path = tmp_path / "feeds.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@contextmanager
def archive_served(folder: Path) -> Iterator[str]:
    """`digest archive serve --port 0` on the config in `folder`; yields its base URL."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "archive", "serve", "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert " at http://127.0.0.1:" in line, line
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        pace.end(process, grace=10)
        if process.stdout is not None:
            process.stdout.close()


def store_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A store file as an older digest left it: the first `version` migrations applied, no
    more (for the tests of migrating one)."""
    from digest.store import MIGRATIONS

    old = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:version]):
        old.executescript(f"BEGIN; {script}; PRAGMA user_version = {number + 1}; COMMIT;")
    return old
