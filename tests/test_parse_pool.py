"""The parse pool starts off the event loop: the first job does not wait on the caller's thread
for the forkserver to import the parsers, and jobs sent meanwhile run once the pool is up."""

from __future__ import annotations

import ast
import concurrent.futures
import pickle
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from digest.sources import pool as pool_module

ROOT = Path(__file__).resolve().parent.parent


class GatedPool(ProcessPoolExecutor):
    """A real process pool that is not built before the test opens the gate."""

    gate = threading.Event()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        assert self.gate.wait(60), "the gate was never opened"
        super().__init__(*args, **kwargs)


def test_jobs_wait_for_the_pool_while_the_caller_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    GatedPool.gate.clear()
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", GatedPool)
    executor = pool_module.ParsePool(2)
    try:
        started = time.monotonic()
        first = executor.submit(pow, 2, 10)
        second = executor.submit(divmod, 7, 2)
        # The pool cannot exist yet, so a submit that built it here would still be waiting.
        assert time.monotonic() - started < 30
        assert not first.done() and not second.done()
        GatedPool.gate.set()
        assert first.result(timeout=60) == 1024
        assert second.result(timeout=60) == (3, 1)
        assert executor.submit(abs, -5).result(timeout=60) == 5  # straight to the pool now
    finally:
        GatedPool.gate.set()
        executor.shutdown()


def test_a_pool_that_cannot_start_fails_its_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("no processes left")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    executor = pool_module.ParsePool(2)
    job = executor.submit(pow, 2, 3)
    with pytest.raises(OSError, match="no processes left"):
        job.result(timeout=60)
    executor.shutdown()


def test_start_brings_the_pool_up_before_any_job() -> None:
    executor = pool_module.ParsePool(2)
    try:
        executor.start()
        deadline = time.monotonic() + 60
        while executor.pool is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert isinstance(executor.pool, ProcessPoolExecutor)
        assert executor.submit(pow, 3, 2).result(timeout=60) == 9
    finally:
        executor.shutdown()


def test_the_workers_imports_leave_out_the_config_models() -> None:
    """What the forkserver preloads: the parsers, not pydantic or yaml (a third of its start)."""
    code = "import sys, digest.sources.entries, digest.sources.lifeline; print(sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = set(ast.literal_eval(done.stdout))
    assert "lxml.etree" in loaded and "feedparser" in loaded
    assert not loaded & {"pydantic", "yaml", "digest.sources.settings", "digest.config"}


# What a worker has no use for: the poller's own modules, the HTTP stack, the config, the store.
NOT_IN_A_WORKER = ("digest.sources.poller", "httpx", "httpcore", "asyncio", "pydantic")
NOT_IN_A_WORKER += ("digest.store", "digest.config")
WORKER = """
import pickle, sys
from datetime import UTC, datetime
import digest.sources.entries, digest.sources.lifeline  # what the forkserver preloads
job = pickle.loads(bytes.fromhex(sys.argv[1]))  # as a worker receives its job
feed = b'<rss version="2.0"><channel><item><title>One</title></item></channel></rss>'
print([item.title for item in job(feed, "s", datetime.now(UTC), {}).items])
print(sorted(sys.modules))
"""


def test_a_worker_parsing_feeds_imports_nothing_of_the_poller() -> None:
    """A worker imports the module of the job it unpickles: the poller's took in httpx, asyncio,
    pydantic and the store, 0.5 CPU-s in every worker before its first feed."""
    from digest.sources.poller import _parse

    job = pickle.dumps(_parse).hex()
    done = subprocess.run(
        [sys.executable, "-c", WORKER, job], capture_output=True, text=True, check=True, cwd=ROOT
    )
    titles, loaded = (ast.literal_eval(line) for line in done.stdout.splitlines()[-2:])
    assert titles == ["One"]
    assert [m for m in loaded if m.startswith(NOT_IN_A_WORKER)] == []
