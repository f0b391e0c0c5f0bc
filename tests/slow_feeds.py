"""Many slow feeds on many loopback hosts: an asyncio server in a thread, for the tests that
stop or strain a poll while its requests are out (tests/test_serve_stop.py).

Feed N lives on host 127.0.0.(1 + N % hosts), each host on a port of its own; every answer
but the first `fast` feeds' waits `delay` seconds (settable while serving), then sends an RSS
document of two on-topic entries unique to the feed. It counts requests received and answered.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from datetime import UTC, datetime
from email.utils import format_datetime

BODY = (
    "<p>Japanese and North Korean officials met on the abduction issue, the Japanese Foreign "
    "Ministry said, and Tokyo pressed Pyongyang for a new inquiry into the fate of abductees.</p>"
)


def feed_document(number: int) -> bytes:
    date = format_datetime(datetime.now(UTC))
    entries = "".join(
        f"<item><title>Japan and North Korea talks, report {number}-{k}</title>"
        f"<link>http://news.invalid/{number}/{k}</link><guid>urn:slow:{number}:{k}</guid>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{BODY}]]></description></item>"
        for k in range(2)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Slow</title>'
        f"<link>http://news.invalid/</link><description>t</description>{entries}</channel></rss>"
    ).encode()


class SlowFeeds:
    def __init__(self, feeds: int, hosts: int, delay: float, fast: int = 0) -> None:
        self.feeds, self.delay, self.fast = feeds, delay, fast  # feeds below `fast`: no delay
        self.received = self.answered = 0
        self.sockets = []
        for number in range(hosts):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((f"127.0.0.{1 + number}", 0))
            sock.listen(1024)
            self.sockets.append(sock)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(30)

    def url(self, number: int) -> str:
        host, port = self.sockets[number % len(self.sockets)].getsockname()
        return f"http://{host}:{port}/feed/{number}"

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> list[asyncio.Server]:
            return [await asyncio.start_server(self._handle, sock=s) for s in self.sockets]

        self.servers = self.loop.run_until_complete(start())
        ready.set()
        self.loop.run_forever()
        for server in self.servers:
            server.close()
        handlers = asyncio.all_tasks(self.loop)
        for task in handlers:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*handlers, return_exceptions=True))
        self.loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.received += 1
                number = int(head.split(b" ", 2)[1].rsplit(b"/", 1)[1])
                await asyncio.sleep(self.delay if number >= self.fast else 0.0)
                body = feed_document(number)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                await writer.drain()
                self.answered += 1
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        except asyncio.CancelledError:  # closing: ends quietly, so asyncio reports nothing
            pass
        finally:
            writer.close()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        for sock in self.sockets:
            sock.close()
