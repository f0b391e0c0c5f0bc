"""`archive_url`: every link in the pages, the feed and the mail is absolute to where the archive
is published, saved articles included (copied in when they live outside the archive); without
it, mail never carries a dead link (relative or file://) but says where a saved article is.

The published archive is served by a real HTTP server on 127.0.0.1 under a path prefix, and
every link found is fetched from it.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import lxml.etree
import lxml.html
import pace
import pytest
from click.testing import CliRunner
from mail_editions import make_config, make_edition

from digest.cli.app import cli
from digest.config import load_config
from digest.delivery.dispatch import write_eml
from digest.delivery.links import mail_text_links
from digest.models import Edition
from digest.publish.render import edition_page
from digest.store import Store

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_FILE = "2026-11-missile-eez.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


class Published:
    """The archive folder served at http://127.0.0.1:PORT/pub/ (a static host)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)

        class Handler(SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                path = path.split("?", 1)[0].split("#", 1)[0]
                if not path.startswith("/pub/"):
                    return str(folder / "no-such-file")
                return super().translate_path("/" + path[len("/pub/") :])

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/pub/"

    def status(self, url: str) -> int:
        with urllib.request.urlopen(url.split("#")[0], timeout=10) as response:
            return int(response.status)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Path, Published]]:
    """A desk whose clippings are in the archive but one, saved in a folder outside it."""
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive" / "clippings", archive / "clippings")
    outside = tmp_path / "outside"
    outside.mkdir()
    (archive / "clippings" / OUTSIDE_FILE).rename(outside / OUTSIDE_FILE)
    published = Published(archive)
    published.thread.start()
    yield tmp_path, published
    published.httpd.shutdown()
    published.httpd.server_close()


def write_config(folder: Path, archive_url: str | None) -> Path:
    config = folder / "feeds.yaml"
    url = f"archive_url: {archive_url}\n" if archive_url else ""
    config.write_text(
        f"{url}timezone: UTC\nsources:\n"
        "  - {name: Clippings, path: archive/clippings}\n  - {name: Outside, path: outside}\n",
        encoding="utf-8",
    )
    return config


