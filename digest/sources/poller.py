"""Polling many feeds at once: bounded, polite, conditional, and parsed off the event loop.

One asyncio loop schedules every request (at most `fetch.connections` in flight,
`fetch.per_host` per host, waits and retries) and hands each GET to a pool of
`fetch.connections` threads sharing one pooled sync `httpx.Client`: measured on the benchmark
server, that does as many GETs a second as aiohttp or a bare asyncio client and 1.7-2.5x as many
as `httpx.AsyncClient` (`python benchmarks/bench_clients.py`). Feeds are parsed in a process pool
when there are many, so both cores work; a 304 or an unchanged body never reaches it. Each
feed's state (validators, body hash, waits, moved URL, health) is read from the store before and
written back after, in one transaction. With a `sink`, finished feeds' items are handed over in
batches to one thread of the store's own (SQLite releases the interpreter while it inserts and
indexes) while other feeds are still in flight, so storing overlaps the poll instead of
stopping it: every store call of the poll runs on that thread, one at a time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlparse

import httpx

from digest.errors import SourceError
from digest.models import Batch, Item, SourceReport, SourceState
from digest.sources.feeds import FeedSource
from digest.sources.fulltext import add_full_text
from digest.sources.http import Fetcher, abort_requests, get, make_transport
from digest.sources.pool import ParsePool, parse_job
from digest.sources.settings import FetchSettings
from digest.store import Store
from digest.visible import one_line

log = logging.getLogger(__name__)

PROCESS_POOL_FROM = 8  # parse in worker processes from this many feeds; threads below
WAIT_IN_RUN_MAX = 10.0  # a Retry-After longer than this (seconds) ends the source's run
RETRY_AFTER_MAX = timedelta(days=7)  # a server cannot park a source for longer
BACKOFF_BETWEEN_RUNS = timedelta(minutes=10)  # doubled per consecutive 429/503, up to a day
TIMES_KEPT = 20  # response times kept for the median
SINK_BATCH = 500  # items handed to the sink at a time while the poll goes on
CHECK_EVERY = 0.2  # seconds between two calls of a poll's checkpoint (how soon a stop is seen)
STORE_BACKLOG = 4  # batches waiting for the store thread before the poll waits for it
IN_FLIGHT_PER_CONNECTION = 2  # feeds fetched or waiting to be parsed, per connection


# One GET: status, body, headers, the permanent new URL if any, the body's hash when it may be
# parsed ("" otherwise).
_Fetched = tuple[int, bytes, dict[str, str], str | None, str]


@dataclass(frozen=True, slots=True)
class Polled:
    """One feed's poll: its report, its items when there were new bytes, its new state."""

    report: SourceReport
    batch: Batch | None
    state: SourceState


class _Wait(Exception):
    """The server asked us to wait (429/503); `until` is when to ask again."""

    def __init__(self, status: int, until: datetime) -> None:
        super().__init__(status, until)
        self.status = status
        self.until = until


