"""Topic relevance: is an item about the relation between two sides, and which part of it is.

The topic is two sides (say Japan and North Korea) and the relation between them. An item is on
topic when the relation is its subject, not when one side is a dateline, a news source or one name
in a list. Evidence is counted per sentence: both sides named in the headline, both sides in one
sentence (more when a relation term is there too), key terms that name the relation by themselves
(e.g. "abductee", "Chongryon"), one side's own voice (e.g. KCNA style) writing about the other, and
one side's action landing on the other ("a missile fell into the sea off Japan": the side is the
place or target, not a source or one name in a list). Photo captions in the text are no evidence.
Everything is plain regular expressions compiled once per topic: deterministic and fast.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from digest.editorial import topic_defaults as defaults
from digest.editorial.captions import is_caption
from digest.editorial.terms import TermMatcher, term_regex
from digest.models import Relevance

__all__ = ["Side", "TopicSettings", "TopicWeights", "on_topic_text", "score_item"]


def _check_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    for term in terms:
        try:
            re.compile(term_regex(term))
        except re.error as exc:  # pragma: no cover - term_regex escapes everything
            raise ValueError(f"bad term {term!r}: {exc}") from exc
    return terms


Terms = Annotated[tuple[str, ...], AfterValidator(_check_terms)]

_TERMS_HELP = (
    " Terms are plain words or phrases. A trailing '*' matches any word ending ('abduct*' matches"
    " 'abductee'). A term written all in lower case matches in any case ('japan' matches 'JAPAN');"
    " a term with a capital letter matches exactly ('Abe' does not match 'abe'). A space matches"
    " spaces or hyphens, a hyphen matches a hyphen, a space or nothing."
)


class Side(BaseModel):
    """One party to the relation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="What the side is called in reports.")
    terms: Terms = Field(description="Names that mean this side." + _TERMS_HELP)
    voice: Terms = Field(
        default=(),
        description=(
            "Words that mark an item as written in this side's own voice (e.g. 'KCNA', 'Rodong"
            " Sinmun'); they also count as naming the side. When this side speaks and the other"
            " side is the subject of the headline, the item is about the relation." + _TERMS_HELP
        ),
    )


