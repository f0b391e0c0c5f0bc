"""Hostile documents and a loopback server that misbehaves on purpose: endless, trickling,
compressed-bomb and oversized responses. Shared by the hostile-input tests."""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pace

TRICKLE = 0.5  # seconds between the bytes of /trickle and /trickle-head: under a read timeout
ABOUT = "<description>Japan and North Korea held talks on the abduction issue.</description>"


def billion_laughs(root: str = "rss") -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(levels) + "\n]>\n"
        f'<{root} version="2.0"><channel><title>laughs</title><item><title>&lol9;</title>'
        f"<link>http://laughs.invalid/1</link>{ABOUT}</item></channel></{root}>"
    ).encode()


def external_entity(url: str = "file:///etc/passwd") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{url}">]>\n'
        '<rss version="2.0"><channel><title>xxe</title><item><title>Secret &xxe; here</title>'
        "<link>http://xxe.invalid/1</link><description>Body &xxe; end</description></item>"
        "</channel></rss>"
    ).encode()


def parameter_entity(url: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{url}"> %ext;]>\n'
        '<rss version="2.0"><channel><title>pe</title><item><title>Parameter</title>'
        f"<link>http://pe.invalid/1</link>{ABOUT}</item></channel></rss>"
    ).encode()


def external_dtd(url: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{url}">\n'
        '<rss version="2.0"><channel><title>dtd</title><item><title>External DTD &ent;</title>'
        f"<link>http://dtd.invalid/1</link>{ABOUT}</item></channel></rss>"
    ).encode()


def many_entries(count: int) -> bytes:
    entries = b"".join(
        b"<item><title>Entry %d</title><guid>urn:e:%d</guid></item>" % (n, n) for n in range(count)
    )
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>many</title>'
        + entries
        + b"</channel></rss>"
    )


def huge_title(chars: int) -> bytes:
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><item><title>'
        + b"Japan " * (chars // 6)
        + b"</title><guid>urn:big</guid>"
        + ABOUT.encode()
        + b"</item></channel></rss>"
    )


PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin", "daemon:")


class HostileServer:
    """Routes: /endless (1 GB, no length), /declared (Content-Length 1 GB), /gzip-bomb,
    /trickle (one body byte a second), /trickle-head (the status line, one byte a second), and
    any `documents[path]` served whole. `sent[path]` counts the body bytes written."""

    GIGABYTE = 1_000_000_000

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.sent: dict[str, int] = {}
        self.hits: list[str] = []
        self._bomb = _gzip_of_zeros(200_000_000)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                # The client giving up (BrokenPipe, reset) is the point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        self.sent.setdefault(path, 0)
        if path == "/trickle-head":
            for byte in b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n" * 100:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(TRICKLE)
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if path == "/declared":
            handler.send_header("Content-Length", str(self.GIGABYTE))
        if path == "/gzip-bomb":
            handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Content-Length", str(len(self._bomb)))
        document = self.documents.get(path)
        if document is not None:
            handler.send_header("Content-Length", str(len(document)))
        handler.end_headers()
        if path in ("/endless", "/declared"):
            for chunk in _endless(self.GIGABYTE):
                handler.wfile.write(chunk)
                self.sent[path] += len(chunk)
        elif path == "/gzip-bomb":
            handler.wfile.write(self._bomb)
        elif path == "/trickle":
            for byte in b'<?xml version="1.0"?><rss version="2.0"><channel>' * 100:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                self.sent[path] += 1
                time.sleep(TRICKLE)
        elif document is not None:
            handler.wfile.write(document)


def _endless(total: int) -> Iterator[bytes]:
    head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>'
    item = b"<item><title>again</title><description>" + b"x" * 900 + b"</description></item>"
    chunk = item * 64
    yield head
    sent = len(head)
    while sent < total:
        yield chunk
        sent += len(chunk)


def _gzip_of_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = b"\0" * 1_000_000
    parts = [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)
