"""`digest serve` as a real process: SIGKILL mid-edition, restart, no duplicate edition or mail;
SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pace
from conftest import ROOT, LoopbackServer, Route
from feeds import talks_feed
from smtp import MailServer
from test_schedule import seed_jobs, wait_for

from digest.config import load_config


def start_serve(config: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this worktree, not an installed copy
    return subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--config", str(config)],
        cwd=config.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_sigkill_mid_edition_then_restart_gives_one_edition_and_one_mail_each(
    tmp_path: Path, server: LoopbackServer
) -> None:
    feed = talks_feed()
    slow = server.add("/feed", Route(feed, delay=5))
    due = datetime.now(UTC) - timedelta(minutes=2)
    with MailServer() as mail:
        path = tmp_path / "feeds.yaml"
        path.write_text(
            "timezone: UTC\ncatch_up: 1h\npoll_every: 1h\nfetch: {timeout: 10}\n"
            f"mail: {{host: 127.0.0.1, port: {mail.port}, security: none,"
            " sender: digest@example.org, retry_every: 1s}\n"
            f"digests:\n  - {{name: Daily, slug: daily, publish: '{due.minute} {due.hour} * * *',"
            " recipients: [ann@example.org, bo@example.org]}\n"
            f"sources:\n  - {{name: Wire, url: '{slow}'}}\n"
        )
        config = load_config(path)
        seed_jobs(config, now=due - timedelta(minutes=1))  # serve was off at the time

        with pace.reaped(start_serve(path)) as first:
            wait_for(lambda: server.hits.get("/feed"))  # the catch-up edition is polling
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=pace.patience(5))
        assert list(config.archive.glob("*/*.html")) == []

        server.routes["/feed"] = Route(feed)
        with pace.reaped(start_serve(path)) as second:
            wait_for(lambda: len(mail.inbox.received) >= 2)
            time.sleep(pace.patience(1.5))  # time for any duplicate to show
            second.send_signal(signal.SIGTERM)
            output, _ = second.communicate(timeout=pace.patience(10))
        assert second.returncode == 0, output
        assert "received SIGTERM" in output, output
        assert re.search(r"stopped \d+\.\d s after the request to stop$", output.rstrip()), output
        assert "Traceback" not in output, output

    # The edition's .html and .txt only (and its month's search piece beside them).
    pages = sorted(p.name for p in config.archive.glob("*/*") if not p.name.startswith("search-"))
    assert len(pages) == 2 and pages[0].endswith("-daily.html"), pages
    assert sorted(mail.inbox.recipients()) == ["ann@example.org", "bo@example.org"]
    message = mail.inbox.messages()[0]
    text, html = (part.get_content() for part in message.iter_parts())
    assert "abduction talks" in text and "abduction talks" in html


def test_a_second_serve_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    path = tmp_path / "feeds.yaml"
    path.write_text(f"sources:\n  - {{name: Saved, path: '{saved}'}}\n")
    with pace.reaped(start_serve(path)) as first:
        wait_for(lambda: (tmp_path / "archive" / ".serve.lock").exists())
        time.sleep(0.5)
        with pace.reaped(start_serve(path)) as second:
            output, _ = second.communicate(timeout=pace.patience(20))
        assert second.returncode == 1
        # The refusal comes first and alone: no "serving ..." line before it.
        [line] = output.strip().splitlines()
        assert "digest serve is already running" in line and "pid" in line
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=pace.patience(10))
    assert first.returncode == 0
