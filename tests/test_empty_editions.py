"""An edition with no stories under `digest serve`: skipped by default (not written, not mailed,
logged, not made again), or written, or written and mailed, as the digest's `empty` says."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mail_editions import loopback_mail, make_config
from smtp import MailServer, free_port
from test_schedule import editions, seed_jobs, serving, wait_for

from digest.config import Config
from digest.publish import archive
from digest.store import Store

OFF_TOPIC = (
    "Tokyo stocks rise on a weaker yen\n\n"
    "Tokyo stocks rose on Wednesday as exporters gained on a weaker yen, with the Nikkei "
    "average closing up 1.2 percent.\n"
)


def quiet_config(tmp_path: Path, empty: str | None, mail_port: int | None = None) -> Config:
    """A daily digest due two minutes ago whose period holds nothing on the topic."""
    saved = tmp_path / "saved"
    saved.mkdir(exist_ok=True)
    (saved / "stocks.txt").write_text(OFF_TOPIC)
    due = datetime.now(UTC) - timedelta(minutes=2)
    digest: dict[str, Any] = {
        "name": "Daily brief",
        "slug": "daily",
        "publish": f"{due.minute} {due.hour} * * *",
        "recipients": ["ann@example.org"] if mail_port else [],
    }
    if empty is not None:
        digest["empty"] = empty
    settings: dict[str, Any] = {"catch_up": "1h", "poll_every": "1h", "digests": [digest]}
    if mail_port:
        settings["mail"] = loopback_mail(mail_port)
    return make_config(tmp_path, **settings)


def published(config: Config, caplog: pytest.LogCaptureFixture) -> str:
    seed_jobs(config, now=datetime.now(UTC) - timedelta(minutes=3))
    with caplog.at_level(logging.INFO), serving(config):
        wait_for(lambda: "publish Daily brief" in caplog.text and "stories" in caplog.text)
        time.sleep(1)
    return caplog.text


def test_by_default_an_empty_edition_is_neither_written_nor_mailed_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    config = quiet_config(tmp_path, None, mail_port=port)
    with MailServer(port=port) as server:
        log = published(config, caplog)
        assert server.inbox.received == []
    assert editions(config) == []
    assert "no stories, nothing written or mailed (empty: skip)" in log
    store = Store.open(config.archive / archive.DATABASE_NAME)
    assert store.editions() == [] and store.deliveries() == []
    assert store.unfinished_publications() == []  # done with: not made at the next start
    store.close()
    with serving(config):
        time.sleep(1)
    assert editions(config) == []


def test_empty_write_writes_the_edition_for_no_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    config = quiet_config(tmp_path, "write", mail_port=port)
    with MailServer(port=port) as server:
        log = published(config, caplog)
        assert server.inbox.received == []
    [page] = editions(config)
    assert "No new stories on this topic" in page.read_text()
    assert "0 stories, not mailed (empty: write)" in log
    store = Store.open(config.archive / archive.DATABASE_NAME)
    assert store.deliveries() == []
    store.close()


def test_empty_mail_writes_and_mails_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    config = quiet_config(tmp_path, "mail", mail_port=port)
    with MailServer(port=port) as server:
        published(config, caplog)
        wait_for(lambda: len(server.inbox.received) == 1)
    assert len(editions(config)) == 1
    assert server.inbox.recipients() == ["ann@example.org"]


def test_a_bad_empty_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        quiet_config(tmp_path, "sometimes")
