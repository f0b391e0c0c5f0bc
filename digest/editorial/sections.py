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
            "訪朝",
            "방북",
            "会談",
            "交渉",
            "対話",
            "国交正常化",
            "회담",
            "협상",
            "대화",
            "수교",
        ),
    ),
    SectionSettings(
        name="Abductions",
        terms=(
            "abduct*",
            "kidnap*",
            "abductee*",
            "Yokota",
            "reinvestigat*",
            "拉致",
            "横田",
            "납치",
            "납북",
            "요코타",
        ),
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
            "ICBM*",
            "J-Alert",
            "ミサイル",
            "弾道",
            "核",
            "衛星",
            "発射",
            "Jアラート",
            "EEZ",
            "미사일",
            "탄도",
            "핵",
            "위성",
            "발사",
        ),
    ),
    SectionSettings(
        name="Defence and security",
        terms=(
            "defence build*",
            "defense build*",
            "defence spending",
            "defense spending",
            "defence budget*",
            "defense budget*",
            "self-defense*",
            "self-defence*",
            "SDF",
            "counterstrike*",
            "counter-strike*",
            "Tomahawk*",
            "rearm*",
            "remilitari*",
            "militari*",
            "military agreement*",
            "GSOMIA",
            "reinvasion",
            "re-invasion",
            "防衛力",
            "防衛費",
            "自衛隊",
            "反撃能力",
            "방위력",
            "방위비",
            "자위대",
            "재무장",
            "군사대국",
            "재침략",
        ),
    ),
    SectionSettings(
        name="Sanctions and trade",
        terms=(
            "sanction*",
            "embargo*",
            "port ban*",
            "remittance*",
            "entry ban*",
            "allow entry",
            "allowed entry",
            "denied entry",
            "refused entry",
            "export*",
            "import*",
            "ship*",
            "制裁",
            "入港禁止",
            "送金",
            "入国禁止",
            "제재",
            "송금",
            "입국 금지",
            "입국금지",
        ),
    ),
    SectionSettings(
        name="History and territory",
        terms=(
            "past crimes",
            "crimes against humanity",
            "redress*",
            "apolog*",
            "colonial*",
            "imperialist*",
            "comfort women",
            "forced labo*",
            "Tok Islet*",
            "Dokdo",
            "Takeshima",
            "Japan Sea",
            "East Sea",
            "植民地",
            "慰安婦",
            "竹島",
            "식민지",
            "위안부",
            "강제징용",
            "과거사",
            "독도",
        ),
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
            "human rights",
            "Paradise on Earth",
            "Koreans in Japan",
            "Korean residents",
            "人権",
            "인권",
            "遺骨",
            "朝鮮総連",
            "総連",
            "朝鮮学校",
            "日本人妻",
            "よど号",
            "유해",
            "조총련",
            "총련",
            "조선학교",
            "북송",
        ),
    ),
)
FALLBACK_SECTION = "Other"


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [re.escape(t[:-1]) + r"\w*" if t.endswith("*") else re.escape(t) for t in terms]
    # Japanese and Korean words have no spaces around them (or carry particles): no \b there
    spaced = [p for p, t in zip(parts, terms, strict=True) if not _UNSPACED.search(t)]
    unspaced = [p for p, t in zip(parts, terms, strict=True) if _UNSPACED.search(t)]
    alternatives = [r"\b(?:" + "|".join(spaced) + r")\b"] if spaced else []
    alternatives += unspaced
    return re.compile("|".join(alternatives), re.IGNORECASE)


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
