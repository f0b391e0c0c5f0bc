"""The `summary:` settings, apart from the summariser so the config loads without sumy or nltk."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Algorithm = Literal[
    "pacsum", "lead", "lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic",
    "reduction",
]  # fmt: skip


class SummarySettings(BaseModel):
    """How stories are summarised (`summary:` in feeds.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: Algorithm = Field(
        default="pacsum",
        description="Sentence ranking: 'pacsum' (position-aware directed centrality, ours), "
        "'lead' (first sentences), or a stock sumy summariser.",
    )
    sentences: int = Field(
        default=3, ge=1, le=10, description="At most this many sentences per summary."
    )
    max_words: int = Field(
        default=50,
        ge=0,
        description="Word budget per summary: a sentence is skipped if more than half of it "
        "would go past the budget (the first one chosen is always kept). 0: no budget.",
    )
    min_sentence_words: int = Field(
        default=6,
        ge=1,
        le=40,
        description="Shorter sentences are treated as fragments and never picked.",
    )
    max_sentence_words: int = Field(
        default=55, ge=10, le=200, description="Longer sentences (run-ons, lists) are never picked."
    )
    redundancy: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="A sentence whose word similarity (TF-IDF cosine) to one already chosen "
        "reaches this is skipped as redundant.",
    )
