"""Pair decisions: do two items tell the same story (a link), and how alike are they as
reports of one event (an affinity)?"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from digest.editorial.crosslang import CrossLinks
from digest.editorial.story_rules import event_veto, names_of, numbers_disagree, tense_conflict
from digest.editorial.story_settings import GroupingSettings
from digest.editorial.story_text import Features, StreamItem

_WHAT_TERMS = 1  # terms other than names two reports of one event share at least
_COPY_FLOOR = 0.3  # below this lead cosine two items are not copies; skip the costly Jaccard


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class Scorer:
    """Decides whether two items tell the same story; remembers its answers."""

    def __init__(
        self,
        feats: list[Features],
        settings: GroupingSettings,
        cross: CrossLinks,
        context: Sequence[StreamItem] = (),
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
        for other in context:
            for t in other.terms:
                if t in stream:
                    stream[t] += 1
        self.stream_df = stream  # how rare each term is in the period, not only among these
        n = len(feats) + len(context)
        # Smoothed IDF: a handful of items still weighs terms sensibly.
        idf = {t: math.log((n + 20.0) / (d + 1.0)) for t, d in stream.items()}
        self.vectors = [unit({t: w * idf[t] for t, w in f.terms.items()}) for f in feats]
        self.title_vectors = [unit({t: idf[t] for t in f.title_terms}) for f in feats]
        self.names = names_of([*feats, *context])
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
        if numbers_disagree(a, b):  # a second launch is not a third, Tuesday is not Friday
            return 0.0
        content = cosine(self.vectors[i], self.vectors[j])
        # A notice of an event and the event itself differ in little but tense: only a copy
        # of one report may join an announcement to an occurrence.
        if gap <= s.max_gap_hours and not tense_conflict(a, b, self.names):
            if content >= s.strong_similarity:
                return content
            if content >= s.content_similarity:
                title = cosine(self.title_vectors[i], self.title_vectors[j])
                if title >= s.title_similarity:
                    return content
        # Copies of one report may be further apart (wire copy reposted during the week).
        if content >= _COPY_FLOOR and gap <= s.duplicate_gap_hours:
            copy = jaccard(a.shingles, b.shingles)
            if copy >= s.duplicate_similarity:
                return content
        return 0.0

    def affinity(self, i: int, j: int) -> float | None:
        """How far i and j are above the bar for reports of one event (negative: below it);
        None when a hard rule keeps them apart."""
        key = (i, j) if i < j else (j, i)
        if key not in self.affinities:
            self.affinities[key] = self._event(*key)
        return self.affinities[key]

    def _event(self, i: int, j: int) -> float | None:
        s, a, b = self.settings, self.feats[i], self.feats[j]
        gap = abs(a.when - b.when)
        linked = self.link(i, j)
        if linked <= 0 and event_veto(a, b, self.names, s.event_gap_hours):
            return None
        if linked > 0:
            alike = linked
        elif len((self.vectors[i].keys() & self.vectors[j].keys()) - self.names) < _WHAT_TERMS:
            # Who and where (Japan, Pyongyang) alone is not an event: what happened?
            alike = 0.0
        else:
            alike = cosine(self.vectors[i], self.vectors[j])
        # Reports of one event come out within hours of each other: the closer in time, the
        # less two of them need to share (two events of one kind are rarely hours apart).
        bar, close = s.event_similarity, s.close_event_similarity
        return alike - (close + (bar - close) * min(1.0, gap / s.close_event_hours))
