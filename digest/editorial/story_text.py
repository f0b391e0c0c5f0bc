"""What story grouping reads in an item: terms, numbers, weekdays, tense, 3-shingles."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache

from digest.language.captions import drop_captions
from digest.models import ScoredItem

# --------------------------------------------------------------------------- text features

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our out over own same she should so some
    such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    says said say told tells tell according new news report reports reported reuters ap afp
    yonhap kcna update updates photo via continue reading"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[^\W\d_]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")
# Starts with a character class so the scan is fast; the callback checks the word boundary.
_ALIAS = re.compile(
    r"[NSU&#](?:(?<=U)\.\s?[SN]\.(?!\w)|(?<=[NS])\.?\s?(?=Korea)|(?<=&)#39;|(?<=#)39;)"
)
_ALIAS_FOR = {"N": "North ", "S": "South "}


def _alias(m: re.Match[str]) -> str:
    """U.S. -> US, N. Korea -> North Korea, S Korea -> South Korea, &#39; -> '."""
    text, start = m.group(), m.start()
    if text[0] in "&#":
        return "'"
    if start and (m.string[start - 1].isalnum() or m.string[start - 1] == "."):
        return text
    if text[0] == "U":
        return "U" + text.rstrip(".")[-1]
    return _ALIAS_FOR[text[0]]


# Headline words that announce an event instead of reporting it: a notice of a launch and the
# launch itself are two events, however alike their wording.
_PROSPECTIVE_TEXT = """
    could will would may might plan plans planned planning set notifies notified notify
    possible possibly likely expected expects prepares preparing prepare ready readies hints
    hint mulls considers upcoming soon notice notification window"""