def run(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


def page_links(path: Path, base: str) -> list[str]:
    """Every link a reader follows on a page (not the search page's own script)."""
    document = lxml.html.fromstring(path.read_bytes())
    found = [str(e.get("href")) for e in document.iter("a", "link") if e.get("href")]
    found += [str(e.get("action")) for e in document.iter("form") if e.get("action")]
    return found


def feed_links(path: Path) -> list[str]:
    feed = lxml.etree.fromstring(path.read_bytes())
    found = [str(link.get("href")) for link in feed.iter(f"{ATOM}link")]
    for content in feed.iter(f"{ATOM}content"):
        body = lxml.html.fromstring(content.text or "<p></p>")
        found += [str(a.get("href")) for a in body.iter("a") if a.get("href")]
        assert str(content.get("{http://www.w3.org/XML/1998/namespace}base")).startswith("http")
    return found


def message_parts(path: Path) -> tuple[str, str]:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def eml(config: Path, folder: Path) -> tuple[str, str]:
    loaded = load_config(config)
    store = Store.open(loaded.archive / "digest.sqlite3")
    record = store.editions()[0]
    target = folder / "edition.eml"
    write_eml(loaded, record, ("ann@example.org",), target, now=record.until)
    store.close()
    return message_parts(target)


def test_with_archive_url_every_link_is_absolute_and_leads_somewhere(
    desk: tuple[Path, Published],
) -> None:
    folder, published = desk
    config = write_config(folder, published.url.rstrip("/"))  # the slash is added
    run(config, "run", "--since", "all", "--offline")
    archive = folder / "archive"
    pages = [*archive.glob("2*/*.html"), archive / "index.html", archive / "search.html"]
    links = [link for page in pages for link in page_links(page, published.url)]
    links += feed_links(archive / "feed.xml")
    text, html = eml(config, folder)
    mail = lxml.html.fromstring(html)
    links += [str(a.get("href")) for a in mail.iter("a", "link") if a.get("href")]
    followed = [link for link in links if not link.startswith("#")]  # anchors in the page
    assert len(followed) > 20
    assert [link for link in followed if not link.startswith(published.url)] == []
    for link in set(followed):
        assert published.status(link) == 200, link
    # The saved article from outside the archive is published as a copy, linked from all three.
    (copy,) = (archive / "saved").glob(f"*/{OUTSIDE_FILE}")
    assert copy.read_bytes() == (folder / "outside" / OUTSIDE_FILE).read_bytes()
    address = published.url + copy.relative_to(archive).as_posix()
    assert address in links and address in text
    assert "file:" not in text + html and "../" not in text + html
    for line in (line for line in text.splitlines() if "Link:" in line):
        assert line.strip().removeprefix("Link: ").startswith(published.url), line
    # A rebuild with nothing changed writes nothing, the copy included.
    assert run(config, "archive", "rebuild").strip() == "0 files changed"


def test_without_archive_url_mail_carries_no_dead_link(desk: tuple[Path, Published]) -> None:
    folder, _ = desk
    config = write_config(folder, None)
    run(config, "run", "--since", "all", "--offline")
    text, html = eml(config, folder)
    mail = lxml.html.fromstring(html)
    for element in mail.iter("a", "link"):
        href = str(element.get("href") or "")
        assert href.startswith(("http://", "https://", "mailto:", "#")), href
    assert "file:" not in text and "../" not in text and "feed.xml" not in html
    # Each saved article says where it is instead, on the digest host.
    outside = (folder / "outside" / OUTSIDE_FILE).resolve()
    inside = (folder / "archive" / "clippings" / "2026-11-red-cross-remains-talks.txt").resolve()
    for part in (text, html):
        assert f"saved article on the digest host: {outside}" in part
        assert f"saved article on the digest host: {inside}" in part
    # The archive itself stays portable: relative links inside it, no copies made.
    page = next((folder / "archive").glob("2*/*.html"))
    assert not (folder / "archive" / "saved").exists()
    assert all(
        not urlparse(link).scheme or link.startswith("file:")
        for link in page_links(page, "")
        if not link.startswith("#")
    )


def test_a_feed_link_to_a_file_is_never_published(tmp_path: Path) -> None:
    """Only saved articles are copied; a feed's `file:` link (untrusted) is dropped instead."""
    edition: Edition = make_edition(make_config(tmp_path))
    page = edition_page(
        edition, page_path="2026/x.html", archive_root="/srv/a", base_url="https://d.example/"
    )
    assert page.href("file:///etc/passwd") == ""
    assert page.href("file:///srv/a/clippings/x.md#article-2") == ""  # no saved article's link
    assert page.portable("file:///srv/a/clippings/x.md#article-2") == (
        "https://d.example/clippings/x.md#article-2"
    )
    assert page.href("https://news.example/a") == "https://news.example/a"
    assert page.index_href == "https://d.example/index.html"
    assert urljoin(page.feed_href, "x") == "https://d.example/x"


@pytest.mark.parametrize(
    "value", ["ftp://files.example.org/", "digest.example.org", "https://d.example/?q=1", "https:"]
)
def test_a_bad_archive_url_is_a_config_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "saved").mkdir()
    config = tmp_path / "feeds.yaml"
    config.write_text(f"archive_url: '{value}'\nsources:\n  - {{name: S, path: saved}}\n")
    result = subprocess.run(
        [sys.executable, "-m", "digest", "run", "--offline", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "archive_url" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "archive").exists()


def test_only_digests_own_links_are_rewritten_in_mail_text(tmp_path: Path) -> None:
    """Words in a story that look like paths stay as the outlet wrote them."""
    archive = tmp_path / "archive"
    (archive / "2026").mkdir(parents=True)
    (archive / "clippings").mkdir()
    (archive / "clippings" / "a.md").write_text("saved")
    text_file = archive / "2026" / "e.txt"
    text = "Link: ../clippings/a.md#article-1\nsee /etc/hostname and ../../../../../etc/hostname"
    mailed = mail_text_links(text, text_file=text_file, archive=archive, base="", text_url="")
    saved = (archive / "clippings" / "a.md").resolve()
    assert mailed.splitlines()[0] == f"Link: (saved article on the digest host: {saved})"
    assert mailed.splitlines()[1] == text.splitlines()[1]
    published = mail_text_links(
        text,
        text_file=text_file,
        archive=archive,
        base="https://d.example/",
        text_url="https://d.example/2026/e.txt",
    )
    assert published.splitlines()[0] == "Link: https://d.example/clippings/a.md#article-1"
