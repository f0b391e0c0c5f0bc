"""The one HTTP client digest uses: named, time-limited, size-capped, and kept out of the
network it runs in (redirects followed here, hop by hop; see "where a request may go")."""

from __future__ import annotations

import asyncio
import functools
import os
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import httpcore
import httpx

from digest.errors import SourceError
from digest.sources.connection_pool import held_pool
from digest.sources.guard import REFUSED, GuardedBackend
from digest.sources.settings import FetchSettings
from digest.visible import one_line


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
    def __init__(self, inner: httpcore.NetworkStream, owner: _DeadlineBackend) -> None:
        self._inner = inner
        self._owner = owner
        owner.opened(self)

    def abort(self) -> None:
        """Make a read or write blocked on this connection, in whatever thread, fail now.

        The socket is shut down, not closed: its thread still owns the descriptor and closes it
        (closing it here could hand the number to another connection while still in use). With
        TLS, the plain socket call, so the SSL object is left to its own thread too."""
        sock = self._inner.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        _load_cas(ssl_context)
        tls = self._inner.start_tls(ssl_context, server_hostname, _left(timeout))
        return _DeadlineStream(tls, self._owner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner
        self._open: weakref.WeakSet[_DeadlineStream] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._aborted = False

    def opened(self, stream: _DeadlineStream) -> None:
        with self._lock:
            self._open.add(stream)
            aborted = self._aborted
        if aborted:  # connected while the stop was cutting the others: cut this one too
            stream.abort()

    def abort(self) -> None:
        """Cut every connection still open, and every one opened from now on: the requests out
        fail at once. For good: a request waiting for a slot in the pool gets one as the cut
        connections close, and its new connection would otherwise wait out a slow server."""
        with self._lock:
            self._aborted = True
            streams = list(self._open)
        for stream in streams:
            stream.abort()

    def _refuse_if_aborted(self) -> None:
        if self._aborted:
            raise httpcore.ConnectError("the requests were stopped")

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self._refuse_if_aborted()
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        self._refuse_if_aborted()
        stream = self._inner.connect_unix_socket(path, _left(timeout), socket_options)
        return _DeadlineStream(stream, self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport on digest's pool (`LinearPool`) over a `_DeadlineBackend`."""

    def __init__(self, limits: httpx.Limits, backend: _DeadlineBackend) -> None:
        super().__init__(limits=limits, verify=_tls_context())
        self.backend = backend
        # httpx takes no network backend (encode/httpx discussion 3180): the pool it just made
        # is made again, with the same parameters and this backend, by httpcore's constructor.
        self._pool = held_pool(limits, ssl_context=_tls_context(), network_backend=backend)


def deadline_transport(
    limits: httpx.Limits | None = None, *, guarded: bool = False
) -> httpx.HTTPTransport:
    """httpx's own transport, its sockets bounded by the calling thread's `total_deadline`;
    `guarded`, it connects to public addresses only (`digest.sources.guard`)."""
    backend: httpcore.NetworkBackend = httpcore.SyncBackend()  # httpcore's pool's default
    if guarded:
        backend = GuardedBackend(backend)
    return _DeadlineTransport(limits or httpx.Limits(), _DeadlineBackend(backend))


def abort_requests(transport: httpx.BaseTransport) -> None:
    """Make every request out on `transport` (one of `make_transport`'s) fail now, and every
    later one: a stop. The transport is of no more use after."""
    if isinstance(transport, _Routing):
        abort_requests(transport._own)
        abort_requests(transport._guarded)
    elif isinstance(transport, _DeadlineTransport):
        transport.backend.abort()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every transport of the process. It verifies certificates and host
    names as httpx's default does, with the CAs `_load_cas` puts in at the first handshake:
    loading the bundle takes 30-90 ms, and a run of http:// feeds never needs it."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname: as httpx


_cas_lock = threading.Lock()
_cas_in = threading.Event()


def _load_cas(context: Any) -> None:
    """httpx's choice of CAs (SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle) into
    `_tls_context()`, once, before its first handshake; any other context is left alone. A
    handshake without them fails verification: nothing is trusted by mistake."""
    if context is not _tls_context() or _cas_in.is_set():
        return
    with _cas_lock:
        if _cas_in.is_set():
            return
        if os.environ.get("SSL_CERT_FILE"):
            context.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
        elif os.environ.get("SSL_CERT_DIR"):
            context.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
        else:
            import certifi

            context.load_verify_locations(cafile=certifi.where())
        _cas_in.set()


# --- where a request may go ----------------------------------------------------------------
#
# Redirects are followed here, hop by hop, not by httpx: each hop decides which transport it
# takes and which headers it carries. The URLs the config names (a feed's own origin) may reach
# any address, as the user chose them; everything else (article pages, a redirect away from the
# feed's origin, a moved URL on another origin) goes through the guarded transport. A source's
# `headers:` (tokens, cookies) go to its feed's own origin only, and no longer once a redirect
# has left it.

OWN = "digest.own"  # request extension: this hop is to a URL the config names
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class _Routing(httpx.BaseTransport):
    """Hops marked `OWN` go out through `own`, all others through `guarded` (own pools each)."""

    def __init__(self, own: httpx.BaseTransport, guarded: httpx.BaseTransport) -> None:
        self._own = own
        self._guarded = guarded

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        own = request.extensions.get(OWN) is True
        return (self._own if own else self._guarded).handle_request(request)

    def close(self) -> None:
        self._own.close()
        self._guarded.close()


def make_transport(
    settings: FetchSettings, limits: httpx.Limits | None = None
) -> httpx.BaseTransport:
    """The transport every digest client uses: guarded unless `fetch.allow_private_addresses`."""
    own = deadline_transport(limits)
    if settings.allow_private_addresses:
        return _Routing(own, own)
    return _Routing(own, deadline_transport(limits, guarded=True))


def make_client(settings: FetchSettings) -> httpx.Client:
    """A client with timeouts, the guard, and a User-Agent naming digest (redirects: `get`)."""
    return httpx.Client(
        transport=make_transport(settings),
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    body: bytes  # read only for a 200
    headers: dict[str, str]  # names in lower case
    url: str  # where the last hop went
    moved: bool  # every hop was a permanent redirect (301/308), and there was one


def get(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    own_url: str | None = None,
    own_headers: Mapping[str, str] | None = None,
    trusted: bool = False,
) -> Fetched:
    """GET `url`, following at most 5 redirects, the body (of a 200) capped at `max_bytes` and
    the whole within `2 * timeout`; SourceError with a one-line reason on any failure.

    `own_headers` go to hops on `own_url`'s origin until a redirect leaves it; with `trusted`
    those hops may reach any address (the config named them), all others only public ones.
    """
    origin = _origin(own_url) if own_url else None
    on_own = origin is not None
    moved = True
    try:
        with total_deadline(2 * timeout):
            for hop in range(MAX_REDIRECTS + 1):
                target = httpx.URL(url)
                on_own = on_own and _same_origin(origin, target)
                request = client.build_request(
                    "GET",
                    target,
                    headers={**(headers or {}), **((own_headers or {}) if on_own else {})},
                    extensions={OWN: trusted and on_own},
                )
                try:
                    response = client.send(request, stream=True)
                except httpx.InvalidURL as exc:  # httpx reads a Location even when not following
                    raise SourceError(one_line(f"redirected to an unusable URL ({exc})")) from None
                try:
                    location = response.headers.get("location", "")
                    if response.status_code not in REDIRECTS or not location:
                        return _read(response, max_bytes, moved=moved and hop > 0)
                finally:
                    response.close()
                moved = moved and response.status_code in (301, 308)
                url = _next(target, location)
            raise SourceError(f"too many redirects (more than {MAX_REDIRECTS})")
    except httpx.TimeoutException:
        raise SourceError("timed out") from None
    except httpx.ConnectError as exc:
        refused = str(exc).startswith(REFUSED)
        detail = (
            f"{exc}; allow it with fetch.allow_private_addresses"
            if refused
            else f"ConnectError: {exc}"
        )
        raise SourceError(one_line(detail)) from None
    except httpx.HTTPError as exc:
        raise SourceError(one_line(f"{type(exc).__name__}: {exc}".rstrip(": "))) from None
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:  # a URL or header httpx refuses
        raise SourceError(one_line(f"not a usable request ({exc})")) from None


def _read(response: httpx.Response, max_bytes: int, *, moved: bool) -> Fetched:
    got = {k.lower(): v for k, v in response.headers.items()}
    declared = got.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"response of {declared} bytes exceeds the {max_bytes}-byte cap")
    chunks: list[bytes] = []
    if response.status_code == 200:
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise SourceError(f"response exceeds the {max_bytes}-byte cap")
            chunks.append(chunk)
    return Fetched(response.status_code, b"".join(chunks), got, str(response.url), moved)


def _next(current: httpx.URL, location: str) -> str:
    """The absolute URL a Location header points to; SourceError unless it is http(s)."""
    try:
        target = current.join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise SourceError(one_line(f"redirected to an unusable URL {location!r} ({exc})")) from None
    if target.scheme not in ("http", "https") or not target.host:
        raise SourceError(one_line(f"redirected to {location[:80]!r}, not an http(s) URL"))
    return str(target)


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return None
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme, 0)
    return parsed.scheme, parsed.host.lower(), port


def _same_origin(origin: tuple[str, str, int] | None, url: httpx.URL) -> bool:
    """`url` is on `origin`, or on its https upgrade (same host, default ports)."""
    here = _origin(str(url))
    if origin is None or here is None:
        return False
    upgrade = origin[0] == "http" and origin[2] == 80 and here == ("https", origin[1], 443)
    return here == origin or upgrade


def fetch_bytes(
    client: httpx.Client,
    url: str,
    max_bytes: int,
    *,
    headers: Mapping[str, str] | None = None,
    own_headers: Mapping[str, str] | None = None,
) -> tuple[bytes, dict[str, str]]:
    """GET the feed at `url` (a URL the config names) or read a file: URL, up to `max_bytes`;
    raise SourceError with the reason."""
    if url.startswith("file:"):
        return read_file_url(url, max_bytes), {}
    timeout = client.timeout.read or 20.0
    got = get(
        client,
        url,
        max_bytes=max_bytes,
        timeout=timeout,
        headers=headers,
        own_url=url,
        own_headers=own_headers,
        trusted=True,
    )
    if got.status != 200:
        raise SourceError(f"HTTP {got.status}")
    return got.body, got.headers


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
