"""Anything printed to a terminal or a text part is one line of visible characters: a link that
holds a line break cannot forge a line of the text edition or the mail, and escape sequences
from feeds and file names never reach the terminal (`digest search`, warnings, log lines)."""

from __future__ import annotations

import email
import logging
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from conftest import LoopbackServer, Route, WriteConfig
from conftest import run_digest as digest
from feeds import ABDUCTION_TALKS, rfc822, rss

from digest.sources.feeds import parse_feed
from digest.visible import VisibleFormatter, one_line

FORGED = "Link: http://evil.example/phish"
# Anything a terminal acts on or hides: ESC, CSI (7- and 8-bit), BEL, bidi overrides, NEL.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>http://news.invalid/</link>
<description>t</description>
<item><title>Japan and North Korea hold abduction talks &#155;2J &#8238;txt.exe</title>
<link>http://news.invalid/a&#13;&#10;{FORGED}&#13;&#10;</link>
<guid>urn:hostile:1</guid><pubDate>{rfc822(1)}</pubDate>
<author>ann&#133;{FORGED}</author>
<description><![CDATA[{ABDUCTION_TALKS}]]></description></item>
</channel></rss>""".encode()


def assert_visible_lines(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith(FORGED), line
        assert not INVISIBLE.search(line), repr(line)


def test_no_line_is_forged_and_no_escape_reaches_the_terminal(
    server: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "evil\x1b]0;pwned\x07\x1b[2J.txt").write_bytes(bytes(range(256)) * 100)  # binary
    url = server.add("/feed", Route(HOSTILE_FEED))
    config = write_config(
        f"archive: {tmp_path / 'archive'}\n"
        "digests: [{name: Weekly, slug: weekly}]\n"
        f"sources:\n  - {{name: Hostile, url: '{url}'}}\n  - {{name: Saved, path: {clips}}}\n"
    )
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "a binary file" in result.stderr  # the warning names the file...
    assert_visible_lines(result.stderr)  # ...without its escapes
    [text_path] = (tmp_path / "archive").glob("*/*.txt")
    edition = text_path.read_text()
    assert "Link: http://news.invalid/a%0D%0ALink:%20http://evil.example/phish" in edition
    assert_visible_lines(edition)

    eml = tmp_path / "edition.eml"
    sent = digest(
        "send",
        text_path.stem,
        "--to",
        "ann@example.org",
        "--eml",
        eml,
        "--config",
        config,
        cwd=tmp_path,
    )
    assert sent.returncode == 0, sent.stderr
    message = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    plain = part.get_content()
    assert "Link: http://news.invalid/a" in plain
    assert_visible_lines(plain)

    found = digest("search", "abduction", "--config", config, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert found.stdout.count("\n") == 3  # one hit: title; outlet and date; link
    assert "news.invalid/a" in found.stdout
    assert_visible_lines(found.stdout + found.stderr)


def test_log_lines_are_one_visible_line_each() -> None:
    formatter = VisibleFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord(
        "digest",
        logging.WARNING,
        __file__,
        1,
        "source %s: %s",
        ("a\x1b[2J", "x\nINFO forged"),
        None,
    )
    assert formatter.format(record) == "WARNING source a[2J: x INFO forged"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\r\nb", "a b"),
        ("tab\there", "tab here"),
        ("\x1b]0;title\x07bell", "]0;titlebell"),
        ("\x9b2Jcsi", "2Jcsi"),
        ("\u202etxt.exe", "txt.exe"),
        ("para\u2029graph\x85nel", "para graph nel"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("tag\U000e0041s", "tags"),
        ("日本と北朝鮮 — ok", "日本と北朝鮮 — ok"),
    ],
)
def test_one_line_keeps_only_visible_characters(text: str, shown: str) -> None:
    assert one_line(text) == shown


@pytest.mark.parametrize(
    "link",
    ["file:///etc/passwd", "FILE:///home/ann/.ssh/id_rsa", "javascript:alert(1)", "/relative"],
)
def test_a_feed_links_readers_to_the_web_only(link: str) -> None:
    document = rss([{"title": "Talks", "link": link, "guid": "g1", "date": rfc822(1), "body": "b"}])
    for fast in (True, False):
        [item] = parse_feed(
            document, source="F", now=datetime.now(UTC), headers={}, fast=fast
        ).items
        assert item.link == "", (fast, item.link)
