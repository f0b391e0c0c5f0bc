"""`digest eval threads DIR`: the developing-story rule on labelled weeks, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from conftest import SHARED, need

FILLER = [
    ("Markets in Oslo close higher", "Shares in Oslo rose on hopes of lower rates."),
    ("Rain floods roads in Lima", "Heavy rain flooded roads in Lima on Monday."),
    ("Chess final goes to tiebreaks", "The chess final in Madrid went to tiebreaks."),
    ("New bridge opens in Porto", "A new bridge opened in Porto after four years of work."),
]


def week(root: Path, name: str, labelled: list[tuple[str, str, str, str, str]]) -> None:
    """A week folder: items (the labelled ones and some filler) and their labels."""
    folder = root / name
    folder.mkdir(parents=True)
    items, labels = [], []
    for n, (title, text) in enumerate(FILLER):
        items.append({"id": f"{name}-f{n}", "title": title, "text": text, "date": "2023-01-02"})
    for key, day, title, text, event_thread in labelled:
        event, thread = event_thread.split("|")
        items.append({"id": key, "title": title, "text": text, "date": day})
        labels.append({"id": key, "on_topic": 1, "event": event, "thread": thread})
    for i in items:
        i["url"] = f"https://example.org/{i['id']}"
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['url']}</link><guid>{i['url']}</guid>"
        f"<description>{i['text']}</description><pubDate>{_rfc822(i['date'])}</pubDate></item>"
        for i in items
    )
    (folder / "feeds").mkdir()
    (folder / "feeds" / "outlet.xml").write_text(
        f"<rss version='2.0'><channel><title>outlet</title>{entries}</channel></rss>"
    )
    (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    (folder / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))


def _rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def run(folder: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "digest", "eval", "threads", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_notice_and_its_launch_are_one_thread_and_a_launch_months_later_is_not(
    tmp_path: Path,
) -> None:
    notice = "North Korea told Japan's coast guard it will launch a spy satellite over Okinawa."
    launch = "North Korea launched a spy satellite rocket over Okinawa, setting off an alert."
    later = "North Korea launched a spy satellite rocket, and Okinawa issued an alert again."
    week(
        tmp_path,
        "2023-W22",
        [
            ("n", "2023-05-29", "Satellite launch notice", notice, "notice|sat-may"),
            ("l", "2023-05-31", "Spy satellite launch fails", launch, "launch|sat-may"),
        ],
    )
    week(
        tmp_path,
        "2023-W47",
        [("x", "2023-11-21", "Spy satellite launch", later, "launch-nov|sat-nov")],
    )
    within, without, stories = run(tmp_path)
    assert within == "window 21 days: same-thread pairs linked 1/1, other pairs linked 0/2"
    assert without.startswith("no window: same-thread pairs linked 1/1, other pairs linked 2/2")
    # As editions show them: the notice and the launch are one developing story in their
    # week's edition; the launch months later follows nothing up.
    assert stories == (
        "stories: in-edition pairs of one thread linked 1/1, of other threads 0/0; "
        "follow-ups 0/0 right, 0 due within the window"
    )


def test_a_launch_in_the_next_weeks_edition_follows_up_the_notice(tmp_path: Path) -> None:
    notice = "North Korea told Japan's coast guard it will launch a spy satellite over Okinawa."
    launch = "North Korea launched a spy satellite rocket over Okinawa, setting off an alert."
    week(
        tmp_path,
        "2023-W22",
        [("n", "2023-05-29", "Spy satellite launch notice", notice, "notice|sat-may")],
    )
    week(
        tmp_path,
        "2023-W23",
        [("l", "2023-06-06", "Spy satellite launch fails", launch, "launch|sat-may")],
    )
    *_, stories = run(tmp_path)
    assert stories.endswith("follow-ups 1/1 right, 1 due within the window"), stories


def test_on_the_shared_weeks_no_two_threads_are_linked_within_the_window() -> None:
    within, _, stories = run(need(SHARED / "eval" / "weeks"))
    assert ", of other threads 0/" in stories and "follow-ups 0/0 right" in stories, stories
    assert within.endswith("other pairs linked 0/274"), within
    linked, pairs = within.split("same-thread pairs linked ")[1].split(",")[0].split("/")
    assert int(linked) >= int(pairs) // 2