class TopicWeights(BaseModel):
    """Points each kind of evidence earns; an item is on topic when they reach the threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    headline_pair: float = Field(default=4.0, description="Both sides named in the headline.")
    lead_pair: float = Field(default=1.5, description="Both sides in one sentence of the lead.")
    pair_sentence: float = Field(default=1.0, description="Each sentence naming both sides.")
    relation_sentence: float = Field(
        default=1.0,
        description="Each sentence naming both sides (or a key term) and a relation term.",
    )
    key_mention: float = Field(default=1.0, description="Each key-term mention.")
    voice: float = Field(
        default=4.0, description="One side's voice with the other side the subject of the headline."
    )
    listed: float = Field(
        default=0.25,
        description="How much a side mention counts when it is one name in a list with others.",
    )
    targeted: float = Field(
        default=1.0,
        description="How much a listed side counts when the list is the target of the action"
        " ('alerts in South Korea and Japan', 'missiles to Japan, South Korea', 'Japan and South"
        " Korea on alert'): the side is then no mere participant.",
    )
    attributed: float = Field(
        default=0.5,
        description="How much a side mention counts when that side is only a news source.",
    )
    target: float = Field(
        default=1.0,
        description="Each sentence where one side's action (a relation term: missile, launch...)"
        " lands on or aims at the other, named as a place ('into the sea off Japan', 'toward"
        " Japan'), when the headline's main clause names a side.",
    )
    cap: int = Field(
        default=5, ge=1, description="At most this many sentences count for each kind."
    )


class TopicSettings(BaseModel):
    """The topic: two sides and the relation between them; `topic:` in feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="Japan–North Korea relations", description="The topic's name.")
    sides: tuple[Side, Side] = Field(
        default=(
            Side(name="Japan", terms=defaults.JAPAN),
            Side(name="North Korea", terms=defaults.NORTH_KOREA, voice=defaults.NORTH_KOREA_VOICE),
        ),
        description="The two parties to the relation.",
    )
    key_terms: Terms = Field(
        default=defaults.KEY_TERMS,
        description="Terms that name the relation by themselves; each counts as both sides."
        + _TERMS_HELP,
    )
    relation_terms: Terms = Field(
        default=defaults.RELATION_TERMS,
        description="What the sides do to each other (talks, missile, sanctions...); they count"
        " in a sentence that names both sides." + _TERMS_HELP,
    )
    others: Terms = Field(
        default=defaults.OTHERS,
        description="Third parties: a side named next to one of these ('the US, Japan and South"
        " Korea') is one name in a list and counts for little." + _TERMS_HELP,
    )
    attribution: Terms = Field(
        default=defaults.ATTRIBUTION,
        description="Reporting words ('said', 'according to'): a side right next to one is a news"
        " source and counts for less." + _TERMS_HELP,
    )
    exclude: Terms = Field(
        default=defaults.EXCLUDE,
        description="Phrases that are no evidence at all: side terms inside them are ignored"
        " ('Sea of Japan', 'anti-Japanese')." + _TERMS_HELP,
    )
    background: Terms = Field(
        default=defaults.BACKGROUND,
        description="Words that open a background clause in a headline ('amid', 'ahead of'):"
        " sides named only on different sides of one count half as a headline pair." + _TERMS_HELP,
    )
    weights: TopicWeights = Field(
        default=TopicWeights(), description="Points per kind of evidence."
    )
    threshold: float = Field(
        default=4.0,
        gt=0,
        description="Points an item needs to be on topic; score = points / (points + threshold).",
    )


# --- matching -----------------------------------------------------------------------------------

(
    _EXCLUDE,
    _KEY,
    _SIDE0,
    _SIDE1,
    _VOICE0,
    _VOICE1,
    _OTHER,
    _AFTER,
    _BEFORE,
    _RELATION,
    _BACKGROUND,
) = range(11)

_SENTENCE_END = re.compile(r"(?<=[.!?。])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*")
# "TOKYO (Reuters) - ", "SEOUL/TOKYO ", "ISE-SHIMA, Japan ": a place the story was filed from
_CAPS = r"[A-Z][A-Z.'’\-]{%d,}(?:[ /]+[A-Z][A-Z.'’\-]{1,})*(?:,\s*[A-Z][a-z]+)?"
_DATELINE = re.compile(
    rf"\A\s*(?:{_CAPS % 1}\s*(?:\([^)\n]{{1,40}}\)\s*[-—–:]?|[-—–:])"  # marked by (agency) or dash
    rf"|{_CAPS % 4}"  # bare: one word of five capitals or more
    r"|[A-Z][A-Za-z.'’\-]*\s*\([^)\n]{1,40}\)\s*[-—–:])\s"
)
_LIST_GAP = re.compile(r"\s*(?:,|/|&|-|–|—|and|or)?\s*(?:,\s*)?(?:and\s+|or\s+)?(?:the\s+)?", re.I)
# a list right after a relation term (and a preposition) is its target: "alerts in S Korea, Japan",
# "denounces the U.S. and Japan"
_TARGET_BEFORE = re.compile(
    r"\s+(?:(?:[\w'’]+\s+){0,2}?(?:in|to|toward|towards|over|into|near|against|at|on)\s+)?"
    r"(?:the\s+)?",
    re.I,
)
# ... or a list followed by a state of readiness: "as Japan and South Korea (are) on standby"
_TARGET_AFTER = re.compile(
    r"\s+(?:(?:are|were|is|was|remain|stay)\s+)?(?:put\s+)?on\s+(?:high\s+|full\s+)?"
    r"(?:alert|standby|guard)",
    re.I,
)
# A side named as where an action lands or aims: "into the sea off Japan", "toward Japan",
# "over northern Japan", "inside Japan's exclusive economic zone".
_PLACE_BEFORE = re.compile(
    r"\b(?:toward|towards|over|off|near|into|inside|within)\s+(?:the\s+)?"
    r"(?:(?:seas?|waters?|coasts?|shores?|coastline|islands?)\s+(?:off|of|near)\s+(?:the\s+)?)?"
    r"(?:(?:northern|southern|western|eastern|north|south|east|west|mainland)\s+)?\Z",
    re.I,
)
_PLACE_REACH = 50  # characters before a side mention searched for such a phrase
_LISTABLE = (_SIDE0, _SIDE1, _OTHER)
_SOURCE_GAP = 40  # a reporting word at most this many characters after a side names a source
_PUNCT = re.compile(r"[.!?;:\n]")
# a reporting word ends its sentence ("..., Japan said on Friday."): the side is only the source
_TAIL = re.compile(r"[^.!?;:\n]{0,25}(?:[.!?;:\n]|\Z)")


