"""A loopback feed server for the polling benchmark: asyncio, in its own process.

Serves `count` feeds built from the real feed files in ../shared/eval/feeds/real (read by path,
never copied): each has 10-50 entries made unique per feed, and answers after `delay` seconds.

- `/f/N`  sends ETag and Last-Modified and answers 304 to a matching conditional request;
- `/nv/N` sends the same bytes with neither validator (the hash path).
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import re
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "feeds" / "real"
_BLOCK = re.compile(rb"<(item|entry)[\s>].*?</\1>", re.DOTALL)
_IDS = re.compile(rb"(<(guid|link|id)(?:\s[^>]*)?>)(.*?)(</\2>)", re.DOTALL)


def templates() -> list[tuple[bytes, list[bytes], bytes]]:
    """(head, entry blocks, tail) of each well-formed RSS/RDF/Atom file in the real set."""
    manifest = (REAL / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    found = []
    for line in manifest[1:]:
        cols = line.split("\t")
        name, fmt, bozo = cols[0], cols[7], cols[9]
        if not fmt.startswith(("rss", "atom")) or bozo != "0":
            continue
        data = (REAL / name).read_bytes()
        blocks = [m.group(0) for m in _BLOCK.finditer(data)]
        if not blocks:
            continue
        start = data.index(blocks[0])
        end = data.rindex(blocks[-1]) + len(blocks[-1])
        found.append((data[:start], blocks, data[end:]))
    if not found:
        raise SystemExit(f"no feed templates found under {REAL}")
    return found


def build_feeds(count: int) -> list[bytes]:
    """`count` feed documents of 10-50 entries, each entry's ids and title unique."""
    shapes = templates()
    feeds = []
    for number in range(count):
        head, blocks, tail = shapes[number % len(shapes)]
        entries = 10 + (number * 7) % 41
        body = []
        for index in range(entries):
            block = blocks[index % len(blocks)]
            mark = f"f{number}e{index}".encode()
            block = _IDS.sub(
                lambda m, k=mark: m.group(1) + m.group(3) + b"#" + k + m.group(4), block
            )
            block = block.replace(b"</title>", b" " + mark + b"</title>", 1)
            body.append(block)
        feeds.append(head + b"".join(body) + tail)
    return feeds


async def _serve(
    socks: list[socket.socket], feeds: list[bytes], delay: float, first: Any = None
) -> None:
    tags = [b'"' + hashlib.sha1(f).hexdigest().encode() + b'"' for f in feeds]
    modified = formatdate(1_700_000_000, usegmt=True).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if first is not None and not first.value:
                    first.value = time.monotonic()  # one clock for every process on Linux
                request, *lines = head.split(b"\r\n")
                path = request.split(b" ")[1].decode()
                headers = {}
                for line in lines:
                    key, _, value = line.partition(b":")
                    headers[key.strip().lower()] = value.strip()
                await asyncio.sleep(delay)
                kind, _, number = path.strip("/").partition("/")
                if not number.isdigit() or int(number) >= len(feeds) or kind not in ("f", "nv"):
                    status, extra, body = b"404 Not Found", b"", b"not found"
                else:
                    i = int(number)
                    body, status, extra = feeds[i], b"200 OK", b""
                    if kind == "f":
                        extra = b"ETag: " + tags[i] + b"\r\nLast-Modified: " + modified + b"\r\n"
                        if headers.get(b"if-none-match") == tags[i] or (
                            b"if-none-match" not in headers
                            and headers.get(b"if-modified-since") == modified
                        ):
                            status, body = b"304 Not Modified", b""
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/xml\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body
                )
                await writer.drain()
                if headers.get(b"connection", b"").lower() == b"close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, sock=s, backlog=1024) for s in socks]
    await asyncio.gather(*(s.serve_forever() for s in servers))


def _run(socks: list[socket.socket], count: int, delay: float, first: Any = None) -> None:
    asyncio.run(_serve(socks, build_feeds(count), delay, first))


def start(count: int, delay: float) -> tuple[str, multiprocessing.Process]:
    """Start the server in a child process; return its base URL and the process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    process = multiprocessing.get_context("fork").Process(
        target=_run, args=([sock], count, delay), daemon=True
    )
    process.start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}", process


@dataclass
class Hosts:
    """A server answering on 127.0.0.1 .. 127.0.0.N, one port; `first` holds the monotonic time
    of the first request since it was last set to 0."""

    bases: list[str]
    process: multiprocessing.Process
    first: Any

    def url(self, kind: str, number: int) -> str:
        return f"{self.bases[number % len(self.bases)]}/{kind}/{number}"


def start_hosts(count: int, delay: float, hosts: int) -> Hosts:
    """Start one server process listening on `hosts` loopback addresses at the same port."""
    for _ in range(20):
        socks = []
        try:
            for number in range(1, hosts + 1):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                socks.append(sock)
                port = socks[0].getsockname()[1] if number > 1 else 0
                sock.bind((f"127.0.0.{number}", port))
                sock.listen(1024)
            break
        except OSError:  # the port was free on 127.0.0.1 but not on another address: again
            for sock in socks:
                sock.close()
    else:
        raise SystemExit(f"no port free on all of 127.0.0.1-127.0.0.{hosts}")
    context = multiprocessing.get_context("fork")
    first = context.Value("d", 0.0, lock=False)
    process = context.Process(target=_run, args=(socks, count, delay, first), daemon=True)
    process.start()
    port = socks[0].getsockname()[1]
    for sock in socks:
        sock.close()  # the child holds its own copies
    bases = [f"http://127.0.0.{n}:{port}" for n in range(1, hosts + 1)]
    return Hosts(bases, process, first)
