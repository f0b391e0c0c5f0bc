"""Topic relevance: is an item about the relation between two sides, and which part of it is.

The topic is two sides (say Japan and North Korea) and the relation between them. An item is on
topic when the relation is its subject, not when one side is a dateline, a news source or one name
in a list. Evidence is counted per sentence: both sides named in the headline, both sides in one
sentence (more when a relation term is there too), key terms that name the relation by themselves
(e.g. "abductee", "Chongryon"), one side's own voice (e.g. KCNA style) writing about the other, and
one side's action landing on the other ("a missile fell into the sea off Japan": the side is the
place or target, not a source or one name in a list). Photo captions in the text are no evidence.
Everything is plain regular expressions compiled once per topic: deterministic and fast. The
settings are in `topic_settings`, the per-sentence evidence in `evidence`, how a side stands in
its sentence (listed, a source, a target) in `angles`; this module turns evidence into points.
"""

from __future__ import annotations

import re
from itertools import pairwise

from digest.editorial.angles import BACKGROUND
from digest.editorial.evidence import (
    Evidence,
    Sentence,
    analyse,
    in_language,
    matcher,
    may_be_on_topic,
)
from digest.editorial.topic_settings import Side, TopicLanguages, TopicSettings, TopicWeights
from digest.language.morphemes import ANALYSED
from digest.models import Relevance

__all__ = [
    "Side",
    "TopicLanguages",
    "TopicSettings",
    "TopicWeights",
    "on_topic_text",
    "score_in_full",
    "score_item",
]


# --- scoring ------------------------------------------------------------------------------------


def _headline_pair(topic: TopicSettings, title: str, whole: float, lang: str) -> float:
    """The headline's pair, halved when the sides meet only across a background clause."""
    found = matcher(topic, lang in ANALYSED).find(title)
    cuts = [start for start, _, kind, _ in found if kind == BACKGROUND]
    if not cuts or not whole:
        return whole
    bounds = [0, *cuts, len(title)]
    clauses = [title[a:b] for a, b in pairwise(bounds)]
    best = max(
        (s.pair for c in clauses for s in analyse(topic, c, dateline=False, lang=lang).sentences),
        default=0.0,
    )
    return best + (whole - best) / 2 if whole > best else whole


def _points(
    topic: TopicSettings, title: str, head_ev: Evidence, body_ev: Evidence, lang: str
) -> dict[str, float]:
    """Points per kind of evidence (see `TopicWeights`)."""
    w = topic.weights
    head = Sentence()
    for s in head_ev.sentences:
        head.a += s.a
        head.b += s.b
        head.key += s.key
    body = body_ev.sentences
    targets, landing = _targets(topic, title, head, [*head_ev.sentences, *body], lang)
    head_a, head_b = min(1.0, head.a + head.key), min(1.0, head.b + head.key)
    voice = (head_ev.voice1 or body_ev.voice1) * head_a + (
        head_ev.voice0 or body_ev.voice0
    ) * head_b
    # a game between the sides ("Japan beat North Korea in the final") is no relation: only
    # sentences with a relation term count
    game = head_ev.sport and not head_ev.relation
    pairs = 0.0 if game else 1.0
    return {
        "headline_pair": pairs * w.headline_pair * _headline_pair(topic, title, head.pair, lang),
        "lead_pair": pairs * w.lead_pair * max((s.pair for s in body[:2]), default=0.0),
        "pair_sentence": pairs * w.pair_sentence * min(w.cap, sum(s.pair for s in body)),
        "relation_sentence": w.relation_sentence
        * min(w.cap, sum(s.pair for s in body if s.relation)),
        "key_mention": w.key_mention * min(w.cap, sum(s.key for s in body)),
        "voice": w.voice * voice,
        "target": w.target * targets,
        "landing": w.landing * landing,
    }


