"""Photo captions are told from sentences of the report."""

from __future__ import annotations

import pytest

from digest.editorial.captions import drop_captions, is_caption


@pytest.mark.parametrize(
    "sentence",
    [
        "A man walks past a television screen showing a news broadcast with file footage.",
        "A TV screen shows a file image of North Korea's missile launch at a station in Seoul.",
        "Officials pose for photographers before the meeting in Tokyo.",
        "Kim Jong Un inspects a factory in this undated photo released by KCNA.",
        "The Japanese flag flies in a park in Osaka, Japan, on Oct. 30, 2018.",
        "Soldiers stand guard. (Ahn Young-joon/AP Photo)",
    ],
)
def test_captions_are_recognised(sentence: str) -> None:
    assert is_caption(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "North Korea fired a ballistic missile on Thursday, Japan's defence ministry said.",
        "TOKYO (AFP) - Japan protested the launch through diplomatic channels.",
        "The photo of the leader was shown on state television, KCNA said.",
        "Japan said on Oct. 30, 2018, that it would press the abduction issue at the talks.",
    ],
)
def test_sentences_of_the_report_are_not_captions(sentence: str) -> None:
    assert not is_caption(sentence)


def test_drop_captions_keeps_the_report() -> None:
    text = (
        "The Japanese flag flies in a park in Osaka. (Thomas White/Reuters) "
        "Japan ordered its forces to prepare to shoot down debris. Kishida spoke on Friday."
    )
    assert drop_captions(text) == (
        "Japan ordered its forces to prepare to shoot down debris. Kishida spoke on Friday."
    )
    assert drop_captions("Nothing to drop here.") == "Nothing to drop here."
