"""Sentence hygiene for summaries: datelines, bylines, site furniture, fragments, duplicates.

Pure functions on strings; `summarize` uses them to decide which sentences may be picked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.language.captions import is_caption, without_captions
from digest.summary.deks import split_dek
from digest.summary.references import is_verbless_pointer, leans_on_context, opens_with_pointer
from digest.summary.sentences import split_text

# "TOKYO (Reuters) -", "Tokyo (CNN)", "(CNN) --", "(Rolling Stone)" at the start of a paragraph.
_DATELINE_PAREN = re.compile(
    r"""^(?:[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3}\s*)?"""
    r"""\((?:[A-Z][\w.&'’-]*)(?:\s+[A-Z][\w.&'’-]*){0,2}\)\s*(?:--|[-—–:])?\s*"""
)
# "WASHINGTON -- ", "LONDON, England — " at the start of a paragraph.
_DATELINE_CAPS = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:(?:[ ,]+|/)[A-Z][A-Za-z.'’-]+){0,3}\s*(?:--|—|–)\s+"
)
# "By Jane Doe", "By Jane Doe, CNN", "By JANE DOE and John Roe | Updated 3:45 PM ET".
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|al-?))*\s*(?:[,|].*)?$"
)
_FURNITURE = re.compile(
    r"read more|click here|sign up|subscribe|follow (?:us|him|her|them|@)|share this|"
    r"share your thoughts|all rights reserved|some rights reserved|copyright|©|newsletter|"
    r"contributed (?:to )?(?:this|the) report|contributed reporting|reported (?:and wrote )?from|"
    r"wrote (?:the story|from)|related:|^watch:|^photos?:|^video:|^read:|advertisement|"
    r"https?://|www\.|\S+@\S+\.\w|\(@\w+\)|original story at|terms of use|privacy policy|"
    r"continue reading|read (?:the )?full (?:article|story)|appeared first on|leer más|"
    r"has an exclusive look|here's what (?:to|you need to) know|^listen:|^opinion:",
    re.IGNORECASE,
)
_ENDS_WELL = re.compile(r"""[.!?]["'”’)\]]*$""")
_STARTS_WELL = re.compile(r"""^["'“‘(\[]?[A-Z0-9]""")
_BARE_QUOTE = re.compile(r"""^["“][^"“”]*["”]$""")
# A feed's mark that it cut the text, in any language: "…", "...", "[…]", "[...]", "・・・".
CUT_MARKS = r"(?:…|\.\.\.|\[…\]|\[\.\.\.\]|・・・|．．．)"
# "...threatening to respond with a...": a feed cut the sentence short (its dots follow a word,
# not a full stop, so they are no sentence end; "…left behind.…" is `_CUT_MARK`'s case)
_CUT_OFF = re.compile(rf"""[^\s.!?"'”’)\]]\s*{CUT_MARKS}["'”’)\]]*$""")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# "TOKYO:", "EXCLUSIVE:", "[Daily Maverick]": a kicker or dateline before the first sentence.
# "SEOUL/TOKYO:" names each place a report was filed from.
_KICKER = re.compile(r"^(?:[A-Z][A-Z'’.-]+(?:[ /][A-Z][A-Z'’.-]+){0,3}:|\[[^\]]{2,40}\])\s+")


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading dateline or kicker ("TOKYO (Reuters) -", "(CNN)",
    "SEOUL:", "EXCLUSIVE:")."""
    for pattern in (_DATELINE_PAREN, _DATELINE_CAPS, _KICKER):
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


def ends_as_sentence(text: str) -> bool:
    return bool(_ENDS_WELL.search(text))


def is_fragment(sentence: str, min_words: int) -> bool:
    """Too short, not ending as a sentence ends, or not starting as one starts."""
    return (
        word_count(sentence) < min_words
        or not _ENDS_WELL.search(sentence)
        or _CUT_OFF.search(sentence) is not None
        or not _STARTS_WELL.match(sentence)
        or sentence.count('"') % 2 == 1
        or sentence.count("“") != sentence.count("”")  # part of a quote that spans sentences
        or _BARE_QUOTE.match(sentence) is not None  # a quotation with no one saying it
        or is_verbless_pointer(sentence)  # "This after the talks stalled."
    )


def is_dangling(sentence: str, context: Sequence[str] | None = ()) -> bool:
    """Its opening points back at something `context` (what is shown before it) does not give
    ("He", "But", "This", "The two-day meeting" with no meeting before it).

    With `context=None` only pronouns and connectives count: a definite description ("The
    missile flew...") reads well enough after any sentence of its own story, but never opens a
    summary or stands alone in the brief.
    """
    if context is None:
        return opens_with_pointer(sentence)
    return leans_on_context(sentence, context)


def is_pickable(sentence: str, min_words: int, max_words: int) -> bool:
    """May this sentence appear in a summary at all?"""
    return not (
        is_fragment(sentence, min_words)
        or word_count(sentence) > max_words
        or is_byline(sentence)
        or is_furniture(sentence)
        or is_caption(sentence)
    )


def paragraphs(text: str) -> list[str]:
    """Paragraphs of an article, without leading datelines, kickers, byline lines and photo
    captions; a dek that runs into the first sentence becomes a paragraph of its own."""
    result: list[str] = []
    for block in blocks(text):
        if is_byline(block):
            continue
        for part in split_dek(strip_dateline(_CUT_MARK.sub("", block))):
            kept = without_captions(split_text(part))
            if kept:
                result.append(" ".join(kept))
    if len(result) == 1 and _is_unpunctuated_sentence(result[0]):
        result[0] += "."  # a feed's one-sentence description, given without its full stop
    return result


# "... left behind.…": a feed's mark that it cut the text, after a sentence that is whole.
_CUT_MARK = re.compile(rf"""(?<=[.!?"'”’)\]])\s*{CUT_MARKS}\s*$""")
_LAST_WORD = re.compile(r"(\w+)\W*$")
_OPEN_WORDS = "a an the of in on at to for from by with and or but that which who as than its"
_OPEN_ENDINGS = frozenset(_OPEN_WORDS.split())


def _is_unpunctuated_sentence(paragraph: str) -> bool:
    """A whole sentence that lacks only its final stop: starts as one, 8-45 words, not cut off
    mid-phrase (no function word or ellipsis at the end)."""
    if _ENDS_WELL.search(paragraph) or not _STARTS_WELL.match(paragraph):
        return False
    if paragraph.rstrip().endswith(("…", "...", ",", ":", ";", "-", "–", "—")):
        return False
    last = _LAST_WORD.search(paragraph)
    return (
        8 <= word_count(paragraph) <= 45
        and last is not None
        and last.group(1).lower() not in _OPEN_ENDINGS
        and not is_caption(paragraph)
    )


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


def informative_words(text: str, min_words: int = 6, max_words: int = 55) -> int:
    """How much a text says: the words of its sentences that could go into a summary."""
    return sum(
        word_count(sentence)
        for paragraph in paragraphs(text)
        for sentence in split_text(paragraph)
        if is_pickable(sentence, min_words, max_words)
    )
