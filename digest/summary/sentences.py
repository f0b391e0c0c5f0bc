"""Offline sentence and word splitting for English news, in the shape sumy's parsers expect.

sumy's stock `Tokenizer` loads NLTK's Punkt model, which is not on our machines nor on users'
air-gapped servers. This module needs no downloaded data.

Why a rule-based splitter: measured on hand-written tricky cases (titles, U.S., Jan. 5, No. 2,
decimals, quotes, initials, ellipses) it got every case right, where pysbd and an untrained
`PunktSentenceTokenizer` each missed several, and it is about 80 times faster than pysbd
(`python -m digest.evaluation.splitters` prints the comparison). News prose is regular enough that
a boundary rule plus a list of abbreviations covers what matters; the list is kept here, in code.
"""

from __future__ import annotations

import re


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations that are always followed by more of the same sentence (a name, usually).
_TITLES = _set(
    "mr mrs ms messrs dr prof sen sens rep reps gov gen lt col maj capt cmdr adm sgt cpl pvt "
    "rev fr st hon pres supt det insp atty amb sec ft mt jr sr vs v"
)
# Abbreviations that go on the sentence when a number follows ("Jan. 5", "No. 2", "p. 12").
_BEFORE_NUMBER = _set(
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos p pp vol art fig ch ed"
)
# Abbreviations that may end a sentence; split only if a typical sentence opener follows.
_AMBIGUOUS = _set("inc corp co ltd llc plc bros etc al approx est dept univ ave blvd")
# Words that typically open a sentence; after an ambiguous abbreviation they signal a boundary.
_OPENERS = _set(
    "a an the he she it they we i you his her its their our this that these those there here "
    "but and so yet or if when while after before as at in on for by with from to of since "
    "although though however meanwhile still then now also because what who why how where "
    "mr mrs ms dr authorities police officials"
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then
# something that can open a sentence (a capital, digit, opening quote or bracket).
_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…]+)(?P<close>["'”’)\]]*)(?P<space>\s+)(?=["'“‘(\[]*[A-Z0-9À-Ý])"""
)
_LAST_TOKEN = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"""["'“‘(\[]*([\w'’.-]+)""")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")


def _is_boundary(before: str, end: str, close: str, after: str) -> bool:
    """Decide whether the period ending `before` ends the sentence, given the text `after` it."""
    if end != "." or close:
        return True  # "!", "?", "...", or a period inside a closing quote
    match = _LAST_TOKEN.search(before)
    token = match.group(1) if match else ""
    word = token.lstrip("\"'“‘([").lower()
    next_match = _NEXT_WORD.match(after)
    following = next_match.group(1) if next_match else ""
    opener = following.lower().rstrip(".") in _OPENERS
    if word in _TITLES:
        return False
    if word in _BEFORE_NUMBER:
        return not following[:1].isdigit()
    if word in _AMBIGUOUS:
        return opener
    # Initials and dotted acronyms: "John F. Kennedy", "U.S. Army", but "in the U.S. The ..."
    if re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
        return opener
    return True


def split_text(text: str) -> list[str]:
    """Split one paragraph of prose into sentences, stripped, without empties."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start("space")
        before, after = text[start : match.start("end")], text[match.end() :]
        if _is_boundary(before, match["end"], match["close"], after):
            sentences.append(text[start:cut])
            start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


def words(sentence: str) -> tuple[str, ...]:
    """The words of a sentence: runs of letters with inner apostrophes or hyphens."""
    return tuple(_WORD.findall(sentence))


class OfflineTokenizer:
    """A drop-in for `sumy.nlp.tokenizers.Tokenizer` that needs no NLTK data (English)."""

    def __init__(self, language: str = "english") -> None:
        self._language = language

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_text(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return words(sentence)
