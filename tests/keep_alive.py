"""Keep-alive HTTP servers on loopback for the connection-pool tests: each answers /N with the
bytes "/N" and keeps the connection open between requests."""

from __future__ import annotations

import functools
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pace


class KeepAlive(SimpleHTTPRequestHandler):
    """Files from `directory`; the connection stays open between requests."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """A client closing its connection mid-answer is what the race tests provoke: not news."""

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def keep_alive_servers(
    count: int, handler: type[KeepAlive] = KeepAlive, paths: int = 200
) -> Iterator[list[str]]:
    """`count` servers on loopback answering /0 .. /(paths - 1); their base URLs."""
    with tempfile.TemporaryDirectory() as folder:
        for number in range(paths):
            (Path(folder) / str(number)).write_bytes(f"/{number}".encode())
        serve = functools.partial(handler, directory=folder)
        running = [QuietServer(("127.0.0.1", 0), serve) for _ in range(count)]
        for server in running:
            server.daemon_threads = True
            threading.Thread(
                target=server.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True
            ).start()
        try:
            yield [f"http://127.0.0.1:{s.server_address[1]}" for s in running]
        finally:
            for server in running:
                server.shutdown()
                server.server_close()