@lru_cache(maxsize=64)
def _matcher(topic: TopicSettings) -> TermMatcher:
    side0, side1 = topic.sides
    before = tuple(t for t in topic.attribution if _is_before(t))
    return TermMatcher(
        [
            (_EXCLUDE, topic.exclude),
            (_KEY, topic.key_terms),
            (_VOICE0, side0.voice),
            (_VOICE1, side1.voice),
            (_SIDE0, side0.terms),
            (_SIDE1, side1.terms),
            (_OTHER, topic.others),
            (_BEFORE, before),
            (_AFTER, tuple(t for t in topic.attribution if t not in before)),
            (_RELATION, topic.relation_terms),
            (_BACKGROUND, topic.background),
        ]
    )


def _is_before(term: str) -> bool:
    """Attribution terms that stand before the source ('according to'), else after ('said')."""
    words = term.lower().strip(" ,").split()
    return bool(words) and (term.lstrip().startswith(",") or words[-1] in {"to", "by", "citing"})


@dataclass(slots=True)
class _Sentence:
    a: float = 0.0  # weighted mentions of the first side
    b: float = 0.0
    key: int = 0
    relation: int = 0
    target_a: int = 0  # the first side named as the place the other's action lands or aims at
    target_b: int = 0

    @property
    def pair(self) -> float:
        a, b = self.a + self.key, self.b + self.key
        return min(1.0, a) * min(1.0, b)


@dataclass(slots=True)
class _Evidence:
    sentences: list[_Sentence]
    voice0: bool
    voice1: bool
    matched: dict[str, None]


def _analyse(topic: TopicSettings, text: str, *, dateline: bool) -> _Evidence:
    """Evidence per sentence. With `dateline` (an item's text, not a headline) a leading dateline
    and photo-caption sentences are skipped: they name places and people, not the subject."""
    matcher = _matcher(topic)
    weights = topic.weights
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    sentences = [_Sentence() for _ in starts]
    skip_to = 0
    if dateline and (d := _DATELINE.match(text)):
        skip_to = d.end()
    captions = set()
    if dateline and is_caption(text):
        ends = [*starts[1:], len(text)]
        captions = {
            k for k, span in enumerate(zip(starts, ends, strict=True)) if is_caption(text, *span)
        }
    found = matcher.find(text, skip_to)
    evidence = _Evidence(sentences, False, False, {})
    for i, (start, _, kind, term) in enumerate(found):
        if kind in (_EXCLUDE, _OTHER, _AFTER, _BEFORE, _BACKGROUND):
            continue
        number = bisect_right(starts, start) - 1
        if number in captions:
            continue
        sentence = sentences[number]
        evidence.matched[term] = None
        if kind == _KEY:
            sentence.key += 1
        elif kind == _RELATION:
            sentence.relation += 1
        else:
            count = _mention_weight(text, found, i, weights)
            if kind in (_SIDE0, _SIDE1) and _is_target(text, found, i):
                count = max(count, 1.0)  # "missiles toward Japan and South Korea": a target
                if kind == _SIDE0:
                    sentence.target_a += 1
                else:
                    sentence.target_b += 1
            if kind in (_SIDE0, _VOICE0):
                sentence.a += count
                evidence.voice0 |= kind == _VOICE0
            else:
                sentence.b += count
                evidence.voice1 |= kind == _VOICE1
    return evidence


