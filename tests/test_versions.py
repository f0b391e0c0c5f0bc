"""A wire's versions of one report (its updates under one headline) are one line of a story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest.language.headlines import base_headline, version_rank
from digest.models import Item, Origin
from digest.publish.versions import newest_versions

T0 = datetime(2025, 10, 28, 4, 0, tzinfo=UTC)


def item(title: str, source: str = "Wire", hours: float | None = 0.0, ident: str = "") -> Item:
    return Item(
        id=ident or title,
        source=source,
        origin=Origin.FEED,
        title=title,
        link=f"http://wire.invalid/{abs(hash(ident or title))}",
        text="",
        seen_at=T0,
        published=None if hours is None else T0 + timedelta(hours=hours),
    )


@pytest.mark.parametrize(
    ("title", "base"),
    [
        (
            "(LEAD) N. Korea fires ballistic missile into East Sea",
            "n. korea fires ballistic missile into east sea",
        ),
        (
            "(2nd LD) N. Korea fires ballistic missile into East Sea",
            "n. korea fires ballistic missile into east sea",
        ),
        ("(3rd LD, with Japan's reaction) N. Korea fires missile", "n. korea fires missile"),
        ("(URGENT) N. Korea fires missile", "n. korea fires missile"),
        ("UPDATE 2-North Korea fires missile", "north korea fires missile"),
        ("[속보] 北, 동해상으로 탄도미사일 발사", "北, 동해상으로 탄도미사일 발사"),
        ("北, 동해상으로 탄도미사일 발사(종합)", "北, 동해상으로 탄도미사일 발사"),
        ("北, 동해상으로 탄도미사일 발사(종합2보)", "北, 동해상으로 탄도미사일 발사"),
        ("[2보] 北, 동해상으로 탄도미사일 발사", "北, 동해상으로 탄도미사일 발사"),
        ("【速報】北朝鮮が弾道ミサイル発射", "北朝鮮が弾道ミサイル発射"),
        # markers of other things stay: an exclusive, a photo, a lead in the headline's words
        ("[단독] 北, 동해상으로 탄도미사일 발사", "[단독] 北, 동해상으로 탄도미사일 발사"),
        ("Japan takes the (LEAD) in talks", "japan takes the (lead) in talks"),
    ],
)
def test_a_headline_is_compared_without_its_version_marker(title: str, base: str) -> None:
    assert base_headline(title) == base


def test_one_outlets_versions_are_one_entry_led_by_the_newest_oldest_earlier_first() -> None:
    first = item("北, 동해상으로 탄도미사일 발사", hours=0)
    second = item("北, 동해상으로 탄도미사일 발사(종합)", hours=1)
    third = item("北, 동해상으로 탄도미사일 발사(종합2보)", hours=3)
    other = item("Japan protests North Korean launch", source="Daily", hours=2)
    [wire, daily] = newest_versions([second, other, first, third])
    assert wire.item == third
    assert wire.earlier == (first, second)
    assert wire.versions == 3
    assert daily.item == other and daily.earlier == ()


def test_a_numbered_update_is_newer_than_an_unnumbered_one_of_the_same_time() -> None:
    plain = item("(LEAD) N. Korea fires missile", hours=None)
    numbered = item("(2nd LD) N. Korea fires missile", hours=None)
    first = item("N. Korea fires missile", hours=None)
    [entry] = newest_versions([numbered, first, plain])
    assert entry.item == numbered
    assert entry.earlier == (first, plain)


def test_another_outlets_same_headline_and_a_rewritten_one_keep_their_lines() -> None:
    wire = item("N. Korea fires missile", hours=0)
    copy = item("N. Korea fires missile", source="Paper", hours=1)  # a paper runs the wire's copy
    rewrite = item("(LEAD) N. Korea fires missile, Japan lodges protest", hours=2)
    listed = newest_versions([wire, copy, rewrite])
    assert [(e.item, e.versions) for e in listed] == [(wire, 1), (copy, 1), (rewrite, 1)]


@pytest.mark.parametrize(
    ("title", "rank"),
    [
        ("N. Korea fires missile on 2nd day of drills", 0),  # a number in the words is no marker
        ("(LEAD) N. Korea fires missile on 2nd day of drills", 1),
        ("(3rd LD) N. Korea fires missile", 3),
        ("UPDATE 2-North Korea fires missile", 2),
        ("北, 탄도미사일 발사(종합)", 1),
        ("北, 탄도미사일 2발 발사(종합2보)", 2),
        ("[속보] 北, 탄도미사일 3발 발사", 1),
    ],
)
def test_a_versions_rank_is_read_from_its_marker_alone(title: str, rank: int) -> None:
    assert version_rank(title) == rank