def _targets(
    topic: TopicSettings, title: str, head: Sentence, sentences: list[Sentence], lang: str
) -> tuple[int, bool]:
    """Sentences where one side's action lands on the other (a relation term says what
    happened, one side is named as the place or on the receiving end, the other is named there or
    in the headline), and whether one of them is a launch landing on or near a side by the side
    the headline's main clause names. Only when that main clause names a side: "allies stage
    drill after North Korea's launch" is about the drill, wherever the launch came down."""
    count, places_a, places_b = 0, False, False
    for s in sentences:
        if not s.relation:
            continue
        acts_b, acts_a = s.a + s.key or head.a + head.key, s.b + s.key or head.b + head.key
        hit_b, hit_a = s.target_b and acts_b, s.target_a and acts_a
        count += bool(hit_a or hit_b)
        places_a |= bool(s.launch and s.place_a)
        places_b |= bool(s.launch and s.place_b)
    if not count:
        return 0, False
    main = _main_clause(topic, title, lang)
    if not (main.a or main.b or main.key):
        return 0, False
    # a landing: the actor is the headline's subject, not a source named in the sentence
    landing = (places_a and main.b + main.key >= 1) or (places_b and main.a + main.key >= 1)
    return min(topic.weights.cap, count), landing


def _main_clause(topic: TopicSettings, title: str, lang: str) -> Sentence:
    """The sides the headline names up to a background clause ("..., a day after ...")."""
    terms = matcher(topic, lang in ANALYSED)
    cuts = [start for start, _, kind, _ in terms.find(title) if kind == BACKGROUND]
    main = title[: min(cuts)] if cuts else title
    named = Sentence()
    for s in analyse(topic, main, dateline=False, lang=lang).sentences:
        named.a += s.a
        named.b += s.b
        named.key += s.key
    return named


def score_item(topic: TopicSettings, title: str, text: str, lang: str = "en") -> Relevance:
    """How strongly an item (headline and text, either may be empty) is about the topic.

    `score` is points/(points + threshold), in [0, 1); `on_topic` is score >= 0.5; `matched` lists
    the topic's terms found, in order of first appearance. `lang` picks the topic's terms in
    that language (`topic.languages`). An item that names no key term and not both sides is
    scored 0 at once, matching nothing (`may_be_on_topic`): the full score would be 0 too.
    """
    if not may_be_on_topic(in_language(topic, lang), title, text, lang):
        return Relevance(score=0.0, on_topic=False)
    return score_in_full(topic, title, text, lang)


def score_in_full(topic: TopicSettings, title: str, text: str, lang: str = "en") -> Relevance:
    """`score_item` without its first look (for checking that look): every sentence analysed."""
    topic = in_language(topic, lang)
    head = analyse(topic, title, dateline=False, lang=lang)
    body = analyse(topic, text, dateline=True, lang=lang)
    points = sum(_points(topic, title, head, body, lang).values())
    matched = tuple(dict.fromkeys([*head.matched, *body.matched]))
    score = points / (points + topic.threshold)
    return Relevance(score=round(score, 4), on_topic=points >= topic.threshold, matched=matched)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_BRIDGE = 3  # paragraphs between two on-topic ones are kept when there are at most this many


def on_topic_text(topic: TopicSettings, text: str, lang: str = "en") -> str:
    """The on-topic part of a long or mixed page: its on-topic paragraphs and what lies between.

    Paragraphs are separated by blank lines. A paragraph is on topic when it names both sides in
    one sentence or holds a key term; up to three paragraphs between two on-topic ones are kept
    too (they carry the story on without repeating names). Parts before the first and after the
    last on-topic paragraph (other posts, unrelated stories, page furniture) are dropped. Returns
    "" when no paragraph is on topic.
    """
    topic = in_language(topic, lang)
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    hits = [
        i
        for i, paragraph in enumerate(paragraphs)
        if any(
            s.pair >= 1.0 or s.key
            for s in analyse(topic, paragraph, dateline=False, lang=lang).sentences
        )
    ]
    keep: list[int] = []
    for i in hits:
        if keep and i - keep[-1] - 1 <= _BRIDGE:
            keep.extend(range(keep[-1] + 1, i))
        keep.append(i)
    return "\n\n".join(paragraphs[i] for i in keep)
