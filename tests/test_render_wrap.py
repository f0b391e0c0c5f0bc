"""Fast paths of rendering give exactly what the general code gives: line filling and links.

`wrap72` fills text of one-cell characters that never break inside a word (most of an English
edition) at its spaces alone; anything else goes through `digest.language.width`. Both must lay
out the same text the same way, character by character.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import iter_graphemes

from digest.language.width import display_width, wrap_display
from digest.models import Edition
from digest.publish.render import SIMPLE_CHARACTERS, EditionPage, _wrap_at_spaces, wrap72

SIMPLE = [chr(c) for c in range(0x3000) if re.fullmatch(SIMPLE_CHARACTERS, chr(c))]
WHEN = datetime(2026, 11, 23, tzinfo=UTC)
INDENTS = [("", ""), ("  ", "  "), ("  - ", "    "), ("- ", "  ")]


def general(text: str, first: str, indent: str) -> list[str]:
    return wrap_display(text, 72, initial_indent=first, subsequent_indent=indent)


def test_the_simple_characters_are_one_cell_graphemes_of_their_own() -> None:
    assert len(SIMPLE) > 700 and "’" in SIMPLE and "é" in SIMPLE
    assert "\u00a0" not in SIMPLE and "\u00ad" not in SIMPLE and "\u0301" not in SIMPLE
    for char in SIMPLE:
        assert display_width(char) == 1, hex(ord(char))
        assert list(iter_graphemes(f"a{char}{char}a")) == ["a", char, char, "a"], hex(ord(char))


def test_each_simple_character_wraps_as_the_general_wrapper_does() -> None:
    for char in SIMPLE:
        if char == " ":
            continue
        for length in (1, 5, 69, 70, 71, 72, 73, 80):
            text = f"{'w' * length}{char} {char}abc {char * 3} {'x' * (72 - length)}{char}"
            for first, indent in INDENTS:
                fast = _wrap_at_spaces(text, 72, first, indent)
                assert fast == general(text, first, indent), (hex(ord(char)), length)


words = st.text(alphabet=st.sampled_from([c for c in SIMPLE if c != " "]), min_size=1, max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.lists(words, max_size=40), st.sampled_from(INDENTS))
def test_random_simple_text_wraps_to_the_same_lines(
    parts: list[str], indents: tuple[str, str]
) -> None:
    text = " ".join(parts)
    first, indent = indents
    assert _wrap_at_spaces(text, 72, first, indent) == general(text, first, indent)
    assert wrap72(text, indent, first).split("\n") == general(text, first, indent)


def test_text_with_other_characters_goes_through_the_general_wrapper() -> None:
    text = "拉致被害者家族 「日米首脳会談 全員取り戻すこと確認の場に」 " * 4 + "North Korea’s café"
    assert wrap72(text, "  ").split("\n") == general(text, "  ", "  ")
    assert max(display_width(line) for line in wrap72(text, "  ").split("\n")) <= 72
    combining = "Cafe\u0301 " * 30  # a combining accent: one grapheme with its letter
    assert wrap72(combining).split("\n") == general(" ".join(combining.split()), "", "")


def page() -> EditionPage:
    made = Edition("Daily", "daily", WHEN, WHEN, WHEN, ())
    return EditionPage(made, "", "", "", (), page_path="2026/x.html", archive_root="/srv/a")


LINKS = [
    "https://news.example/a?b=1#c",
    "http://news.example/a b",
    " https://news.example/padded ",
    "https://[::1]/x",
    "https://[::1/x",
    "https://ex\u2100ample.org/",
    "https://news.example/\u00e9t\u00e9",
    "https://news.example/tab\there",
    "HTTPS://news.example/upper",
    "javascript:alert(1)",
    "file:///srv/a/clippings/x.md",
    "https://news.example/back\\slash^~",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http://", "https://", " https://"]), st.text(max_size=40))
def test_a_plain_web_link_is_taken_as_the_general_way_takes_it(scheme: str, rest: str) -> None:
    for url in (scheme + rest, *LINKS):
        assert page().href(url) == page().parsed_href(url), url
