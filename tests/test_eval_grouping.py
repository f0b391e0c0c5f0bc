"""`digest eval grouping DIR`: grouping alone on the labelled items of weeks of feeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from digest.evaluation.grouping import GroupScore, pair_half, score_groups
from digest.evaluation.weeks import Label

REPORT = "North Korea fires ballistic missile into sea off Hokkaido, Japan protests"
TEXT = (
    "North Korea fired a ballistic missile that fell into the sea west of Hokkaido on "
    "Thursday, Japan's defence ministry said, and Tokyo lodged a protest."
)
ITEMS = [
    ("a", REPORT, TEXT, "Thu, 13 Jul 2023 03:00:00 +0000", "ev-launch|th-launch"),
    ("b", REPORT, TEXT, "Thu, 13 Jul 2023 05:00:00 +0000", "ev-launch|th-launch"),
    (
        "c",
        "Japan's Supreme Court rules on Chongryon school subsidies",
        "The court in Tokyo ruled on subsidies for Korean schools run by Chongryon.",
        "Tue, 11 Jul 2023 09:00:00 +0000",
        "ev-court|th-court",
    ),
    (
        "d",
        "Rain floods roads in Lima",
        "Heavy rain flooded Lima.",
        "Tue, 11 Jul 2023 09:00:00 +0000",
        "",
    ),
]


def make_week(root: Path) -> Path:
    folder = root / "2023-W28"
    (folder / "feeds").mkdir(parents=True)
    entries, items, labels = [], [], []
    for key, title, text, when, labelled in ITEMS:
        url = f"https://example.org/{key}"
        entries.append(
            f"<item><title>{title}</title><link>{url}</link><guid>{url}</guid>"
            f"<description>{text}</description><pubDate>{when}</pubDate></item>"
        )
        items.append({"id": f"id-{key}", "url": url, "title": title, "text": text})
        if labelled:
            event, thread = labelled.split("|")
            labels.append({"id": f"id-{key}", "on_topic": 1, "event": event, "thread": thread})
    feed = "<rss version='2.0'><channel><title>t</title>" + "".join(entries) + "</channel></rss>"
    (folder / "feeds" / "outlet.xml").write_text(feed, encoding="utf-8")
    (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    (folder / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    return folder


def test_the_command_groups_labelled_items_and_scores_them_per_half(tmp_path: Path) -> None:
    make_week(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "digest", "eval", "grouping", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    total = result.stdout.splitlines()[-1]
    assert total.startswith("total: pair precision thread 1.000 event 1.000 (1 pairs)")
    assert "pair recall 1.000 (1/1); stories per event 1.00 (2 events)" in total
    assert any(line.startswith("half ") for line in result.stdout.splitlines())
    # The whole stream grouped (the unlabelled filler too) scores the same labelled pairs.
    whole = subprocess.run(
        [sys.executable, "-m", "digest", "eval", "grouping", str(tmp_path), "--whole-stream"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.splitlines()[-1] == total


def test_score_groups_counts_wrong_pairs_and_split_events() -> None:
    labels = {
        "a": Label(on_topic=1, clear=True, event="e1", thread="t"),
        "b": Label(on_topic=1, clear=True, event="e1", thread="t"),
        "c": Label(on_topic=1, clear=True, event="e2", thread="t"),
        "d": Label(on_topic=1, clear=True, event="e3", thread="u"),
    }
    score = score_groups([["a", "c", "d"], ["b"]], labels)
    assert score == GroupScore(3, 1, 3, 0, 1, 0, 3, 4)
    assert pair_half("a", "b") == pair_half("b", "a")
