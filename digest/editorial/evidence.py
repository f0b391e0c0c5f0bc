"""Evidence per sentence: which side each sentence names, how, and with what relation terms.

Everything is plain regular expressions compiled once per topic (Japanese and Korean terms are
checked on morpheme boundaries): deterministic and fast.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from digest.editorial.angles import (
    AFTER,
    BACKGROUND,
    BEFORE,
    EXCLUDE,
    KEY,
    OTHER,
    PLACE,
    RELATION,
    SIDE0,
    SIDE1,
    SPORT,
    VOICE0,
    VOICE1,
    earlier_event,
    mention_weight,
    target_kind,
)
from digest.editorial.terms import TermMatcher
from digest.editorial.topic_languages import LanguageTerms
from digest.editorial.topic_settings import Side, TopicSettings
from digest.language.captions import is_caption
from digest.language.morphemes import ANALYSED, at_boundaries
from digest.language.sentences import dateline_end, sentence_spans

SIDES = (SIDE0, SIDE1)

__all__ = ["Evidence", "Sentence", "analyse", "in_language", "matcher", "may_be_on_topic"]

_SENTENCE_END = re.compile(r"(?<=[.!?。])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*")
# "TOKYO (Reuters) - ", "SEOUL/TOKYO ", "ISE-SHIMA, Japan ": a place the story was filed from
_CAPS = r"[A-Z][A-Z.'’\-]{%d,}(?:[ /]+[A-Z][A-Z.'’\-]{1,})*(?:,\s*[A-Z][a-z]+)?"
_DATELINE = re.compile(
    rf"\A\s*(?:{_CAPS % 1}\s*(?:\([^)\n]{{1,40}}\)\s*[-—–:]?|[-—–:])"  # marked by (agency) or dash
    rf"|{_CAPS % 4}"  # bare: one word of five capitals or more
    r"|[A-Z][A-Za-z.'’\-]*\s*\([^)\n]{1,40}\)\s*[-—–:])\s"
)


def _groups(topic: TopicSettings) -> list[tuple[int, tuple[str, ...]]]:
    """The topic's terms by kind, in the order that decides which kind a phrase is."""
    side0, side1 = topic.sides
    before = tuple(t for t in topic.attribution if _is_before(t))
    return [
        (EXCLUDE, topic.exclude),
        (KEY, topic.key_terms),
        (VOICE0, side0.voice),
        (VOICE1, side1.voice),
        (SIDE0, side0.terms),
        (SIDE1, side1.terms),
        (OTHER, topic.others),
        (BEFORE, before),
        (AFTER, tuple(t for t in topic.attribution if t not in before)),
        (RELATION, topic.relation_terms),
        (BACKGROUND, topic.background),
        (SPORT, topic.sports),
    ]


@lru_cache(maxsize=64)
def matcher(topic: TopicSettings, unspaced: bool = False) -> TermMatcher:
    return TermMatcher(_groups(topic), unspaced=unspaced)


_NAMING = frozenset({KEY, VOICE0, VOICE1, SIDE0, SIDE1})


@lru_cache(maxsize=64)
def _naming_matcher(topic: TopicSettings, unspaced: bool) -> TermMatcher:
    """Only the terms that name a side or the relation itself, in `matcher`'s order."""
    return TermMatcher([g for g in _groups(topic) if g[0] in _NAMING], unspaced=unspaced)


def may_be_on_topic(topic: TopicSettings, title: str, text: str, lang: str = "en") -> bool:
    """False when the item certainly is not on topic: it names no key term and not both sides.

    Every kind of evidence needs one of those (a pair, a key term, one side's voice on the
    other, one side's action landing on the other), and `analyse` only ever drops terms found
    (datelines, captions, morpheme edges, excluded phrases), so a no here is a score of 0. One
    pass over the item's words with a few terms; most new items of a digest end here."""
    found = _naming_matcher(topic, lang in ANALYSED).find(f"{title}\n\n{text}")
    kinds = {kind for _, _, kind, _ in found}
    first = bool(kinds & {SIDE0, VOICE0})
    return KEY in kinds or (first and bool(kinds & {SIDE1, VOICE1}))


def _is_before(term: str) -> bool:
    """Attribution terms that stand before the source ('according to'), else after ('said')."""
    words = term.lower().strip(" ,").split()
    return bool(words) and (term.lstrip().startswith(",") or words[-1] in {"to", "by", "citing"})


