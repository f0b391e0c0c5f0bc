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
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

from digest.editorial.crosslang import CrossLinks
from digest.editorial.story_scoring import Scorer
from digest.editorial.story_settings import GroupingSettings
from digest.editorial.story_text import features, hours_of, stream_item
from digest.models import ScoredItem

__all__ = ["GroupingSettings", "group_items"]

_FEW_TERMS = 8  # items with fewer terms than this may pair on one shared rare term


# --------------------------------------------------------------------------- grouping


def _candidates(scorer: Scorer, settings: GroupingSettings) -> list[tuple[int, int]]:
    """Pairs sharing one of their rarest terms (prefix filtering), never all pairs."""
    n = len(scorer.feats)
    cap = max(50, int(settings.max_term_share * n))
    df, stream = scorer.df, scorer.stream_df
    index: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(scorer.feats):
        # rarest in the period's stream first: among a week's few on-topic items many terms
        # are shared by two items by chance, and ties of df 2 would pick them over the terms
        # four reports of one event share (납북, 면담)
        usable = sorted((stream[t], df[t], t) for t in f.terms if 2 <= df[t] <= cap)
        for _, _, t in usable[: settings.signature_terms]:
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
    return (-s.relevance.score, -len(s.item.text), hours_of(s), s.item.id)


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
    ordered = sorted(items, key=lambda s: (s.item.id, hours_of(s), s.item.source, s.item.title))
    feats = [features(s) for s in ordered]
    own = {s.item.id for s in ordered}
    stream = [stream_item(c) for c in context if c.item.id not in own]
    cross = CrossLinks(ordered, settings.cross_language_gap_hours)
    scorer = Scorer(feats, settings, cross, stream)
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
    groups.sort(key=lambda g: (-len(g), -g[0].relevance.score, hours_of(g[0]), g[0].item.id))
    return groups


def _merge_events(
    scorer: Scorer, members: dict[int, list[int]], candidates: list[tuple[int, int]]
) -> None:
    """Average linkage: merge the two most alike groups while the mean affinity of their cross
    pairs (those the first pass did not link) reaches `event_similarity` and no cross pair is
    kept apart by a hard rule."""
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
        if value is not None and value >= 0:
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
