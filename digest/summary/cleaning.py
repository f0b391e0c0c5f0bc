"""Sentence hygiene for summaries: datelines, bylines, site furniture, fragments, duplicates.

Pure functions on strings; `summarize` uses them to decide which sentences may be picked.
"""

from __future__ import annotations

import re

# "TOKYO (Reuters) -", "Tokyo (CNN)", "(CNN) --", "(Rolling Stone)" at the start of a paragraph.
_DATELINE_PAREN = re.compile(
    r"""^(?:[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3}\s*)?"""
    r"""\((?:[A-Z][\w.&'’-]*)(?:\s+[A-Z][\w.&'’-]*){0,2}\)\s*(?:--|[-—–:])?\s*"""
)
# "WASHINGTON -- ", "LONDON, England — " at the start of a paragraph.
_DATELINE_CAPS = re.compile(r"^[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,3}\s*(?:--|—|–)\s+")
# "By Jane Doe", "By Jane Doe, CNN", "By JANE DOE and John Roe | Updated 3:45 PM ET".
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|al-?))*\s*(?:[,|].*)?$"
)
_FURNITURE = re.compile(
    r"read more|click here|sign up|subscribe|follow (?:us|him|her|them|@)|share this|"
    r"share your thoughts|all rights reserved|some rights reserved|copyright|©|newsletter|"
    r"contributed (?:to )?(?:this|the) report|contributed reporting|reported (?:and wrote )?from|"
    r"wrote (?:the story|from)|related:|^watch:|^photos?:|^video:|^read:|advertisement|"
    r"https?://|www\.|\S+@\S+\.\w|\(@\w+\)|original story at|terms of use|privacy policy",
    re.IGNORECASE,
)
_ENDS_WELL = re.compile(r"""[.!?]["'”’)\]]*$""")
_STARTS_WELL = re.compile(r"""^["'“‘(\[]?[A-Z0-9]""")
_BARE_QUOTE = re.compile(r"""^["“][^"“”]*["”]$""")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# Openers that refer back to an earlier sentence: a summary should not start with them.
_DANGLING_WORDS = (
    "he she it they him her his its their them this that these those such "
    "but and or so also however meanwhile still yet then thus instead otherwise "
    "there here which"
)
DANGLING_OPENERS = frozenset(_DANGLING_WORDS.split())


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading dateline ("TOKYO (Reuters) -", "(CNN)")."""
    for pattern in (_DATELINE_PAREN, _DATELINE_CAPS):
        stripped = pattern.sub("", paragraph, count=1)
        if stripped != paragraph and _STARTS_WELL.match(stripped):
            return stripped
    return paragraph


def is_byline(text: str) -> bool:
    return len(text.split()) <= 14 and bool(_BYLINE.match(text.strip()))


def is_furniture(sentence: str) -> bool:
    return bool(_FURNITURE.search(sentence))


def word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def is_fragment(sentence: str, min_words: int) -> bool:
    """Too short, not ending as a sentence ends, or not starting as one starts."""
    return (
        word_count(sentence) < min_words
        or not _ENDS_WELL.search(sentence)
        or not _STARTS_WELL.match(sentence)
        or sentence.count('"') % 2 == 1
        or sentence.count("“") != sentence.count("”")  # part of a quote that spans sentences
        or _BARE_QUOTE.match(sentence) is not None  # a quotation with no one saying it
    )


def is_dangling(sentence: str) -> bool:
    """Starts with a word that points back at something said before ("He", "But", "This")."""
    match = _WORD.search(sentence)
    if match is None:
        return False
    return match.start() < 3 and match.group(0).lower() in DANGLING_OPENERS


def is_pickable(sentence: str, min_words: int, max_words: int) -> bool:
    """May this sentence appear in a summary at all?"""
    return not (
        is_fragment(sentence, min_words)
        or word_count(sentence) > max_words
        or is_byline(sentence)
        or is_furniture(sentence)
    )


def paragraphs(text: str) -> list[str]:
    """Paragraphs of an article, without leading datelines and byline lines."""
    return [strip_dateline(p) for p in blocks(text) if not is_byline(p)]


def blocks(text: str) -> list[str]:
    """Paragraphs of an article, as they are.

    A blank line ends a paragraph, and so does a line that ends a sentence. Otherwise the next line
    continues it if the text looks hard-wrapped (a long line, or a lowercase start); a short line
    without final punctuation is a heading or a caption and stands alone.
    """
    result: list[str] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if current and not _continues(current[-1], line):
            result.append(" ".join(current))
            current = []
        if line:
            current.append(line)
    if current:
        result.append(" ".join(current))
    return result


def _continues(previous: str, line: str) -> bool:
    if not line or _ENDS_WELL.search(previous):
        return False
    return line[:1].islower() or word_count(previous) >= 8
