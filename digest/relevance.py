"""Topic relevance (interim: both sides and a relation term; replaced by the tuned filter)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from digest.models import Relevance


class TopicSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "Japan–North Korea relations"
    side_a: tuple[str, ...] = ("Japan", "Japanese", "Tokyo")
    side_b: tuple[str, ...] = ("North Korea", "North Korean", "DPRK", "Pyongyang", "N. Korea")
    relation: tuple[str, ...] = (
        "abduct",
        "talks",
        "missile",
        "sanction",
        "remains",
        "Chongryon",
        "normaliz",
    )
    threshold: float = Field(default=1.0)


def _count(terms: tuple[str, ...], text: str) -> tuple[int, list[str]]:
    found = [t for t in terms if re.search(re.escape(t), text, re.IGNORECASE)]
    total = sum(len(re.findall(re.escape(t), text, re.IGNORECASE)) for t in found)
    return total, found


def score_item(topic: TopicSettings, title: str, text: str) -> Relevance:
    body = f"{title}\n{text}"
    a, fa = _count(topic.side_a, body)
    b, fb = _count(topic.side_b, body)
    r, fr = _count(topic.relation, body)
    score = min(a, b, 5) * (1 + min(r, 5)) / 5
    return Relevance(score, bool(a and b and r) and score >= topic.threshold, (*fa, *fb, *fr))


def on_topic_text(topic: TopicSettings, text: str) -> str:
    return text