class Poller:
    """Polls remote feeds concurrently; `transport` lets tests aim it anywhere."""

    def __init__(
        self,
        fetch: FetchSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        workers: int | None = None,
    ) -> None:
        self.fetch = fetch
        self.transport = transport
        self.workers = workers or max(1, min(os.cpu_count() or 1, 4))

    def poll(
        self,
        feeds: Sequence[FeedSource],
        *,
        store: Store,
        now: datetime,
        progress: Callable[[str], None] | None = None,
        sink: Callable[[list[Item]], None] | None = None,
        started: Callable[[], None] | None = None,
        checkpoint: Callable[[], None] | None = None,
    ) -> list[Polled]:
        """Poll `feeds` and return one `Polled` per feed, in order, each with its new state.

        `checkpoint` is called a few times a second while the poll goes on: what it raises (a
        stop) ends the poll at once, with the requests still out cut and none started after.

        `started` is called on this thread once the first requests are handed to the threads
        that send them (`digest run` then imports the rest of the pipeline meanwhile).

        With `sink`, every new item is passed to it (in batches, on this thread, all of them
        before this returns) as feeds finish, and the returned batches are left without them.
        The caller saves the states only after storing the items: a crash in between must lead
        to fetching again, never to a 304 for items that were never stored.
        """
        states = store.source_states()
        start = [_fresh(states.get(f.name), f) for f in feeds]
        executor = ParsePool(self.workers if len(feeds) >= PROCESS_POOL_FROM else 1)
        if any(not state.content_hash and not state.retired for state in start):
            # a feed never read before will be parsed: start the pool as soon as the first
            # requests are out, so its start overlaps their answers but never delays them
            started = _then(executor.start, started)
        try:
            polled = asyncio.run(
                self._poll_all(
                    feeds, start, store, now, executor, progress, sink, started, checkpoint
                )
            )
        except BaseException:  # a stop: parses not begun are not wanted
            executor.shutdown(cancel_futures=True)
            raise
        executor.shutdown()
        return polled

    async def _poll_all(
        self,
        feeds: Sequence[FeedSource],
        states: Sequence[SourceState],
        store: Store,
        now: datetime,
        executor: Executor,
        progress: Callable[[str], None] | None,
        sink: Callable[[list[Item]], None] | None,
        started: Callable[[], None] | None = None,
        checkpoint: Callable[[], None] | None = None,
    ) -> list[Polled]:
        limits = httpx.Limits(
            max_connections=self.fetch.connections,
            max_keepalive_connections=self.fetch.connections,
        )
        hosts: dict[str, asyncio.Semaphore] = {}
        transport = self.transport or make_transport(self.fetch, limits)
        with (
            httpx.Client(
                timeout=httpx.Timeout(self.fetch.timeout),
                follow_redirects=False,  # `http.get` follows them, hop by hop
                transport=transport,
                headers={"Accept-Encoding": "gzip, deflate"},
            ) as sync_client,
            ThreadPoolExecutor(self.fetch.connections, thread_name_prefix="digest-get") as io,
            # The store's one thread: SQLite (full-text indexing above all) works there, its
            # lock released, while this loop goes on sending requests and handing out parses.
            ThreadPoolExecutor(1, thread_name_prefix="digest-store") as db,
        ):
            client = Fetcher(sync_client, io)
            pending: list[Item] = []
            writes: list[Future[None]] = []

            def hand_over(batch: list[Item]) -> None:
                assert sink is not None
                for written in writes:  # a failed write (a refused template) ends the poll
                    if written.done() and written.exception() is not None:
                        written.result()
                writes.append(db.submit(sink, batch))
                waiting = [w for w in writes if not w.done()]
                if len(waiting) > STORE_BACKLOG:
                    # The store is behind: the whole loop waits (no new requests, no parses
                    # handed out), as it did when it stored itself, so parsed items cannot
                    # pile up in memory (5,000 feeds: 756 MB when only this feed waited).
                    waiting[0].result()

            def gate(url: str) -> asyncio.Semaphore:
                host = urlparse(url).netloc.lower()
                return hosts.setdefault(host, asyncio.Semaphore(self.fetch.per_host))

            # Bodies fetched but not parsed yet are held here: when the parsers fall behind
            # (2 cores, a busy machine) new requests wait, or a 5,000-feed poll held every body
            # at once (700 MB), once storing no longer slowed the loop down.
            in_flight = asyncio.Semaphore(IN_FLIGHT_PER_CONNECTION * self.fetch.connections)

            async def one(feed: FeedSource, state: SourceState) -> Polled:
                try:
                    async with in_flight:
                        result = await self._poll_one(client, gate, feed, state, now, executor)
                except Exception as exc:  # whatever it is, it fails this feed, not the poll
                    log.exception("source %s failed unexpectedly", one_line(feed.name))
                    result = _failed(state, _unexpected(exc), now)
                if result.batch is not None and result.batch.items:
                    try:
                        batch = await add_full_text(
                            result.batch,
                            feed=feed,
                            client=client,
                            gate=gate,
                            store=store,
                            now=now,
                            executor=executor,
                            db=db,
                        )
                    except Exception:  # the teasers are kept; the feed's items are not lost
                        log.exception("full text for %s failed", one_line(feed.name))
                    else:
                        result = replace(result, batch=batch)
                    if sink is not None and result.batch is not None:
                        pending.extend(result.batch.items)
                        # Handed over: held once, not until the end (5,000 feeds: hundreds of MB).
                        result = replace(result, batch=replace(result.batch, items=()))
                        if len(pending) >= SINK_BATCH:
                            hand_over(pending[:])
                            pending.clear()
                if progress is not None:
                    progress(feed.name)
                return result

            # Set up a slice at a time, as many feeds as may be in flight: the first slice's GETs
            # leave while the other feeds' tasks are made (5,000 feeds: ~50 ms before, else).
            tasks: list[asyncio.Future[Polled]] = []
            for number, (feed, state) in enumerate(zip(feeds, states, strict=True), 1):
                tasks.append(asyncio.ensure_future(one(feed, state)))
                if number % self.fetch.connections == 0:
                    await asyncio.sleep(0)
            if started is not None:  # after every feed's first step: the first GETs are out,
                # and the threads sending them had the interpreter to themselves until now
                asyncio.get_running_loop().call_soon(started)
            every = asyncio.gather(*tasks)
            watch = asyncio.ensure_future(_watch(checkpoint)) if checkpoint else None
            try:
                if watch is not None:
                    either: list[asyncio.Future[Any]] = [every, watch]
                    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                    if watch.done():
                        watch.result()  # what the checkpoint raised
                polled = list(await every)
            except BaseException:
                # A stop (`progress` raised) or a refused write ends the poll now, not once
                # every feed has been asked: no feed goes on, no request waiting for a thread
                # starts, and those out are cut. Leaving the threads' block then waits only for
                # the store's writes, so what was handed over is stored.
                every.cancel()  # (once done, it cancels none: each feed is cancelled too)
                every.add_done_callback(_quietly)
                for task in tasks:
                    task.cancel()
                io.shutdown(wait=False, cancel_futures=True)
                abort_requests(transport)
                raise
            finally:
                if watch is not None:
                    watch.cancel()
            if sink is not None and pending:
                hand_over(pending)
            for written in writes:  # every item stored before the states are saved
                await asyncio.wrap_future(written)
            return polled

    async def _poll_one(
        self,
        client: Fetcher,
        gate: Callable[[str], asyncio.Semaphore],
        feed: FeedSource,
        state: SourceState,
        now: datetime,
        executor: Executor,
    ) -> Polled:
        name = feed.name
        if state.retired:
            return Polled(SourceReport(name, True, 0, state.retired), None, state)
        if state.retry_after is not None and state.retry_after > now:
            error = f"not asked again before {state.retry_after:%Y-%m-%d %H:%M} UTC (server busy)"
            return Polled(SourceReport(name, False, 0, error), None, state)
        headers = {"User-Agent": feed.user_agent}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        started = time.monotonic()
        try:
            status, body, response_headers, moved, body_hash = await self._get(
                client, gate, feed, state.url, headers, now
            )
        except _Wait as wait:
            return _failed(state, f"HTTP {wait.status}: server busy", now, retry_after=wait.until)
        except SourceError as exc:
            return _failed(state, str(exc), now)
        elapsed = (time.monotonic() - started) * 1000
        url = moved or state.url
        if status == 410:
            notice = f"retired on {now:%Y-%m-%d}: HTTP 410 Gone; remove it from the config"
            state = replace(state, url=url, retired=notice)
            return _failed(state, "gone (HTTP 410): retired, not asked again", now)
        if status == 403:
            hint = "the publisher refused digest; set `user_agent` or `headers` for this source"
            return _failed(state, f"HTTP 403 Forbidden: {hint}", now)
        if status >= 400:
            return _failed(state, f"HTTP {status}", now)
        digest = body_hash if status != 304 else state.content_hash
        if status == 304 or digest == state.content_hash:
            return _succeeded(state, url, 0, elapsed, now, None)
        loop = asyncio.get_running_loop()
        try:
            batch = await loop.run_in_executor(executor, _parse, body, name, now, response_headers)
        except SourceError as exc:
            return _failed(replace(state, url=url), str(exc), now)
        except Exception as exc:  # a parser bug (or a lost worker) fails this feed, not the run
            detail = (str(exc).splitlines() or [""])[0][:200]
            error = f"parser failed: {type(exc).__name__}: {detail}".rstrip(": ")
            return _failed(replace(state, url=url), error, now)
        new = replace(
            state,
            etag=response_headers.get("etag", ""),
            last_modified=response_headers.get("last-modified", ""),
            content_hash=digest,
        )
        return _succeeded(new, url, len(batch.items), elapsed, now, batch)

    async def _get(
        self,
        client: Fetcher,
        gate: Callable[[str], asyncio.Semaphore],
        feed: FeedSource,
        url: str,
        headers: dict[str, str],
        now: datetime,
    ) -> _Fetched:
        """(status, body, headers, permanent new URL, body hash), retrying 429/503 in the run."""
        for attempt in range(self.fetch.retries + 1):
            async with gate(url):
                fetched: _Fetched = await client.run(_fetch, url, headers, feed, self.fetch)
            status, got = fetched[0], fetched[2]
            if status not in (429, 503):
                return fetched
            wait = _retry_after(got.get("retry-after", ""), now)
            delay = wait if wait is not None else self.fetch.backoff * 2**attempt
            if delay > WAIT_IN_RUN_MAX or attempt == self.fetch.retries:
                until = now + timedelta(seconds=delay) if wait is not None else now
                raise _Wait(status, min(until, now + RETRY_AFTER_MAX))
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def _then(first: Callable[[], None], then: Callable[[], None] | None) -> Callable[[], None]:
    def both() -> None:
        first()
        if then is not None:
            then()

    return both


