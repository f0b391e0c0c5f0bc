"""Summaries (interim: leading sentences; replaced by the tuned sumy summariser)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field


class SummarySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: str = "lead"
    sentences: int = Field(default=3, ge=1, le=10)


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text.strip()) if s]


def summarize(text: str, settings: SummarySettings) -> tuple[str, ...]:
    return tuple(split_sentences(text)[: settings.sentences])


def summarize_many(texts: Sequence[str], settings: SummarySettings) -> tuple[str, ...]:
    return summarize(texts[0], settings) if texts else ()