_PROSPECTIVE = frozenset(_PROSPECTIVE_TEXT.split())
_HEDGES = frozenset(["possible", "possibly", "likely", "apparent", "suspected"])
_DETERMINERS = frozenset(["in", "a", "an", "the", "its", "their", "his", "her", "what"])
# Newsroom synonyms, applied after stemming.
_SYNONYMS = {"fir": "launch", "icbm": "missil", "alarm": "alert"}
_YEAR = re.compile(r"(?:19|20)\d\d")
# Words that open a background clause in a headline: "fires missile as allies prepare drills"
# announces nothing, whatever the clause after "as" says.
_CLAUSE_BREAKS = frozenset(
    ["as", "amid", "after", "ahead", "while", "before", "despite", "following"]
)
_LEAD_TOKENS = 40  # how much of the text counts as its lead for the numbers check
_SHINGLE_TOKENS = 300  # the opening that identifies a copy; longer texts add little
_TEXT_CHARS = 2000  # enough text for the shingles; the rest is never tokenised
_TITLE_WEIGHT = 2.0
_VECTOR_TOKENS = 60  # the lead names the event; a roundup's later paragraphs must not count


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude, fast suffix stripper: launches/launched/launching -> launch."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")):
        word = word[:-3] + "i"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith(("ed", "es")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("y"):
        word = word[:-1] + "i"
    elif word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return _SYNONYMS.get(word, word)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; runs of CJK characters become character bigrams."""
    text = _ALIAS.sub(_alias, text).lower()
    tokens: list[str] = _TOKEN.findall(text)
    if not _CJK_RUN.search(text):
        return tokens
    out: list[str] = []
    for tok in tokens:
        if _CJK_RUN.fullmatch(tok):
            out.extend(tok[i : i + 2] for i in range(max(1, len(tok) - 1)))
        else:
            out.append(tok)
    return out


_WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}


def _number(tok: str) -> str | None:
    """The number or ordinal a token names, if any: these tell events apart."""
    if tok in _ORDINALS:
        return _ORDINALS[tok]
    m = _ORDINAL_DIGITS.fullmatch(tok)
    if m:
        return m.group(1)
    return tok if tok[:1].isdigit() else None


@dataclass(frozen=True, slots=True)
class Features:
    when: float  # hours since the epoch
    shingles: frozenset[int]  # hashes of word 3-shingles; equal sets regardless of hash seed
    terms: dict[str, float]  # stem -> weight before IDF (title counts double)
    title_terms: frozenset[str]
    numbers: frozenset[str]
    weekdays: frozenset[int]
    prospective: bool  # the headline's main clause announces (plans, will, may ...)
    action: frozenset[str]  # what the main clause reports, or announces from the cue on
    named: frozenset[str]  # stems capitalised inside a sentence of the text: names
    plain: frozenset[str]  # stems written in lower case there: not names
    marks: frozenset[str]  # ordinals and years of the lead: which launch, which year
    headline_numbers: frozenset[str]
    dated: bool  # has a publication time, not only the time it was first seen


def hours_of(s: ScoredItem) -> float:
    moment = s.item.published or s.item.seen_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 3600.0


def features(s: ScoredItem) -> Features:
    title = tokens(s.item.title)
    text = drop_captions(s.item.text[:_TEXT_CHARS])
    body = tokens(text)
    if body[: len(title)] == title:  # many feeds repeat the headline as the text's start
        body = body[len(title) :]
    words = (title + body)[:_SHINGLE_TOKENS]
    shingles = frozenset(map(hash, zip(words, words[1:], words[2:], strict=False)))
    terms: dict[str, float] = defaultdict(float)
    title_terms = set()
    for tok in title:
        if tok not in _STOPWORDS and len(tok) > 1:
            root = stem(tok)
            terms[root] += _TITLE_WEIGHT
            title_terms.add(root)
    for tok in body[:_VECTOR_TOKENS]:
        if tok not in _STOPWORDS and len(tok) > 1:
            terms[stem(tok)] += 1.0
    lead = title + body[:_LEAD_TOKENS]
    numbers: set[str] = set()
    marks: set[str] = set()  # ordinals ("second", "3rd") and years
    for tok in lead:
        n = _number(tok)
        if n is not None:
            numbers.add(n)
            if tok in _ORDINALS or tok != n or _YEAR.fullmatch(tok):
                marks.add(n)
    weekdays = frozenset(_WEEKDAYS[t] for t in lead if t in _WEEKDAYS)
    clause = main_clause(title)
    cue = next((k for k, tok in enumerate(clause) if _is_cue(clause, k)), None)
    named, plain = cased_stems(text)
    return Features(
        when=hours_of(s),
        shingles=shingles,
        terms=dict(terms),
        title_terms=frozenset(title_terms),
        numbers=frozenset(numbers),
        weekdays=weekdays,
        prospective=cue is not None,
        action=_action(clause if cue is None else clause[max(0, cue - 1) :]),
        named=named,
        plain=plain,
        marks=frozenset(marks),
        headline_numbers=frozenset(n for n in map(_number, title) if n is not None),
        dated=s.item.published is not None,
    )


def main_clause(title: list[str]) -> list[str]:
    """The headline's tokens before a background clause ("... as allies prepare drills")."""
    for k, tok in enumerate(title):
        if k >= 2 and tok in _CLAUSE_BREAKS:
            return title[:k]
    return title


def _is_cue(clause: list[str], k: int) -> bool:
    """Does the k-th token announce? A hedge that qualifies a noun ("in a likely second
    attempt") reports a thing done, only hedging what it was."""
    tok = clause[k]
    if tok not in _PROSPECTIVE:
        return False
    return not (tok in _HEDGES and k and clause[k - 1] in _DETERMINERS)


def _action(clause: list[str]) -> frozenset[str]:
    return frozenset(
        stem(t) for t in clause if t not in _STOPWORDS and t not in _PROSPECTIVE and len(t) > 1
    )


# A capitalised word after a lower-case word or a comma is inside a sentence: a name.
_INNER_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][^\W\d_]+")
_LOWER_WORD = re.compile(r"(?<![^\W\d_])[a-z]+(?![^\W\d_])")
_CASED_CHARS = 500  # about the tokens the term vector reads


def cased_stems(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Stems written capitalised inside a sentence (names: "Japan", "Pyongyang") and stems
    written in lower case (things and actions: "launch", "satellite")."""
    text = _ALIAS.sub(_alias, text[:_CASED_CHARS])
    named = {stem(w.lower()) for w in _INNER_CAPITAL.findall(text)}
    plain = {stem(w) for w in _LOWER_WORD.findall(text) if w not in _STOPWORDS}
    return frozenset(named), frozenset(plain)


@dataclass(frozen=True, slots=True)
class StreamItem:
    """What an item of the period's stream tells grouping: its terms (for their rarity) and
    how it writes them (for telling names from things)."""

    terms: frozenset[str]
    named: frozenset[str]
    plain: frozenset[str]


def stream_item(s: ScoredItem) -> StreamItem:
    text = s.item.text[:_TEXT_CHARS]
    words = tokens(s.item.title) + tokens(text)[:_VECTOR_TOKENS]
    terms = frozenset(stem(t) for t in words if t not in _STOPWORDS and len(t) > 1)
    return StreamItem(terms, *cased_stems(text))