def _quietly(future: asyncio.Future[Any]) -> None:
    """Take a cancelled gathering's outcome, so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()


async def _watch(checkpoint: Callable[[], None]) -> None:
    """Call `checkpoint` every CHECK_EVERY seconds until it raises (or this is cancelled)."""
    while True:
        checkpoint()
        await asyncio.sleep(CHECK_EVERY)


def _fetch(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    feed: FeedSource,
    fetch: FetchSettings,
) -> _Fetched:
    """One GET of a feed (on a thread): its status, body, headers, its new URL when every
    redirect was permanent, and the body's hash when it may be parsed (hashed here, not on the
    event loop, which a 150 KB feed held up for a millisecond or more). The config named the
    feed: its own origin may be any address."""
    got = get(
        client,
        url,
        max_bytes=fetch.max_bytes,
        timeout=fetch.timeout,
        headers=headers,
        own_url=feed.url,
        own_headers=feed.headers,
        trusted=True,
    )
    parsed = got.status < 400 and got.status != 304
    body_hash = hashlib.sha256(got.body).hexdigest() if parsed else ""
    return got.status, got.body, got.headers, got.url if got.moved else None, body_hash


def _unexpected(exc: BaseException) -> str:
    """A one-line reason for an exception nobody expected (a bug, a library's surprise)."""
    detail = one_line(str(exc))[:200]
    return f"failed unexpectedly: {type(exc).__name__}: {detail}".rstrip(": ")


_parse = parse_job  # what the parse workers run for each feed (tests stand in for it)


def _retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), if it gives any."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _fresh(state: SourceState | None, feed: FeedSource) -> SourceState:
    """The stored state, or a new one when the source is new or its config URL changed."""
    if state is None or state.config_url != feed.url:
        return SourceState(name=feed.name, config_url=feed.url, url=feed.url)
    return state


def _succeeded(
    state: SourceState, url: str, items: int, ms: float, now: datetime, batch: Batch | None
) -> Polled:
    new = replace(
        state,
        url=url,
        retry_after=None,
        last_success=now,
        failing_since=None,
        failures=0,
        polls=state.polls + 1,
        items=state.items + items,
        times_ms=(*state.times_ms, round(ms, 1))[-TIMES_KEPT:],
    )
    warning = batch.warning if batch is not None else ""
    return Polled(SourceReport(state.name, True, items, warning), batch, new)


def _failed(
    state: SourceState, error: str, now: datetime, *, retry_after: datetime | None = None
) -> Polled:
    failures = state.failures + 1
    if retry_after is not None and retry_after <= now:  # busy, and no Retry-After: back off
        retry_after = now + min(BACKOFF_BETWEEN_RUNS * 2 ** (failures - 1), timedelta(days=1))
    if retry_after is not None:
        error += f"; not asked again before {retry_after:%Y-%m-%d %H:%M} UTC"
    new = replace(
        state,
        retry_after=retry_after,
        last_error=error,
        last_error_at=now,
        failing_since=state.failing_since or now,
        failures=failures,
    )
    return Polled(SourceReport(state.name, False, 0, error), None, new)
