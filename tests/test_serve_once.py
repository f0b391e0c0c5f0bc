"""`digest serve --once` as a real process: poll, publish what is due, deliver, exit; and serve's
log lines in one time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_process import digest
from smtp import MailServer
from test_schedule import ARTICLE, seed_jobs

from digest.config import load_config


def write_site(tmp_path: Path, *, publish: str, mail_port: int | None = None) -> Path:
    saved = tmp_path / "saved"
    saved.mkdir(exist_ok=True)
    (saved / "talks.txt").write_text(ARTICLE)
    mail = (
        f"mail: {{host: 127.0.0.1, port: {mail_port}, security: none,"
        " sender: digest@example.org, timeout: 2}\n"
        if mail_port
        else ""
    )
    recipients = "[ann@example.org]" if mail_port else "[]"
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "timezone: Asia/Tokyo\ncatch_up: 1h\n" + mail + "digests:\n"
        f"  - {{name: Daily brief, slug: daily, publish: '{publish}', recipients: {recipients}}}\n"
        "sources:\n  - {name: Saved, path: saved}\n"
    )
    return path


def due_two_minutes_ago() -> str:
    """A daily cron time two minutes ago, in the site's zone."""
    due = (datetime.now(UTC) - timedelta(minutes=2)).astimezone(ZoneInfo("Asia/Tokyo"))
    return f"{due.minute} {due.hour} * * *"


def editions(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "archive").glob("*/*-daily.html"))


def test_once_publishes_a_due_edition_mails_it_and_exits(tmp_path: Path) -> None:
    with MailServer() as mail:
        path = write_site(tmp_path, publish=due_two_minutes_ago(), mail_port=mail.port)
        # serve ran before the publishing time (installing its jobs), then the machine slept
        seed_jobs(load_config(path), now=datetime.now(UTC) - timedelta(minutes=5))
        first = digest("serve", "--once", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert len(editions(tmp_path)) == 1
        assert mail.inbox.recipients() == ["ann@example.org"]
        assert "publish Daily brief: wrote" in first.stderr
        assert "poll: 1 source read" in first.stderr
        # The period is done: a second run polls, publishes nothing, mails nothing, says when.
        again = digest("serve", "--once", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert len(editions(tmp_path)) == 1
        assert mail.inbox.recipients() == ["ann@example.org"]
        assert re.search(
            r"publish Daily brief: next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST", again.stderr
        )


def test_once_on_a_first_start_publishes_nothing_before_it(tmp_path: Path) -> None:
    write_site(tmp_path, publish=due_two_minutes_ago())
    result = digest("serve", "--once", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert editions(tmp_path) == []
    assert "publish Daily brief: next run" in result.stderr


def test_serve_logs_every_time_in_the_config_zone(tmp_path: Path) -> None:
    write_site(tmp_path, publish="0 7 * * mon")
    result = digest("serve", "--once", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST ", line) for line in lines)
    assert "UTC" not in result.stderr and "GMT" not in result.stderr


def test_once_leaves_what_it_stored_indexed_for_search(tmp_path: Path) -> None:
    from digest.publish.archive import DATABASE_NAME
    from digest.store import Store

    write_site(tmp_path, publish="0 7 * * mon")
    result = digest("serve", "--once", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 new; 1 item indexed for search" in result.stderr
    store = Store.open(tmp_path / "archive" / DATABASE_NAME)
    try:
        assert (store.count_items(), store.pending_index()) == (1, 0)
    finally:
        store.close()
