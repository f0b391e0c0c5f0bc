"""The pool a poll parses feeds in: worker processes from a forkserver, started off the caller.

Apart from the poller so that the process machinery (and its tests) stand on their own; the
poller makes one per poll and starts it early when some feed has never been read.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from digest.sources.lifeline import die_with

if TYPE_CHECKING:
    from datetime import datetime

    from digest.models import Batch


def parse_job(body: bytes, name: str, now: datetime, headers: dict[str, str]) -> Batch:
    """One feed's document parsed into its items: what a poll's workers run.

    Defined here, where nothing heavy is imported: a worker imports the module of each job it
    unpickles, and the poller's (httpx, asyncio, pydantic, the store) cost every worker 0.5
    CPU-s before its first feed. The parsers themselves come preloaded from the forkserver."""
    from digest.sources.entries import parse_feed

    return parse_feed(body, source=name, now=now, headers=headers)


class ParsePool(Executor):
    """A process pool of `workers` (a thread when 1), started on the first job, or by `start`.

    A warm poll (all 304 or unchanged) then never pays the pool's start-up (0.8 s measured).
    Workers come from a forkserver, so they start clean even when the caller runs threads.
    The pool starts on a thread of its own: the forkserver imports the parsers before it forks
    the first worker (0.3-1.3 s measured), and the event loop that submitted the first job goes
    on sending requests meanwhile; jobs submitted before the pool is up wait for it.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Executor | None = None
        self._lock = threading.Lock()
        self._starting: Future[Executor] | None = None

    def start(self) -> None:
        """Start the pool now (on its thread), not on the first job."""
        with self._lock:
            self._begin()

    def _begin(self) -> None:
        if self.pool is None and self._starting is None:
            if self.workers > 1:
                self._starting = Future()
                threading.Thread(target=self._start, name="digest-pool-start").start()
            else:
                self.pool = ThreadPoolExecutor(1)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self._begin()
            starting = self._starting if self.pool is None else None
        if starting is None:
            assert self.pool is not None
            return self.pool.submit(fn, *args, **kwargs)
        done: Future[Any] = Future()

        def forward(started: Future[Executor]) -> None:
            if done.cancelled():  # given up on while the pool started
                return
            try:
                job = started.result().submit(fn, *args, **kwargs)
            except BaseException as exc:  # the pool did not start: this job fails, not the poll
                done.set_exception(exc)
            else:
                job.add_done_callback(lambda finished: _copy_outcome(finished, done))

        starting.add_done_callback(forward)
        return done

    def _start(self) -> None:
        assert self._starting is not None
        try:
            # here, not at the top: a warm poll never needs multiprocessing (10 ms to import)
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["digest.sources.entries", "digest.sources.lifeline"])
            pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
            )
            pool.submit(int).result()  # the forkserver and a first worker are up
        except BaseException as exc:
            self._starting.set_exception(exc)
            return
        with self._lock:
            self.pool = pool
        self._starting.set_result(pool)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        starting = self._starting
        if starting is not None:
            with contextlib.suppress(BaseException):
                starting.result()  # a pool still starting is shut down once it is up
        if self.pool is not None:
            self.pool.shutdown(wait, cancel_futures=cancel_futures)


def _copy_outcome(source: Future[Any], target: Future[Any]) -> None:
    if target.cancelled():
        return
    if source.cancelled():
        target.cancel()
    elif (error := source.exception()) is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
