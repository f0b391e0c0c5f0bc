"""How long a test may wait, on this machine as loaded as it is: bounds that hold at load ~10
(two suites at once on 2 cores) as well as on a quiet machine, and children that never outlive
their test.

A wait that succeeds ends when its event comes, so a generous bound costs a passing test
nothing; a bound picked on a quiet machine fails a loaded one. `patience(seconds)` is `seconds`
on a quiet machine and that many times more as the machine is slower: the larger of how much a
busy loop was slowed at the session's start (`calibrate`) and the run queue per core now (the
load can rise after the start). Hang guards and deadlines use it; what a test asserts about
timing (a stop within 10 s) keeps its own bound, in the test, with the reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

# How often a test's HTTP server (socketserver's serve_forever) looks whether shutdown() was
# asked: its default, half a second, was spent by each test that stops a server, as it stopped.
SHUTDOWN_POLL = 0.02

MOST = 10.0  # a guard, however loaded the machine, waits at most this many times its quiet bound

_at_start = 1.0


def contention(seconds: float = 0.2) -> float:
    """Wall time over this thread's CPU time in a short busy loop: about 1 with a core to
    spare, about load / cores when every core is busy (this process gets its share)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    while time.perf_counter() - wall < seconds:
        pass
    return (time.perf_counter() - wall) / max(time.thread_time() - cpu, 1e-3)


def calibrate() -> str:
    """Measure the machine at the session's start; a line saying what was found."""
    global _at_start
    measured = contention()
    _at_start = max(1.0, measured)
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    return (
        f"pace: a busy loop ran {measured:.1f}x slower than its CPU time; load {load:.1f} on"
        f" {cores} cores; waits get {slowness():.1f}x their quiet bound"
    )


def slowness() -> float:
    """How many times a quiet machine's wait this one needs now (1 to MOST)."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(MOST, max(1.0, _at_start, load))


def patience(seconds: float) -> float:
    """`seconds`, a bound that holds on a quiet machine, stretched for this one now."""
    return seconds * slowness()


def wait_for(condition: Any, seconds: float, *, every: float = 0.1) -> bool:
    """Poll `condition` until it holds (True) or `patience(seconds)` has passed (False)."""
    deadline = time.monotonic() + patience(seconds)
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


P = TypeVar("P", bound="subprocess.Popen[Any]")


def end(process: subprocess.Popen[Any], *, grace: float = 0.0) -> None:
    """Make sure `process` has ended and is reaped: SIGTERM and `grace` seconds first if any,
    then SIGKILL. For a `finally`: a test that fails or times out leaves no child running."""
    if process.poll() is None and grace:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=patience(grace))
    if process.poll() is None:
        process.kill()
    process.wait()


@contextmanager
def reaped(process: P, *, grace: float = 0.0) -> Iterator[P]:
    """`process` for the block; ended (`end`) and reaped however the block exits."""
    try:
        yield process
    finally:
        end(process, grace=grace)
