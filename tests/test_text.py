"""Cleaning saved pages: encodings, mojibake, furniture, several articles in one file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS, need

from digest.sources.text import (
    decode_bytes,
    find_date,
    html_fragment_to_text,
    is_furniture,
    normalize_whitespace,
    repair_lost_lead_bytes,
    saved_text_articles,
    split_articles,
)


def test_decode_never_raises_and_prefers_utf8() -> None:
    assert decode_bytes("Tōkyō".encode()) == "Tōkyō"
    assert decode_bytes("\ufeffabc".encode()) == "abc"
    assert decode_bytes("café".encode("utf-16")) == "café"
    assert decode_bytes("Pyongyang’s".encode("cp1252"), declared="cp1252") == "Pyongyang’s"
    garbled = decode_bytes(b"\xff\xfe\x00\xd8 broken \x80\x81")
    assert isinstance(garbled, str)


def test_shift_jis_lost_lead_bytes_are_repaired_only_when_clearly_present() -> None:
    damaged = (
        "gWe agree,h said the envoy. Tokyofs position is firm.\n"
        "gThe talks will resume,h he added. gNo date is set.h\n"
        "gIt is too early,h an official said. The chiefs met. They wouldnft say more."
    )
    repaired = repair_lost_lead_bytes(damaged)
    assert "“We agree,” said the envoy." in repaired
    assert "Tokyo’s position" in repaired
    assert "wouldn’t" in repaired
    assert "The chiefs met." in repaired  # a real word ending in -fs is left alone
    clean = "The chiefs of staff met in Tokyo. He said hello."
    assert repair_lost_lead_bytes(clean) == clean


@pytest.mark.parametrize(
    "line",
    [
        "Menu",
        "Go Top",
        "Subscribe to our Mailing List!",
        "This website uses cookies and other technology to enhance quality of service.",
        "posted by Hana at 03:29| Comment(0) | News",
        "Share this article",
        "3 comments",
        "Print",
        "Total Index: 120 publications.",
        "By subscribing, you can help us get the story right.",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Japan and North Korea agreed to resume talks on Thursday.",
        "North Korea",
        "The envoy said the meeting was held in Beijing, not at home.",
    ],
)
def test_article_lines_are_kept(line: str) -> None:
    assert not is_furniture(line)


def test_blog_page_splits_at_post_footers() -> None:
    body = "Officials met again in Beijing to talk about the issue at length today. " * 3
    page = (
        f"First post title here\n\n{body}\nposted by Ann at 10:00| Comment(0) | News\n\n"
        f"Second post title here\n\n{body}\nposted by Ann at 11:00| Comment(2) | News\n"
    )
    parts = split_articles(page)
    assert len(parts) == 2
    assert parts[0].startswith("First post") and parts[1].startswith("Second post")


def test_markdown_headings_split_and_titles_are_clean() -> None:
    body = "A long enough paragraph about the talks between the two governments this week. " * 3
    page = (
        f"# Talks resume in Beijing\n\n*Posted 3 March 2025*\n\n{body}\n\n# Marathon news\n\n{body}"
    )
    articles = saved_text_articles(page, markdown=True)
    assert [a.title for a in articles] == ["Talks resume in Beijing", "Marathon news"]
    assert articles[0].date == (2025, 3, 3)
    assert "Posted" not in articles[0].text and "#" not in articles[0].text


def test_dates_in_common_forms() -> None:
    assert find_date("Title\n\nMarch 20th, 2014\n\nBody") == (2014, 3, 20)
    assert find_date("Published: 2013-1-22 22:53:06") == (2013, 1, 22)
    assert find_date("Posted 7 September 2012") == (2012, 9, 7)
    assert find_date("No date in this text at all.") is None


def test_html_fragment_drops_scripts_and_keeps_paragraphs() -> None:
    text = html_fragment_to_text("<p>One <b>bold</b> move.</p><script>alert(1)</script><p>Two.</p>")
    assert text == "One bold move.\n\nTwo."


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # documents with no body (lxml.html's fragments assert on them): the tags stripped
        ("<html>", ""),
        ("<html><head><title>Head only</title></head></html>", "Head only"),
        (
            "<!doctype html><html><body><p>One</p><p>two</p><script>x()</script> three</body>",
            "One\n\ntwo three",
        ),
        ("  <b>Bold</b> tail<style>p{}</style>", "Bold tail"),
    ],
)
def test_html_fragment_edges_give_text_not_an_exception(markup: str, text: str) -> None:
    assert html_fragment_to_text(markup) == text


def test_seeds_become_separate_clean_articles() -> None:
    folder = need(SEEDS)
    titles: list[str] = []
    texts: list[str] = []
    for path in sorted(Path(folder).glob("*.txt")):
        for article in saved_text_articles(decode_bytes(path.read_bytes())):
            titles.append(article.title)
            texts.append(article.text)
    # The blog page holds three posts and the KBS page a second, unrelated story.
    assert len(titles) == 8
    assert "N. Korea, Japan Hold Governmental-level Talks" in titles
    assert any(t.startswith("[Interview] Concert") for t in titles)
    assert any("Ukraine" in t for t in titles)
    joined = "\n".join(texts)
    for furniture in (
        "Go Top",
        "Menu Content",
        "uses cookies",
        "Comment(0)",
        "Subscribe to our",
        "Editor's Pick",
        "Total Index",
        "powered by Disqus",
    ):
        assert furniture not in joined, furniture
    assert "Pyongyang’s nuclear" in joined  # the Shift_JIS damage in the blog page is repaired
    assert "Pyongyangfs" not in joined


def test_whitespace_and_invisible_characters_are_normalised() -> None:
    # Runs of spaces and tabs become one space, single spaces stay; format and control
    # characters go (each distinct one, wherever it is), other spaces are kept inside a line.
    assert normalize_whitespace("a\tb  c \t d\u00a0e") == "a b c d e"
    assert normalize_whitespace("zero\u200bwidth\ufeff and\x01 bell\u2009thin") == (
        "zerowidth and bell\u2009thin"
    )
    assert normalize_whitespace(" one line\t") == "one line"
    assert normalize_whitespace("p1 \r\n\r\n\r\n\t p2\rp3\n\n\n\n") == "p1\n\np2\np3"
    assert normalize_whitespace("e\u0301") == "\u00e9"
