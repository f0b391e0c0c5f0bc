"""Sorting stories into the edition's sections, and choosing the week in brief."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class SectionSettings(BaseModel):
    """A section of the edition; a story goes to the first section whose terms it matches most."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    terms: tuple[str, ...] = Field(default=(), description="words or prefixes (trailing *)")


DEFAULT_SECTIONS: tuple[SectionSettings, ...] = (
    SectionSettings(
        name="Diplomacy and talks",
        terms=(
            "talks",
            "negotiat*",
            "summit*",
            "diplomat*",
            "normali*",
            "envoy*",
            "meeting*",
            "dialogue",
            "Pyongyang Declaration",
            "foreign minist*",
        ),
    ),
    SectionSettings(
        name="Abductions",
        terms=("abduct*", "kidnap*", "abductee*", "Yokota", "reinvestigat*"),
    ),
    SectionSettings(
        name="Missiles and nuclear",
        terms=(
            "missile*",
            "ballistic",
            "nuclear",
            "launch*",
            "satellite",
            "rocket*",
            "EEZ",
            "warhead*",
            "test-fir*",
        ),
    ),
    SectionSettings(
        name="Sanctions and trade",
        terms=("sanction*", "embargo*", "port ban*", "remittance*", "export*", "import*", "ship*"),
    ),
    SectionSettings(
        name="Remains, Chongryon and people",
        terms=(
            "remains",
            "Chongryon",
            "Chongryun",
            "Japanese wives",
            "Korean school*",
            "repatriat*",
            "Yodo*",
            "graves",
            "bereaved",
        ),
    ),
)
FALLBACK_SECTION = "Other"


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [re.escape(t[:-1]) + r"\w*" if t.endswith("*") else re.escape(t) for t in terms]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def assign_section(title: str, summary: Sequence[str], sections: Sequence[SectionSettings]) -> str:
    """The section whose terms occur most in the headline (counted double) and summary."""
    best, best_score = FALLBACK_SECTION, 0
    body = " ".join(summary)
    for section in sections:
        pattern = _pattern(section.terms)
        if pattern is None:
            continue
        score = 2 * len(pattern.findall(title)) + len(pattern.findall(body))
        if score > best_score:
            best, best_score = section.name, score
    return best
