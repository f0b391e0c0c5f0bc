"""Mail is untrusted output too. The hostile feed of tests/test_browser_hostile.py (scripts, event
handlers, `javascript:`/`data:` links, CSS, broken tags in titles, summaries, links and authors)
goes through a real poll into two editions of a digest with a hostile name, which serve's
delivery mails to a local aiosmtpd server. Each message's HTML part is opened in headless
Chromium with the same recorder (no script run, dialog, navigation or outside request); its text
part is plain text; and no header can be injected with CR/LF from a digest name or the sender.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import LoopbackServer, Route
from smtp import MailServer
from test_browser_hostile import PWN, Recorder, browser, hostile_feed, recorder

from digest.config import load_config
from digest.delivery.dispatch import deliver_due
from digest.delivery.mail import build_message, connector
from digest.edition import run_edition
from digest.errors import ConfigError
from digest.publish import archive
from digest.sources import build_sources
from digest.sources.http import make_client
from digest.store import DeliveryStatus, Store

__all__ = ["browser", "recorder"]  # the fixtures, shared with the archive's browser tests

pytestmark = pytest.mark.timeout(120)

NAME = "Evil <script>window.__pwned.push('name')</script> \"Weekly\" <img src=x onerror=alert(1)>"
RECIPIENTS = ("ann@example.org", "bo@example.org")
HEADERS = ("Subject", "From", "To", "Date", "Message-ID", "List-Id", "Auto-Submitted")
HEADERS += ("Content-Type", "MIME-Version")


@pytest.fixture(scope="module")
def mailed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[EmailMessage]]:
    """Two hostile editions, mailed to two recipients: the four messages as received."""
    folder = tmp_path_factory.mktemp("hostile-mail")
    server = LoopbackServer()
    server.thread.start()
    try:
        with MailServer() as smtp:
            url = server.add("/hostile", Route(hostile_feed(1)))
            config_path = folder / "feeds.yaml"
            config_path.write_text(
                "timezone: UTC\nfetch: {timeout: 5, max_pages: 0}\n"
                f"mail: {{host: 127.0.0.1, port: {smtp.port}, security: none,"
                " sender: 'Digest <digest@example.org>'}\n"
                f"digests:\n  - name: {json.dumps(NAME)}\n    slug: evil\n"
                f"    recipients: [{', '.join(RECIPIENTS)}]\n"
                f"sources:\n  - {{name: '<b onmouseover=alert(1)>Evil</b>', url: '{url}',"
                " full_text: false}\n",
                encoding="utf-8",
            )
            config = load_config(config_path)
            assert config.mail is not None
            store = Store.open(config.archive / archive.DATABASE_NAME)
            try:
                with make_client(config.fetch) as client:
                    for batch, day in ((1, 2), (2, 1)):
                        server.routes["/hostile"] = Route(hostile_feed(batch))
                        now = datetime.now(UTC) - timedelta(days=day) + timedelta(hours=2)
                        run_edition(
                            config=config,
                            sources=build_sources(config),
                            store=store,
                            client=client,
                            now=now,
                            since=timedelta(days=3),
                            recipients=RECIPIENTS,
                        )
                report = deliver_due(
                    config=config,
                    store=store,
                    connect=connector(config.mail),
                    now=datetime.now(UTC),
                )
                assert report.sent == 4, report
                assert {d.status for d in store.deliveries()} == {DeliveryStatus.SENT}
            finally:
                store.close()
            raw = [content for _, _, content in smtp.inbox.received]
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    yield [
        email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
        for data in raw
    ]


def _parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, html = (str(p.get_content()) for p in parts)
    return text, html


def test_the_hostile_stories_are_mailed(mailed: list[EmailMessage]) -> None:
    assert len(mailed) == 4
    for message in mailed:
        text, html = _parts(message)
        assert text.count("Abduction talks") >= 1 and "Abduction talks" in html


def test_the_html_part_runs_nothing_in_chromium(
    mailed: list[EmailMessage], recorder: Recorder, tmp_path: Path
) -> None:
    for number, message in enumerate(mailed):
        _, html = _parts(message)
        page = tmp_path / f"message-{number}.html"
        page.write_text(html, encoding="utf-8")
        recorder.open(page.as_uri())
        assert "Abduction talks" in recorder.page.inner_text("body")
        assert recorder.page.evaluate("document.scripts.length") == 0
        for link in recorder.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            assert link.startswith(("http://127.0.0.1", "http://evil.invalid/", "file://")), link
        for link in recorder.page.locator("a").all()[:8]:
            link.hover()
            link.focus()
        recorder.check(page.as_uri())
        # The markup is there as text only: shown, never parsed into elements.
        shown = recorder.page.inner_text("body")
        assert f"<script>{PWN}('script')</script>" in shown
        assert "<script>" in recorder.page.title() or "Evil" in recorder.page.title()


def test_the_text_part_is_plain(mailed: list[EmailMessage]) -> None:
    for message in mailed:
        text, _ = _parts(message)
        assert "\x00" not in text and "\r" not in text.replace("\r\n", "\n")
        # The markup is shown as the text it is (in the name, the outlet), never escaped.
        assert NAME.upper() in text and "<b onmouseover=alert(1)>Evil</b>" in text
        assert "&lt;b" not in text and "&amp;" not in text.replace("&amp;lt;", "")
        assert not re.search(r"<(p|div|a|br|html|body|h\d)\b[^>]*>", text, re.IGNORECASE)
        # Links only with schemes a reader may follow, as in the HTML part: mail clients make
        # links of what looks like one in plain text.
        links = re.findall(r"(?m)^ +Link: (\S+)", text)
        assert links and all(link.startswith("http://") for link in links), links
        assert not re.search(r"(?i)(java\s*script|vbscript|data):", text.replace(PWN, "")), text


def test_headers_are_as_built_and_carry_no_injection(mailed: list[EmailMessage]) -> None:
    for message in mailed:
        assert message["Subject"].startswith(NAME + " — ")
        assert message["List-Id"] == f"{NAME} <evil.example.org>"
        assert sorted(message.keys()) == sorted(HEADERS)
        assert message["To"] in RECIPIENTS


@pytest.mark.parametrize(
    "name",
    [
        "Weekly\r\nBcc: evil@example.net",
        "Weekly\nBcc: evil@example.net",
        "Weekly\rBcc: evil@example.net",
        "Weekly\r\n\r\n<script>alert(1)</script>",
        "Weekly\x00\x0bBcc: evil@example.net",
        "Weekly\u2028Bcc: evil@example.net",
        "Weekly\x85Bcc: evil@example.net",
    ],
)
def test_a_digest_name_cannot_inject_a_header(name: str) -> None:
    message = build_message(
        digest=name,
        slug="weekly",
        edition_date="2026-11-23",
        text="text",
        html="<!doctype html><html><body><p>html</p></body></html>",
        sender="Digest <digest@example.org>",
        recipients=("ann@example.org",),
        now=datetime(2026, 11, 23, tzinfo=UTC),
    )
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and b"\nBcc:" not in raw and b"\rBcc:" not in raw
    subject = parsed["Subject"]
    assert subject.startswith("Weekly ") and subject.endswith(" — 23 November 2026")
    assert not any(c in subject for c in "\r\n\x00\x0b\x85\u2028"), repr(subject)
    assert parsed.get_content_type() == "multipart/alternative"
    assert len(list(parsed.iter_parts())) == 2


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "Weekly\\r\\nBcc: evil@example.net"),
        ("sender", "Digest <digest@example.org>\\r\\nBcc: evil@example.net"),
    ],
)
def test_a_config_with_cr_lf_in_a_header_value_is_refused(
    tmp_path: Path, key: str, value: str
) -> None:
    name = value if key == "name" else "Weekly"
    sender = value if key == "sender" else "digest@example.org"
    path = tmp_path / "feeds.yaml"
    (tmp_path / "saved").mkdir()
    path.write_text(
        f'mail: {{host: 127.0.0.1, sender: "{sender}"}}\n'
        f'digests:\n  - {{name: "{name}", recipients: [ann@example.org]}}\n'
        "sources:\n  - {name: Saved, path: saved}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="control character"):
        load_config(path)
