"""Sections an editor would put a story in, from its headline and what the edition shows."""

from __future__ import annotations

import pytest

from digest.editorial.sections import DEFAULT_SECTIONS, FALLBACK_SECTION, assign_section


@pytest.mark.parametrize(
    ("title", "shown", "section"),
    [
        # the North's reply to Japan's build-up is about defence, not a launch
        ('北, 日방위력 확대 비난…"주변국 공동과녁에 들어갈 것"', "", "Defence and security"),
        ("Rodong Sinmun warns of Japan's moves for militarization", "", "Defence and security"),
        (
            "Japan to deploy Tomahawk cruise missiles under defence build-up",
            "",
            "Defence and security",
        ),
        # a report naming Japan's defence ministry as its source is still about the launch
        (
            "North Korea fires ballistic missile: Japan's Defense Ministry",
            "",
            "Missiles and nuclear",
        ),
        (
            "North Korea's ICBM prompts brief warning to shelter in Japan",
            "",
            "Missiles and nuclear",
        ),
        ("KCNA slams Japan's claim to Tok Islets", "", "History and territory"),
        ("Japan urged to apologise for its past crimes", "", "History and territory"),
        ("Koreans in Japan demand release of detained pastor", "", "Remains, Chongryon and people"),
        ("Japan likely to allow entry to N Korea soccer teams", "", "Sanctions and trade"),
        # the families meeting a president is the abduction issue, whatever the meeting words
        ("트럼프, 일본 납북자 유가족 면담… “끝까지 함께하겠다”", "", "Abductions"),
        # with no summary, the opening the edition shows tells the section
        (
            "Japanese court says N Korea responsible for abuses of people lured there",
            "A high court said the North was responsible for the human rights abuses of "
            "plaintiffs lured to the North…",
            "Remains, Chongryon and people",
        ),
        ("Japanese delegation visits Mangyongdae", "", FALLBACK_SECTION),
    ],
)
def test_a_story_goes_to_the_section_an_editor_would_give_it(
    title: str, shown: str, section: str
) -> None:
    assert assign_section(title, (shown,) if shown else (), DEFAULT_SECTIONS) == section