def _mention_weight(
    text: str, found: list[tuple[int, int, int, str]], i: int, weights: TopicWeights
) -> float:
    """1 for a plain mention; less when the side is one name in a list or only a news source."""
    start, end = found[i][0], found[i][1]
    if i > 0:
        _, p_end, p_kind, _ = found[i - 1]
        if p_kind == _OTHER and _LIST_GAP.fullmatch(text, p_end, start):
            return _listed(text, found, i, weights)
        near = p_kind == _BEFORE and start - p_end <= _SOURCE_GAP
        if near and not _PUNCT.search(text, p_end, start):
            return weights.attributed
    if i + 1 < len(found):
        n_start, _, n_kind, _ = found[i + 1]
        if n_kind == _OTHER and _LIST_GAP.fullmatch(text, end, n_start):
            return _listed(text, found, i, weights)
        near = n_kind == _AFTER and n_start - end <= _SOURCE_GAP
        if near and _TAIL.match(text, found[i + 1][1]) and not _PUNCT.search(text, end, n_start):
            return weights.attributed
    return 1.0


def _is_target(text: str, found: list[tuple[int, int, int, str]], i: int) -> bool:
    """Is the side named as where an action lands ("off Japan"), or as put on alert by it ("as
    Japan and South Korea (are) on standby")?"""
    start = found[i][0]
    if _PLACE_BEFORE.search(text, max(0, start - _PLACE_REACH), start):
        return True
    last = i
    while last + 1 < len(found) and found[last + 1][2] in _LISTABLE:
        if not _LIST_GAP.fullmatch(text, found[last][1], found[last + 1][0]):
            break
        last += 1
    return _TARGET_AFTER.match(text, found[last][1]) is not None


def _listed(
    text: str, found: list[tuple[int, int, int, str]], i: int, weights: TopicWeights
) -> float:
    """A side in a list counts little, unless the list is the target of the action."""
    first = last = i
    while first > 0 and found[first - 1][2] in _LISTABLE:
        if not _LIST_GAP.fullmatch(text, found[first - 1][1], found[first][0]):
            break
        first -= 1
    while last + 1 < len(found) and found[last + 1][2] in _LISTABLE:
        if not _LIST_GAP.fullmatch(text, found[last][1], found[last + 1][0]):
            break
        last += 1
    before = first > 0 and found[first - 1][2] == _RELATION
    if before and _TARGET_BEFORE.fullmatch(text, found[first - 1][1], found[first][0]):
        return weights.targeted
    return weights.targeted if _TARGET_AFTER.match(text, found[last][1]) else weights.listed


# --- scoring ------------------------------------------------------------------------------------


def _headline_pair(topic: TopicSettings, title: str, whole: float) -> float:
    """The headline's pair, halved when the sides meet only across a background clause."""
    cuts = [start for start, _, kind, _ in _matcher(topic).find(title) if kind == _BACKGROUND]
    if not cuts or not whole:
        return whole
    bounds = [0, *cuts, len(title)]
    clauses = [title[a:b] for a, b in pairwise(bounds)]
    best = max(
        (s.pair for c in clauses for s in _analyse(topic, c, dateline=False).sentences),
        default=0.0,
    )
    return best + (whole - best) / 2 if whole > best else whole


