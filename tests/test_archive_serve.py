"""`digest archive serve` as a real process on 127.0.0.1, asked by a real HTTP client.

It serves what the site builder wrote and the saved articles the pages link to, and nothing else
of the archive folder, however the path is spelt; it refuses foreign `Host`s (DNS rebinding),
lists no hidden names, follows no symlink out of the archive and drops idle clients.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import LoopbackServer, Route, WriteConfig, archive_served, digest
from editions import make_three_editions
from feeds import ABDUCTION_TALKS, rfc822, rss

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/2026/2026-10-26-japan-north-korea.html"
SECRET = b"PRIVATE-CLIPPING-NOTE"

pytestmark = pytest.mark.timeout(60)


@dataclass(frozen=True)
class Served:
    archive: Path
    port: int

    def get(self, target: str, host: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        """GET `target` exactly as written (no client-side normalising), with `Host`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    archive = make_three_editions(folder)
    # What a careless folder may hold beside the site: private notes, a symlink out, junk.
    (archive / "clippings" / ".private.txt").write_text(SECRET.decode(), encoding="utf-8")
    (archive / "clippings" / "unlinked-note.txt").write_text(SECRET.decode(), encoding="utf-8")
    (archive / "clippings" / "passwd.txt").symlink_to("/etc/passwd")
    (archive / "2026" / "escape.html").symlink_to("/etc/passwd")
    # Linked clippings replaced by symlinks: to the database (refused), to a page (served).
    (archive / "clippings" / "remains.txt").unlink()
    (archive / "clippings" / "remains.txt").symlink_to("../digest.sqlite3")
    (archive / "clippings" / "missile.txt").unlink()
    (archive / "clippings" / "missile.txt").symlink_to("abduction-talks.txt")
    (archive / ".hidden").mkdir()
    (archive / ".hidden" / "index.html").write_text("hidden", encoding="utf-8")
    with archive_served(folder) as url:
        yield Served(archive, int(url.rsplit(":", 1)[1].strip("/")))


def test_the_site_and_its_linked_clippings_are_served(served: Served) -> None:
    for target in ("/", "/index.html", PAGE, "/feed.xml", "/search.html", "/search-index.js"):
        status, body, headers = served.get(target)
        assert status == 200, target
        assert headers["X-Content-Type-Options"] == "nosniff"
    status, body, _ = served.get("/2026/2026-10-26-japan-north-korea.txt")
    assert status == 200 and b"abduction talks" in body
    status, body, headers = served.get("/clippings/abduction-talks.txt")
    assert status == 200 and b"Ulaanbaatar" in body
    assert headers["Content-Security-Policy"].startswith("sandbox")  # a saved page runs nothing
    status, body, _ = served.get("/clippings/missile.txt")  # a symlink to a servable file
    assert status == 200 and b"Ulaanbaatar" in body


@pytest.mark.parametrize(
    "target",
    [
        "/digest.sqlite3",
        "/digest%2esqlite3",
        "/digest%2Esqlite3",
        "/%64igest.sqlite3",
        "/%64%69%67%65%73%74%2e%73%71%6c%69%74%65%33",
        "/digest.sqlite3-wal",
        "/digest.sqlite3%00.html",
        "/.lock",
        "/%2elock",
        "/%2e%6cock",
        "/.serve.lock",
        "/clippings/.private.txt",
        "/clippings/%2eprivate.txt",
        "/clippings%2f.private.txt",
        "/clippings/unlinked-note.txt",
        "/2026/../digest.sqlite3",
        "/2026/%2e%2e/digest.sqlite3",
        "/2026/%2e%2e%2fdigest.sqlite3",
        "/2026%2f..%2fdigest.sqlite3",
        "/./digest.sqlite3",
        "//digest.sqlite3",
        "/2026\\..\\digest.sqlite3",
        "/digest.sqlite3?x=index.html",
        "/clippings/passwd.txt",
        "/clippings/remains.txt",
        "/2026/escape.html",
        "/.hidden/index.html",
        "/%2ehidden/",
        "/etc/passwd",
        "http://127.0.0.1/digest.sqlite3",
    ],
)
def test_nothing_else_of_the_folder_is_served(served: Served, target: str) -> None:
    status, body, _ = served.get(target)
    assert status in (400, 404), (target, status)
    assert b"SQLite" not in body and SECRET not in body and b"root:" not in body


def test_listings_name_only_what_may_be_served(served: Served) -> None:
    status, body, _ = served.get("/clippings/")
    assert status == 200
    assert b"abduction-talks.txt" in body
    for hidden in (b".private", b"unlinked-note", b"passwd"):
        assert hidden not in body
    status, body, _ = served.get("/2026/")
    assert status == 200 and b"2026-10-26-japan-north-korea.html" in body
    assert b"escape.html" not in body
    assert served.get("/2026")[0] == 301


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "127.0.0.1.evil.example:{port}"]
)
def test_a_foreign_host_gets_nothing(served: Served, host: str) -> None:
    status, body, _ = served.get("/index.html", host=host.format(port=served.port))
    assert status == 421
    assert b"<html" not in body.lower()


def test_localhost_by_name_is_answered(served: Served) -> None:
    assert served.get("/index.html", host=f"localhost:{served.port}")[0] == 200
    assert served.get("/index.html", host=f"LOCALHOST:{served.port}")[0] == 200


def test_a_request_without_host_gets_nothing(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as connection:
        connection.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
        answer = connection.recv(100)
    assert answer.startswith(b"HTTP/1.0 421")


def test_an_idle_client_is_dropped(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        connection.sendall(b"GET /index.html HTTP/1.1\r\n")  # and then nothing
        started = time.monotonic()
        while connection.recv(4096):
            pass
        assert time.monotonic() - started < 20
    assert served.get("/index.html")[0] == 200  # the server goes on


def test_a_feed_linking_into_the_archive_gets_nothing_served(
    server: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    """A feed is untrusted: its entry's file: link to the database is no saved article."""
    archive = tmp_path / "archive"
    hostile = {
        "title": "Japan and North Korea hold abduction talks",
        "link": f"file:{archive / 'digest.sqlite3'}",  # would be linked as ../digest.sqlite3
        "date": rfc822(1),
        "body": ABDUCTION_TALKS,
    }
    server.add("/rss", Route(rss([hostile])))
    config = write_config(f"sources:\n  - {{name: Wire, url: '{server.url('/rss')}'}}\n")
    made = digest("run", "--config", config, cwd=tmp_path)
    assert made.returncode == 0 and "1 on topic" in made.stdout, made.stderr
    for page in (*archive.glob("*/*.html"), *archive.glob("*/*.txt")):  # no link to it either
        assert "digest.sqlite3" not in page.read_text(encoding="utf-8")
    with archive_served(tmp_path) as url:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        here = Served(archive, port)
        assert here.get("/index.html")[0] == 200
        status, body, _ = here.get("/digest.sqlite3")
        assert status == 404 and b"SQLite" not in body
        assert b"digest.sqlite3" not in here.get("/")[1]
