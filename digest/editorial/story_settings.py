"""The thresholds of story grouping (`stories:` in feeds.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["GroupingSettings"]


class GroupingSettings(BaseModel):
    """Thresholds for grouping; lives under `stories:` in feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_gap_hours: float = Field(
        default=48.0,
        gt=0,
        description="Rewrites and follow-ups further apart than this in publication time "
        "(or first-seen time) are never grouped.",
    )
    duplicate_gap_hours: float = Field(
        default=168.0,
        gt=0,
        description="Near-identical copies (see duplicate_similarity) may be this far apart, "
        "for wire copy reposted during the week.",
    )
    duplicate_similarity: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Jaccard similarity of word 3-shingles (title and text) at or above which "
        "two items are copies of one report.",
    )
    strong_similarity: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="TF-IDF cosine of title and text terms at or above which two items inside "
        "max_gap_hours tell the same story on its own.",
    )
    title_similarity: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="TF-IDF cosine of the two headlines' terms; together with "
        "content_similarity it links rewrites with different wording.",
    )
    content_similarity: float = Field(
        default=0.35,
        gt=0,
        le=1,
        description="TF-IDF cosine of title and text terms required alongside title_similarity.",
    )
    event_gap_hours: float = Field(
        default=30.0,
        gt=0,
        description="Reports of one event are published within this many hours of each other; "
        "items further apart are never merged as one event (they may still be copies).",
    )
    event_similarity: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="Mean TF-IDF cosine of the cross pairs not linked already at or above which "
        "two groups inside event_gap_hours are merged as reports of one event (average linkage).",
    )
    close_event_similarity: float = Field(
        default=0.15,
        gt=0,
        le=1,
        description="The event_similarity bar for reports published at the same moment; it "
        "rises linearly to event_similarity for reports close_event_hours apart.",
    )
    close_event_hours: float = Field(
        default=12.0,
        gt=0,
        description="Reports this far apart or more need event_similarity to merge as one event.",
    )
    signature_terms: int = Field(
        default=12,
        ge=1,
        description="How many of an item's rarest terms are indexed to find candidate pairs; "
        "more finds more rewrites and costs time.",
    )
    cross_language_gap_hours: float = Field(
        default=36.0,
        gt=0,
        description="Versions of one report in different languages (a wire's Japanese, Korean and "
        "English services) further apart than this are never grouped; within it they are "
        "linked by the figures, names and places they share (see digest/editorial/crosslang.py).",
    )
    max_term_share: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="Terms found in more than this share of the items (and in more than 50) "
        "are too common to find candidates with.",
    )