def _points(
    topic: TopicSettings, title: str, head_ev: _Evidence, body_ev: _Evidence
) -> dict[str, float]:
    """Points per kind of evidence (see `TopicWeights`)."""
    w = topic.weights
    head = _Sentence()
    for s in head_ev.sentences:
        head.a += s.a
        head.b += s.b
        head.key += s.key
    body = body_ev.sentences
    head_a, head_b = min(1.0, head.a + head.key), min(1.0, head.b + head.key)
    voice = (head_ev.voice1 or body_ev.voice1) * head_a + (
        head_ev.voice0 or body_ev.voice0
    ) * head_b
    return {
        "headline_pair": w.headline_pair * _headline_pair(topic, title, head.pair),
        "lead_pair": w.lead_pair * max((s.pair for s in body[:2]), default=0.0),
        "pair_sentence": w.pair_sentence * min(w.cap, sum(s.pair for s in body)),
        "relation_sentence": w.relation_sentence
        * min(w.cap, sum(s.pair for s in body if s.relation)),
        "key_mention": w.key_mention * min(w.cap, sum(s.key for s in body)),
        "voice": w.voice * voice,
        "target": w.target * _targets(topic, title, head, [*head_ev.sentences, *body]),
    }


def _targets(topic: TopicSettings, title: str, head: _Sentence, sentences: list[_Sentence]) -> int:
    """Sentences where one side's action lands on the other: a relation term says what happened,
    one side is named as the place, the other is named there or in the headline. Only when the
    headline's main clause names a side: "allies stage drill after North Korea's launch" is
    about the drill, wherever the launch came down."""
    count = 0
    for s in sentences:
        if not s.relation:
            continue
        hit_b = s.target_b and (s.a + s.key or head.a + head.key)
        hit_a = s.target_a and (s.b + s.key or head.b + head.key)
        count += bool(hit_a or hit_b)
    if not count or not _main_clause_names_side(topic, title):
        return 0
    return min(topic.weights.cap, count)


def _main_clause_names_side(topic: TopicSettings, title: str) -> bool:
    """Does the headline, up to a background clause ("..., a day after ..."), name a side?"""
    cuts = [start for start, _, kind, _ in _matcher(topic).find(title) if kind == _BACKGROUND]
    main = title[: min(cuts)] if cuts else title
    return any(s.a or s.b or s.key for s in _analyse(topic, main, dateline=False).sentences)


def score_item(topic: TopicSettings, title: str, text: str) -> Relevance:
    """How strongly an item (headline and text, either may be empty) is about the topic.

    `score` is points/(points + threshold), in [0, 1); `on_topic` is score >= 0.5; `matched` lists
    the topic's terms found, in order of first appearance.
    """
    head = _analyse(topic, title, dateline=False)
    body = _analyse(topic, text, dateline=True)
    points = sum(_points(topic, title, head, body).values())
    matched = tuple(dict.fromkeys([*head.matched, *body.matched]))
    score = points / (points + topic.threshold)
    return Relevance(score=round(score, 4), on_topic=points >= topic.threshold, matched=matched)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_BRIDGE = 3  # paragraphs between two on-topic ones are kept when there are at most this many


def on_topic_text(topic: TopicSettings, text: str) -> str:
    """The on-topic part of a long or mixed page: its on-topic paragraphs and what lies between.

    Paragraphs are separated by blank lines. A paragraph is on topic when it names both sides in
    one sentence or holds a key term; up to three paragraphs between two on-topic ones are kept
    too (they carry the story on without repeating names). Parts before the first and after the
    last on-topic paragraph (other posts, unrelated stories, page furniture) are dropped. Returns
    "" when no paragraph is on topic.
    """
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    hits = [
        i
        for i, paragraph in enumerate(paragraphs)
        if any(s.pair >= 1.0 or s.key for s in _analyse(topic, paragraph, dateline=False).sentences)
    ]
    keep: list[int] = []
    for i in hits:
        if keep and i - keep[-1] - 1 <= _BRIDGE:
            keep.extend(range(keep[-1] + 1, i))
        keep.append(i)
    return "\n\n".join(paragraphs[i] for i in keep)
