"""Group items that report the same event into one story.

Several outlets carry the same event: identical wire copy, rewrites, an updated (LEAD) version,
and reports in their own words whose headlines share few words. `group_items` puts those into one
group and keeps different events apart, even when they are worded alike (two missile launches a
week apart, a launch notice and the launch, two rounds of talks, a daily series). It works in two
passes:

- candidates come from an inverted index of each item's rarest terms, never from comparing
  every pair, so 10,000 items group in seconds;
- a pair is linked only inside a publication-time window, only when it passes a text or
  title-and-content similarity test, and never when the numbers in the two headlines and leads
  disagree (a "second" launch is not a "third", 2011 is not 2012), and a headline announcing an
  event ("plans to launch") never joins one reporting it unless the texts are copies;
- first, groups are formed by complete linkage over those links: an item joins a group only if
  it is linked to every item already in it, so one weak link cannot chain two events together;
- then the event is found: groups whose items were published within `event_gap_hours` of each
  other are merged by average linkage, when the mean similarity of their cross pairs that the
  first pass did not link reaches `event_similarity` (so a roundup that links to two events
  does not carry them into one story). Terms are weighed by how rare they are in the whole
  period's stream (the `context` the orchestrator passes), so the event's own names, places and
  numbers count and "North Korea" or "missile" hardly do. Hard rules still keep events apart:
  an announcement never joins a report of the event, ordinals, years and the headlines' numbers
  must agree (a second launch is not a third), weekdays too, and items without a publication
  time are left to the first pass.

Photo captions are dropped from the text first: they describe a picture, not the event.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field

from digest.editorial.crosslang import CrossLinks
from digest.language.captions import drop_captions
from digest.models import ScoredItem

__all__ = ["GroupingSettings", "group_items"]


class GroupingSettings(BaseModel):
    """Thresholds for grouping; lives under `stories:` in feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_gap_hours: float = Field(
        default=48.0,
        gt=0,
        description="Rewrites and follow-ups further apart than this in publication time "
        "(or first-seen time) are never grouped.",
    )
    duplicate_gap_hours: float = Field(
        default=168.0,
        gt=0,
        description="Near-identical copies (see duplicate_similarity) may be this far apart, "
        "for wire copy reposted during the week.",
    )
    duplicate_similarity: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Jaccard similarity of word 3-shingles (title and text) at or above which "
        "two items are copies of one report.",
    )
    strong_similarity: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="TF-IDF cosine of title and text terms at or above which two items inside "
        "max_gap_hours tell the same story on its own.",
    )
    title_similarity: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="TF-IDF cosine of the two headlines' terms; together with "
        "content_similarity it links rewrites with different wording.",
    )
    content_similarity: float = Field(
        default=0.35,
        gt=0,
        le=1,
        description="TF-IDF cosine of title and text terms required alongside title_similarity.",
    )
    event_gap_hours: float = Field(
        default=30.0,
        gt=0,
        description="Reports of one event are published within this many hours of each other; "
        "items further apart are never merged as one event (they may still be copies).",
    )
    event_similarity: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="Mean TF-IDF cosine of the cross pairs not linked already at or above which "
        "two groups inside event_gap_hours are merged as reports of one event (average linkage).",
    )
    signature_terms: int = Field(
        default=12,
        ge=1,
        description="How many of an item's rarest terms are indexed to find candidate pairs; "
        "more finds more rewrites and costs time.",
    )
    cross_language_gap_hours: float = Field(
        default=36.0,
        gt=0,
        description="Versions of one report in different languages (a wire's Japanese, Korean and "
        "English services) further apart than this are never grouped; within it they are "
        "linked by the figures, names and places they share (see digest/editorial/crosslang.py).",
    )
    max_term_share: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="Terms found in more than this share of the items (and in more than 50) "
        "are too common to find candidates with.",
    )


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
    hint mulls considers upcoming soon"""
_PROSPECTIVE = frozenset(_PROSPECTIVE_TEXT.split())
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
_COPY_FLOOR = 0.3  # below this lead cosine two items are not copies; skip the costly Jaccard
_TITLE_WEIGHT = 2.0
_FEW_TERMS = 8  # items with fewer terms than this may pair on one shared rare term
_VECTOR_TOKENS = 60  # the lead names the event; a roundup's later paragraphs must not count


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
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


def _tokens(text: str) -> list[str]:
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
class _Features:
    when: float  # hours since the epoch
    shingles: frozenset[int]  # hashes of word 3-shingles; equal sets regardless of hash seed
    terms: dict[str, float]  # stem -> weight before IDF (title counts double)
    title_terms: frozenset[str]
    numbers: frozenset[str]
    weekdays: frozenset[int]
    prospective: bool
    marks: frozenset[str]  # ordinals and years of the lead: which launch, which year
    headline_numbers: frozenset[str]
    dated: bool  # has a publication time, not only the time it was first seen


def _when(s: ScoredItem) -> float:
    moment = s.item.published or s.item.seen_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 3600.0


def _features(s: ScoredItem) -> _Features:
    title = _tokens(s.item.title)
    body = _tokens(drop_captions(s.item.text[:_TEXT_CHARS]))
    if body[: len(title)] == title:  # many feeds repeat the headline as the text's start
        body = body[len(title) :]
    words = (title + body)[:_SHINGLE_TOKENS]
    shingles = frozenset(map(hash, zip(words, words[1:], words[2:], strict=False)))
    terms: dict[str, float] = defaultdict(float)
    title_terms = set()
    for tok in title:
        if tok not in _STOPWORDS and len(tok) > 1:
            stem = _stem(tok)
            terms[stem] += _TITLE_WEIGHT
            title_terms.add(stem)
    for tok in body[:_VECTOR_TOKENS]:
        if tok not in _STOPWORDS and len(tok) > 1:
            terms[_stem(tok)] += 1.0
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
    return _Features(
        when=_when(s),
        shingles=shingles,
        terms=dict(terms),
        title_terms=frozenset(title_terms),
        numbers=frozenset(numbers),
        weekdays=weekdays,
        prospective=not _PROSPECTIVE.isdisjoint(_main_clause(title)),
        marks=frozenset(marks),
        headline_numbers=frozenset(n for n in map(_number, title) if n is not None),
        dated=s.item.published is not None,
    )


def _main_clause(title: list[str]) -> list[str]:
    """The headline's tokens before a background clause ("... as allies prepare drills")."""
    for k, tok in enumerate(title):
        if k >= 2 and tok in _CLAUSE_BREAKS:
            return title[:k]
    return title


