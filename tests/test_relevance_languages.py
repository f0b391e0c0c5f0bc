"""Japanese and Korean relevance checked on items the rules were not written on.

`tests/data/lang_relevance_fresh.jsonl` labels (ids only, one reader, the guidelines of
`../shared/eval/relevance-guidelines.md`) every Japanese and Korean item of the two unlabelled
shared files that names both sides by a loose keyword test and is not in `labelled.jsonl`: 71
items, none of them on topic. They were labelled before being scored; the half with
sha256(id) even was looked at while mending rules, the odd half is the check.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from digest.editorial.relevance import TopicSettings, score_item

ROOT = Path(__file__).resolve().parents[1]
LANG = ROOT.parent / "shared" / "eval" / "lang"
FRESH = ROOT / "tests" / "data" / "lang_relevance_fresh.jsonl"
TOPIC = TopicSettings()


def on(title: str, lang: str) -> bool:
    return score_item(TOPIC, title, "", lang).on_topic


@pytest.mark.parametrize(
    "title",
    [
        "北日本で大雨 川の増水に警戒",  # northern Japan
        "北～西日本で大気が不安定 落雷に注意",  # from the north to western Japan
        "北・東日本の日本海側で大雪",
        "北関東で記録的な暑さ 日本各地で真夏日",
    ],
)
def test_north_as_a_compass_word_is_no_north_korea(title: str) -> None:
    assert not on(title, "ja")


@pytest.mark.parametrize(
    "title",
    ["北、日本に抗議 ミサイル迎撃訓練で", "「北」の弾道ミサイル 日本のEEZ内に落下か"],
)
def test_north_as_press_shorthand_still_counts(title: str) -> None:
    assert on(title, "ja")


def _shared_rows() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for name in ("nhk-yonhap-chosun-2025.jsonl", "yonhap-naver-en-ko-ja-2025.jsonl"):
        path = LANG / name
        if not path.is_file():
            pytest.skip(f"shared Japanese and Korean items not found at {path}")
        with path.open(encoding="utf-8") as lines:
            rows.update((row["id"], row) for row in map(json.loads, lines))
    return rows


@pytest.mark.parametrize("half", [0, 1])
def test_fresh_japanese_and_korean_items_naming_both_sides(half: int) -> None:
    rows = _shared_rows()
    with FRESH.open(encoding="utf-8") as lines:
        labels = [json.loads(line) for line in lines]
    mine = [r for r in labels if int(hashlib.sha256(r["id"].encode()).hexdigest(), 16) % 2 == half]
    assert mine and {r["lang"] for r in mine} == {"ja", "ko"}
    let_in = [
        r["id"]
        for r in mine
        if score_item(
            TOPIC, rows[r["id"]]["title"], rows[r["id"]]["text"] or "", r["lang"]
        ).on_topic
        != bool(r["label"])
    ]
    assert let_in == []
