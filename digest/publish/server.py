"""`digest archive serve`: the browsable archive over HTTP on loopback, and nothing else.

A request is decoded once (percent-escapes, dot segments) and only then decided, against the list
of files the site builder makes (`site.site_paths`): the pages, index, feed, search page and the
saved articles the editions link to. Everything else in the folder (the database, lock files,
journals, hidden names, stray files) does not exist as far as the server is concerned, so no
spelling of a path can reach it. A file is opened at its real path and only when that path is
inside the archive: a symlink out of it is refused. `Host` must name the address it listens on,
so a web page whose domain is rebound to 127.0.0.1 gets nothing, and every connection has a
deadline.
"""

from __future__ import annotations

import contextlib
import html
import os
import posixpath
import socket
import sqlite3
import stat
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from digest.publish.site import SitePaths

IDLE_TIMEOUT = 10.0  # seconds a client may stay silent
CONNECTION_DEADLINE = 60.0  # seconds one connection may last, however it trickles
MAX_CONNECTIONS = 32
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".xml": "application/atom+xml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
# Saved articles are not digest's output: a saved page may hold scripts. Served sandboxed, they
# run nothing and act as no origin of the archive.
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"


class Allowed:
    """The archive-relative paths that may be served, refreshed when `stamp()` changes."""

    def __init__(self, load: Callable[[], SitePaths], stamp: Callable[[], object]) -> None:
        self._load, self._stamp = load, stamp
        self._lock = threading.Lock()
        self._seen: object = None
        self._paths = SitePaths(frozenset(), frozenset())

    def paths(self) -> SitePaths:
        """The current list; the last good one while the store cannot be read (a run may hold
        it, a disk may fail): serving a little stale beats failing every request."""
        with self._lock:
            now = self._stamp()
            if self._seen is None or now != self._seen:
                with contextlib.suppress(sqlite3.Error):
                    self._paths, self._seen = self._load(), now
            return self._paths


def request_path(target: str) -> str | None:
    """The archive-relative path a request target names, decoded, or None when it names
    nothing servable (NUL, backslash, a dot segment, a hidden name, bad escapes)."""
    raw = urlsplit(target).path
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or "\0" in path or "\\" in path:
        return None
    parts = path.split("/")[1:]
    if any(p.startswith(".") for p in parts):  # also "." and ".." themselves
        return None
    return "/".join(parts)


def listing(paths: frozenset[str], folder: str) -> list[str] | None:
    """The names right under `folder` ("" or "2026/") among `paths`; None if it holds none."""
    names = {
        p[len(folder) :].split("/", 1)[0] + ("/" if "/" in p[len(folder) :] else "")
        for p in paths
        if p.startswith(folder)
    }
    return sorted(names) if names else None


class ArchiveHandler(BaseHTTPRequestHandler):
    server: ArchiveServer
    timeout = IDLE_TIMEOUT

    def version_string(self) -> str:
        return "digest"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            self._refuse(HTTPStatus.MISDIRECTED_REQUEST, body)
            return
        path = request_path(self.path)
        if path is None:
            self._refuse(HTTPStatus.NOT_FOUND, body)
            return
        site = self.server.allowed.paths()
        allowed = site.all
        if path == "" or path.endswith("/"):
            if path + "index.html" in allowed:
                path += "index.html"
            else:
                self._list(allowed, path, body)
                return
        elif path not in allowed:
            if listing(allowed, path + "/") is not None:
                self._redirect(posixpath.basename(path) + "/", body)
            elif path == "favicon.ico":  # browsers ask unprompted: say "none" without an error
                self._send(HTTPStatus.NO_CONTENT, b"", "text/plain", body)
            else:
                self._refuse(HTTPStatus.NOT_FOUND, body)
            return
        data = self.server.read(path, allowed)
        if data is None:
            self._refuse(HTTPStatus.NOT_FOUND, body)
            return
        kind = CONTENT_TYPES.get(posixpath.splitext(path)[1].lower(), "application/octet-stream")
        extra = {} if path in site.own else {"Content-Security-Policy": SANDBOX}
        self._send(HTTPStatus.OK, data, kind, body, extra)

    def _list(self, allowed: frozenset[str], folder: str, body: bool) -> None:
        names = listing(allowed, folder)
        if names is None:
            self._refuse(HTTPStatus.NOT_FOUND, body)
            return
        items = "".join(f'<li><a href="{quote(n)}">{html.escape(n)}</a></li>' for n in names)
        title = html.escape(f"/{folder}")
        page = f"<!doctype html><meta charset=utf-8><title>{title}</title><ul>{items}</ul>\n"
        self._send(HTTPStatus.OK, page.encode(), CONTENT_TYPES[".html"], body)

    def _redirect(self, location: str, body: bool) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", body, {"Location": location})

    def _refuse(self, status: HTTPStatus, body: bool) -> None:
        self._send(status, f"{status.value} {status.phrase}\n".encode(), "text/plain", body)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        kind: str,
        body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and data:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        line = f"{self.address_string()} {format % args}"
        self.server.log("".join(c if c.isprintable() else repr(c)[1:-1] for c in line))


class ArchiveServer(ThreadingHTTPServer):
    """Serves `root` on loopback; `allowed` lists what may be served."""

    daemon_threads = True

    def __init__(
        self,
        root: Path,
        allowed: Allowed,
        *,
        port: int,
        log: Callable[[str], None],
        host: str = "127.0.0.1",
    ) -> None:
        self.root = root.resolve()
        self.allowed = allowed
        self.log = log
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__((host, port), ArchiveHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def host_allowed(self, header: str | None) -> bool:
        """True when `Host` names this server: its address or localhost, and its port."""
        if header is None:
            return False
        host, _, port = header.strip().lower().rpartition(":")
        if not host or not port.isdigit():
            host, port = header.strip().lower(), "80"
        return host in (str(self.server_address[0]), "localhost") and int(port) == self.port

    def read(self, path: str, allowed: frozenset[str]) -> bytes | None:
        """The bytes of archive-relative `path`, if it is a regular file whose real path is
        `path` itself or another servable file: a symlink may lead only to what could be
        served anyway, never out of the archive nor to its database."""
        real = os.path.realpath(self.root / path)
        if os.path.commonpath([real, self.root]) != str(self.root):
            return None
        if Path(real).relative_to(self.root).as_posix() not in allowed:
            return None
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return handle.read()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):  # too many at once: drop the newest
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        cut = threading.Timer(CONNECTION_DEADLINE, _cut, (request,))
        cut.daemon = True
        cut.start()
        try:
            super().process_request_thread(request, client_address)
        finally:
            cut.cancel()
            self._slots.release()


def _cut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        connection.shutdown(socket.SHUT_RDWR)
