"""Feed HTML flattened to text: in document order, and the same as a plain reading of the tree.

`html_fragment_to_text` and `normalize_whitespace` take fast paths (libxml2 joins the text,
str.replace and literal-prefixed patterns instead of line-by-line work). The reference below
does the same job the obvious way, node by node and character by character; both must agree
on every fragment of the real feeds and on random markup.
"""

from __future__ import annotations

import re
import unicodedata

import feedparser
import pytest
from conftest import EVAL, need
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from digest.sources.text import (
    _BLOCK_TAGS,
    _DROP_TAGS,
    _fragment_body,
    html_fragment_to_text,
    normalize_whitespace,
)

REAL = EVAL / "feeds" / "real"


def reference_normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    lines = [line.strip() for line in re.sub(r"[ \t]+", " ", text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reference_flatten(markup: str) -> str:
    if "<" not in markup and "&" not in markup:
        return reference_normalize(markup)
    try:
        root = _fragment_body(markup)
    except (etree.ParserError, ValueError):
        return reference_normalize(re.sub(r"<[^>]*>", " ", markup))
    parts: list[str] = [root.text or ""]

    def walk(parent: etree._Element) -> None:
        for node in parent:
            if isinstance(node.tag, str) and node.tag in _DROP_TAGS:
                pass  # dropped with everything inside; its tail stays
            elif isinstance(node.tag, str):
                parts.append("\n\n" if node.tag in _BLOCK_TAGS else "")
                parts.append(node.text or "")
                walk(node)
            parts.append(node.tail or "")

    walk(root)
    return reference_normalize("".join(parts))


def real_fragments() -> list[str]:
    found = []
    for path in sorted(need(REAL).rglob("*")):
        if not path.is_file() or path.name == "MANIFEST.tsv":
            continue
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        for entry in parsed.entries:
            found += [entry.get(key) or "" for key in ("title", "summary", "author")]
            found += [content.get("value", "") for content in entry.get("content") or []]
    return [fragment for fragment in found if isinstance(fragment, str)]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # an element's tail comes after what is inside it (text used to jump ahead of a link)
        (
            '<p>Read <a href="x"><b>the report</b></a> from Tokyo today.</p>',
            "Read the report from Tokyo today.",
        ),
        ("<p>A <em>b <i>c</i> d</em> e</p><p>f</p>", "A b c d e\n\nf"),
        ("<div><span><br/>one</span> two</div>", "one two"),
        ("<ul><li><b>x</b> y</li><li>z</li></ul>", "x y\n\nz"),
    ],
)
def test_text_keeps_document_order(markup: str, text: str) -> None:
    assert html_fragment_to_text(markup) == text


def test_every_real_fragment_flattens_as_the_reference_does() -> None:
    fragments = real_fragments()
    assert len(fragments) > 3000
    for fragment in fragments:
        assert html_fragment_to_text(fragment) == reference_flatten(fragment), fragment[:200]
        assert normalize_whitespace(fragment) == reference_normalize(fragment), fragment[:200]


MARKUP = (
    "<p>|</p>|<br>|<br/>|<div>|</div>|<b>|</b>|<a href='x'>|</a>|<li>|<table><tr><td>c</td></tr>"
    "</table>|<script>s()</script>|<style>p{}</style>|<svg><p>in</p></svg>|<form>f</form>|<!--c-->"
    "|<?pi?>|<html>|<!doctype html>|<body>|<pre>  x  </pre>|&amp;|&lt;|&#39;|&nbsp;|&#x41;|&bogus;"
    "|<|&|word|Word.|e\u0301|日本|한국"
)
SPACES = " |  |\t|\n|\n\n\n|\r\n|\r|\u00a0|\u3000|\u2028|\u2009|\u200b|\ufeff|\x00|\x0b|\x85"
PIECES = MARKUP.split("|") + SPACES.split("|")
markup = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=markup)
def test_random_markup_flattens_as_the_reference_does(text: str) -> None:
    assert html_fragment_to_text(text) == reference_flatten(text)
    assert normalize_whitespace(text) == reference_normalize(text)