def _disagree(a: _Features, b: _Features) -> bool:
    """Numbers with nothing in common, or weekdays more than a day apart (time zones)."""
    if a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers):
        return True
    return _weekdays_apart(a, b)


def _weekdays_apart(a: _Features, b: _Features) -> bool:
    if a.weekdays and b.weekdays:
        return all(min((x - y) % 7, (y - x) % 7) > 1 for x in a.weekdays for y in b.weekdays)
    return False


# --------------------------------------------------------------------------- pair decisions


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class _Scorer:
    """Decides whether two items tell the same story; remembers its answers."""

    def __init__(
        self,
        feats: list[_Features],
        settings: GroupingSettings,
        cross: CrossLinks,
        context: Sequence[frozenset[str]] = (),
    ) -> None:
        self.feats = feats
        self.settings = settings
        self.cross = cross
        df: dict[str, int] = defaultdict(int)
        for f in feats:
            for t in f.terms:
                df[t] += 1
        self.df = df  # among the items grouped: finds candidate pairs
        stream = dict(df)  # in the whole period's stream: weighs terms
        for terms in context:
            for t in terms:
                if t in stream:
                    stream[t] += 1
        n = len(feats) + len(context)
        # Smoothed IDF: a handful of items still weighs terms sensibly.
        idf = {t: math.log((n + 20.0) / (d + 1.0)) for t, d in stream.items()}
        self.vectors = [_unit({t: w * idf[t] for t, w in f.terms.items()}) for f in feats]
        self.title_vectors = [_unit({t: idf[t] for t in f.title_terms}) for f in feats]
        self.cache: dict[tuple[int, int], float] = {}
        self.affinities: dict[tuple[int, int], float | None] = {}

    def link(self, i: int, j: int) -> float:
        """A positive score when i and j tell the same story, else 0."""
        key = (i, j) if i < j else (j, i)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._decide(*key)
        return hit

    def _decide(self, i: int, j: int) -> float:
        if self.cross.applies(i, j):  # two languages: shared figures and names, not words
            return self.cross.link(i, j)
        s, a, b = self.settings, self.feats[i], self.feats[j]
        gap = abs(a.when - b.when)
        if gap > max(s.max_gap_hours, s.duplicate_gap_hours):
            return 0.0
        if _disagree(a, b):  # a second launch is not a third, Tuesday is not Friday
            return 0.0
        content = _cosine(self.vectors[i], self.vectors[j])
        # A notice of an event and the event itself differ in little but tense: only a copy
        # of one report may join an announcement to an occurrence.
        if gap <= s.max_gap_hours and a.prospective == b.prospective:
            if content >= s.strong_similarity:
                return content
            if content >= s.content_similarity:
                title = _cosine(self.title_vectors[i], self.title_vectors[j])
                if title >= s.title_similarity:
                    return content
        # Copies of one report may be further apart (wire copy reposted during the week).
        if content >= _COPY_FLOOR and gap <= s.duplicate_gap_hours:
            copy = _jaccard(a.shingles, b.shingles)
            if copy >= s.duplicate_similarity:
                return content
        return 0.0

    def affinity(self, i: int, j: int) -> float | None:
        """How alike i and j are as reports of one event; None when a hard rule keeps them apart."""
        key = (i, j) if i < j else (j, i)
        if key not in self.affinities:
            self.affinities[key] = self._event(*key)
        return self.affinities[key]

    def _event(self, i: int, j: int) -> float | None:
        if self.link(i, j) > 0:
            return self.link(i, j)
        a, b = self.feats[i], self.feats[j]
        if not (a.dated and b.dated) or abs(a.when - b.when) > self.settings.event_gap_hours:
            return None
        if a.prospective != b.prospective or _weekdays_apart(a, b):
            return None
        # Here the lead's numbers may differ (621 miles and 1,000 km are one flight); ordinals,
        # years and the headlines' numbers may not.
        if a.marks and b.marks and a.marks.isdisjoint(b.marks):
            return None
        numbers = a.headline_numbers, b.headline_numbers
        if all(numbers) and numbers[0].isdisjoint(numbers[1]):
            return None
        return _cosine(self.vectors[i], self.vectors[j])


