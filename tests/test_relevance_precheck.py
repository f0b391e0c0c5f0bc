"""The topic filter's first look: an item naming no key term and not both sides is scored 0 at
once. It may only ever say "certainly off topic": checked against the full analysis on every
labelled item of ../shared/eval."""

from __future__ import annotations

import json

import pytest
from conftest import EVAL, need

from digest.editorial import evidence
from digest.editorial.relevance import TopicSettings, score_in_full, score_item

TOPIC = TopicSettings()


def eval_items() -> list[tuple[str, str, str]]:
    paths = [
        need(EVAL / "relevance-dev.jsonl"),
        *sorted(need(EVAL / "weeks").glob("*/items.jsonl")),
        *sorted(need(EVAL / "lang").glob("*.jsonl")),
    ]
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            rows.append((item.get("title") or "", item.get("text") or "", item.get("lang") or "en"))
    return rows


def test_the_first_look_never_turns_away_an_item_the_full_analysis_scores() -> None:
    rows = eval_items()
    assert len(rows) > 10_000
    turned_away = 0
    for title, text, lang in rows:
        if not evidence.may_be_on_topic(evidence.in_language(TOPIC, lang), title, text, lang):
            turned_away += 1
            assert score_in_full(TOPIC, title, text, lang).score == 0.0, title
    assert turned_away > len(rows) // 2  # it is worth having: most items end there


def test_an_item_naming_one_side_is_not_analysed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("analysed")

    text = "Japan's central bank kept rates unchanged. The yen rose. " * 30
    monkeypatch.setattr("digest.editorial.relevance.analyse", refuse)
    relevance = score_item(TOPIC, "Bank of Japan holds rates", text)
    assert (relevance.score, relevance.on_topic, relevance.matched) == (0.0, False, ())
    with pytest.raises(AssertionError, match="analysed"):
        score_item(TOPIC, "Japan protests North Korea's missile launch", text)
    with pytest.raises(AssertionError, match="analysed"):  # a key term alone may be enough
        score_item(TOPIC, "Families of abductees meet in Tokyo", "")