@dataclass(slots=True)
class Sentence:
    a: float = 0.0  # weighted mentions of the first side
    b: float = 0.0
    key: int = 0
    relation: int = 0
    launch: int = 0  # relation terms that name a launch (`topic.launch_terms`)
    target_a: int = 0  # the first side named as the target of the other's action (`angles`)
    target_b: int = 0
    place_a: int = 0  # ... as the place where it lands or aims
    place_b: int = 0

    @property
    def pair(self) -> float:
        a, b = self.a + self.key, self.b + self.key
        return min(1.0, a) * min(1.0, b)


@dataclass(slots=True)
class Evidence:
    sentences: list[Sentence]
    voice0: bool
    voice1: bool
    matched: dict[str, None]
    sport: bool = False  # a sports term (`topic.sports`) is named

    @property
    def relation(self) -> int:
        return sum(s.relation for s in self.sentences)


@lru_cache(maxsize=64)
def in_language(topic: TopicSettings, lang: str) -> TopicSettings:
    """The topic with its terms in `lang` (the English ones when it has none for `lang`)."""
    terms: LanguageTerms | None = getattr(topic.languages, lang, None)
    if terms is None:
        return topic
    sides = tuple(
        Side(name=side.name, terms=own.terms, voice=own.voice)
        for side, own in zip(topic.sides, terms.sides, strict=True)
    )
    fields = (
        "key_terms",
        "relation_terms",
        "others",
        "attribution",
        "exclude",
        "background",
        "sports",
    )
    return topic.model_copy(update={"sides": sides, **{f: getattr(terms, f) for f in fields}})


def analyse(topic: TopicSettings, text: str, *, dateline: bool, lang: str = "en") -> Evidence:
    """Evidence per sentence. With `dateline` (an item's text, not a headline) a leading dateline
    and photo-caption sentences are skipped: they name places and people, not the subject."""
    analysed = lang in ANALYSED
    terms = matcher(topic, analysed)
    weights = topic.weights
    launches = frozenset(topic.launch_terms)
    if analysed:  # Japanese and Korean: their own sentence ends, terms on morpheme boundaries
        starts = [0, *[end for _, end in sentence_spans(text, lang)][:-1]]
    else:
        starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    sentences = [Sentence() for _ in starts]
    skip_to = 0
    if dateline and analysed:
        skip_to = dateline_end(text)
    elif dateline and (d := _DATELINE.match(text)):
        skip_to = d.end()
    found = terms.find(text, skip_to)
    if analysed and found:
        edges = at_boundaries(text, lang, [(hit[0], hit[1]) for hit in found])
        found = [hit for hit, whole in zip(found, edges, strict=True) if whole]
    evidence = Evidence(sentences, False, False, {})
    captions = _Captions(text, starts)
    for i, (start, _, kind, term) in enumerate(found):
        number = bisect_right(starts, start) - 1
        evidence.sport |= kind == SPORT
        if kind in (EXCLUDE, OTHER, AFTER, BEFORE, BACKGROUND, SPORT):
            continue
        if dateline and captions.of(number):
            continue
        sentence = sentences[number]
        evidence.matched[term] = None
        if kind == KEY:
            sentence.key += 1
        elif kind == RELATION:
            sentence.relation += 1
            sentence.launch += term in launches
        else:
            count = mention_weight(text, found, i, weights)
            how = target_kind(text, found, i, count == weights.attributed) if kind in SIDES else 0
            if how and dateline and earlier_event(text, starts[number], start):
                how = 0
            if how:
                count = max(count, 1.0)  # "missiles toward Japan and South Korea": a target
                if kind == SIDE0:
                    sentence.target_a += 1
                    sentence.place_a += how == PLACE
                else:
                    sentence.target_b += 1
                    sentence.place_b += how == PLACE
            if kind in (SIDE0, VOICE0):
                sentence.a += count
                evidence.voice0 |= kind == VOICE0
            else:
                sentence.b += count
                evidence.voice1 |= kind == VOICE1
    return evidence


class _Captions:
    """Which sentences of a text are photo captions, worked out only for the sentences that
    hold a term (most texts hold none, and the caption check of a whole text costs more than
    finding its terms): the same answers as checking every sentence up front."""

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text, self.starts = text, starts
        self.any: bool | None = None  # does the text as a whole read like it holds a caption
        self.known: dict[int, bool] = {}

    def of(self, number: int) -> bool:
        if self.any is None:
            self.any = is_caption(self.text)
        if not self.any:
            return False
        if number not in self.known:
            ends = [*self.starts[1:], len(self.text)]
            self.known[number] = is_caption(self.text, self.starts[number], ends[number])
        return self.known[number]