# --------------------------------------------------------------------------- grouping


def _candidates(scorer: _Scorer, settings: GroupingSettings) -> list[tuple[int, int]]:
    """Pairs sharing one of their rarest terms (prefix filtering), never all pairs."""
    n = len(scorer.feats)
    cap = max(50, int(settings.max_term_share * n))
    df = scorer.df
    index: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(scorer.feats):
        usable = sorted((df[t], t) for t in f.terms if 2 <= df[t] <= cap)
        for _, t in usable[: settings.signature_terms]:
            index[t].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in index.values():
        for pair in combinations(members, 2):
            shared[pair] += 1
    # Two reports of one event share more than one rare term, unless one has hardly any.
    few = {i for i, f in enumerate(scorer.feats) if len(f.terms) < _FEW_TERMS}
    return sorted(p for p, k in shared.items() if k >= 2 or p[0] in few or p[1] in few)


def _lead_key(s: ScoredItem) -> tuple[float, int, float, str]:
    """Most relevant first, then the most complete text, then the earliest, then by id."""
    return (-s.relevance.score, -len(s.item.text), _when(s), s.item.id)


def group_items(
    items: Sequence[ScoredItem],
    settings: GroupingSettings,
    context: Sequence[ScoredItem] = (),
) -> list[list[ScoredItem]]:
    """Group items that report the same event; each group's lead (most relevant) comes first.

    `context` is the rest of the period's stream (say, every item polled, on topic or not): only
    how often terms occur in it is used, so a week's rare names and places weigh most. Every item
    ends in exactly one group. Groups are ordered by size, then by the lead's relevance, then by
    the lead's time. The result depends only on the items, the context and the settings.
    """
    # Work in a canonical order so the result does not depend on the input order.
    ordered = sorted(items, key=lambda s: (s.item.id, _when(s), s.item.source, s.item.title))
    feats = [_features(s) for s in ordered]
    own = {s.item.id for s in ordered}
    stream = [_stems(c) for c in context if c.item.id not in own]
    cross = CrossLinks(ordered, settings.cross_language_gap_hours)
    scorer = _Scorer(feats, settings, cross, stream)
    candidates = sorted({*_candidates(scorer, settings), *cross.candidates()})
    edges = []
    for i, j in candidates:
        score = scorer.link(i, j)
        if score > 0:
            edges.append((-score, i, j))
    edges.sort()

    # Complete linkage: merge two groups only when every cross pair is linked.
    group_of = list(range(len(ordered)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    for _, i, j in edges:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        if all(scorer.link(a, b) > 0 for a in members[gi] for b in members[gj]):
            if len(members[gi]) < len(members[gj]):
                gi, gj = gj, gi
            for m in members[gj]:
                group_of[m] = gi
            members[gi].extend(members.pop(gj))

    _merge_events(scorer, members, candidates)
    groups = [sorted((ordered[m] for m in ms), key=_lead_key) for ms in members.values()]
    groups.sort(key=lambda g: (-len(g), -g[0].relevance.score, _when(g[0]), g[0].item.id))
    return groups


def _stems(s: ScoredItem) -> frozenset[str]:
    """The terms an item of the stream contributes to document frequencies."""
    words = _tokens(s.item.title) + _tokens(s.item.text[:_TEXT_CHARS])[:_VECTOR_TOKENS]
    return frozenset(_stem(t) for t in words if t not in _STOPWORDS and len(t) > 1)


def _merge_events(
    scorer: _Scorer, members: dict[int, list[int]], candidates: list[tuple[int, int]]
) -> None:
    """Average linkage: merge the two most alike groups while the mean affinity of their cross
    pairs (those the first pass did not link) reaches `event_similarity` and no cross pair is
    kept apart by a hard rule."""
    threshold = scorer.settings.event_similarity
    group_of = {m: g for g, ms in members.items() for m in ms}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for i, j in candidates:
        gi, gj = group_of[i], group_of[j]
        if gi != gj:
            neighbours[gi].add(gj)
            neighbours[gj].add(gi)

    def mean(gi: int, gj: int) -> float | None:
        """The mean affinity of the cross pairs not linked already; None when one is vetoed.
        The evidence must come from the new pairs: one item that tells of two events (a
        roundup) links to both, and must not carry them into one story."""
        total, count = 0.0, 0
        for a in members[gi]:
            for b in members[gj]:
                x = scorer.affinity(a, b)
                if x is None:
                    return None
                if scorer.link(a, b) <= 0:
                    total, count = total + x, count + 1
        return total / count if count else None

    heap: list[tuple[float, int, int]] = []

    def push(gi: int, gj: int) -> None:
        value = mean(gi, gj)
        if value is not None and value >= threshold:
            heapq.heappush(heap, (-value, min(gi, gj), max(gi, gj)))

    for gi in sorted(neighbours):
        for gj in sorted(neighbours[gi]):
            if gi < gj:
                push(gi, gj)
    while heap:
        _, gi, gj = heapq.heappop(heap)
        if gi not in members or gj not in members:
            continue  # one of them was merged since: its pairs were pushed again
        members[gi].extend(members.pop(gj))
        for other in neighbours.pop(gj):
            neighbours[other].discard(gj)
            if other != gi:
                neighbours[other].add(gi)
                neighbours[gi].add(other)
        neighbours[gi].discard(gj)
        stale = [(v, x, y) for v, x, y in heap if gi not in (x, y)]
        heap[:] = stale
        heapq.heapify(heap)
        for other in sorted(neighbours[gi]):
            push(gi, other)
