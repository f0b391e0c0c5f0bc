"""The one HTTP client digest uses: named, time-limited, size-capped."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import httpcore
import httpx

from digest.errors import SourceError
from digest.sources.settings import FetchSettings


@dataclass(frozen=True, slots=True)
class Fetcher:
    """One pooled sync client and the threads that use it, awaited from the event loop."""

    client: httpx.Client
    threads: Executor

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(client, *args)` on one of the threads."""
        return await asyncio.get_running_loop().run_in_executor(
            self.threads, fn, self.client, *args
        )


# --- a deadline for the whole request ------------------------------------------------------
#
# httpx's timeouts bound each connect, read and write, never the whole request: a server that
# sends its headers or body one byte a second never trips them. The network backend below gives
# every socket operation at most the time left before the calling thread's deadline, and fails
# the request once it has passed, so `total_deadline` bounds a request however it trickles.

_deadline = threading.local()


@contextmanager
def total_deadline(seconds: float) -> Iterator[None]:
    """Requests made by this thread inside the block fail with a timeout after `seconds`."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = previous


def _left(timeout: float | None) -> float | None:
    end: float | None = getattr(_deadline, "at", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _left(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """httpx's own transport, its sockets bounded by the calling thread's `total_deadline`."""
    transport = httpx.HTTPTransport(limits=limits or httpx.Limits())
    # httpx offers no public hook for the network backend; its pool keeps it in this attribute.
    transport._pool._network_backend = _DeadlineBackend(transport._pool._network_backend)
    return transport


def make_client(settings: FetchSettings) -> httpx.Client:
    """A client with timeouts, redirects followed (at most 5) and a User-Agent naming digest."""
    return httpx.Client(
        transport=deadline_transport(),
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


def fetch_bytes(client: httpx.Client, url: str, max_bytes: int) -> tuple[bytes, dict[str, str]]:
    """GET `url` (or read a file: URL) up to `max_bytes`; raise SourceError with the reason."""
    if url.startswith("file:"):
        return read_file_url(url, max_bytes), {}
    # The whole request gets twice the per-step timeout, as the poller's requests do.
    try:
        with (
            total_deadline(2 * (client.timeout.read or 20.0)),
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise SourceError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"response of {declared} bytes exceeds the {max_bytes}-byte cap")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"response exceeds the {max_bytes}-byte cap")
                chunks.append(chunk)
            return b"".join(chunks), dict(response.headers)
    except httpx.TimeoutException:
        raise SourceError("timed out") from None
    except httpx.TooManyRedirects:
        raise SourceError("too many redirects") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None


def read_file_url(url: str, max_bytes: int) -> bytes:
    path = Path(unquote(urlparse(url).path))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(f"{path} exceeds the {max_bytes}-byte cap")
    return data
