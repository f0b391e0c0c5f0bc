"""Developing stories: does a story continue another (the launch after its notice, the ruling
after the lawsuit), from this edition or an earlier one?

Two stories continue one thread when they are close in time and share rare content terms: the
names, places and things that set the thread apart ("spy satellite", "returnees", "Okinawa"),
not the words every story on the topic shares ("North Korea", "Japan", "missile"). Measured on
the labelled weeks' threads (see README, "Developing stories").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from digest.models import FollowUp, Story

WINDOW = timedelta(days=21)  # a thread's next step comes within three weeks
MIN_SHARED = 2  # rare terms two stories of one thread share at least
MIN_WEIGHT = 8.0  # or: this much rarity weight in at least three shared terms (long stories)
MIN_OVERLAP = 0.2  # weighted share of the smaller story's terms found in the other
_WORD = re.compile(r"[^\W\d_]{3,}")
_TOPIC_WORDS = """
    north korea korean koreas japan japanese tokyo pyongyang seoul south kim jong the and for
    with that this from have has had was were are its their they said says will would about
    after over into than also been more new news report reports what when who how why while
    amid say after not can could may might first second third two three one us u.s. state
    says official officials government minister ministry country nation nations people
    week year years day days monday tuesday wednesday thursday friday saturday sunday"""
_COMMON = frozenset(_TOPIC_WORDS.split())


def terms(texts: Iterable[str]) -> frozenset[str]:
    """The content terms of some texts: word stems outside the topic's everyday words."""
    found = set()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if word not in _COMMON:
                found.add(_stem(word))
    return frozenset(found)


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def story_terms(story: Story) -> frozenset[str]:
    return terms([*(s.item.title for s in story.items), *story.summary])


def story_time(story: Story) -> datetime:
    return max((s.item.published or s.item.seen_at) for s in story.items)


@dataclass(frozen=True, slots=True)
class Rarity:
    """How rare each term is in the period's whole stream of items (on topic or not)."""

    counts: dict[str, int]
    items: int

    @classmethod
    def of(cls, texts: Sequence[str]) -> Rarity:
        counts: dict[str, int] = {}
        for text in texts:
            for term in terms([text]):
                counts[term] = counts.get(term, 0) + 1
        return cls(counts, len(texts))

    def weight(self, term: str) -> float:
        """Inverse document frequency, smoothed: a term met nowhere else weighs most."""
        return math.log((self.items + 2.0) / (self.counts.get(term, 0) + 1.0))


def continues(
    a: frozenset[str],
    b: frozenset[str],
    gap: timedelta,
    rarity: Rarity | None = None,
    window: timedelta | None = None,
) -> bool:
    """Do two stories with these terms, `gap` apart, belong to one thread?

    They must share at least MIN_SHARED terms, and the shared terms must carry MIN_OVERLAP of
    the weight of the smaller story's terms, each term weighed by its rarity in the period's
    stream: "spy satellite" ties two stories, "missile" or "Japan" hardly. A story told by
    several outlets has many terms of its own, so three or more shared terms weighing MIN_WEIGHT
    also tie it.
    """
    if abs(gap) > (WINDOW if window is None else window):
        return False
    shared = a & b
    if len(shared) < MIN_SHARED:
        return False
    weight = rarity.weight if rarity is not None else (lambda _term: 1.0)
    smaller = min(sum(map(weight, a)), sum(map(weight, b)))
    common = sum(map(weight, shared))
    if len(shared) >= 3 and rarity is not None and common >= MIN_WEIGHT:
        return True
    return smaller > 0 and common / smaller >= MIN_OVERLAP


def related_pairs(stories: Sequence[Story], rarity: Rarity | None = None) -> list[tuple[int, int]]:
    """Index pairs of the stories of one edition that continue one thread."""
    all_terms = [story_terms(s) for s in stories]
    times = [story_time(s) for s in stories]
    pairs = []
    for i in range(len(stories)):
        for j in range(i + 1, len(stories)):
            if continues(all_terms[i], all_terms[j], times[i] - times[j], rarity):
                pairs.append((i, j))
    return pairs


@dataclass(frozen=True, slots=True)
class PastStory:
    """A story of an earlier edition of the same digest, and where that edition is."""

    story: Story
    edition_date: str  # ISO date
    html_path: str  # archive-relative


def link_threads(
    stories: Sequence[Story], earlier: Sequence[PastStory], rarity: Rarity | None = None
) -> tuple[Story, ...]:
    """The stories with the thread each continues from an earlier edition (the latest one,
    when several) and the other stories of this edition on the same thread."""
    related: dict[int, list[str]] = {i: [] for i in range(len(stories))}
    for i, j in related_pairs(stories, rarity):
        related[i].append(stories[j].id)
        related[j].append(stories[i].id)
    past = sorted(earlier, key=lambda p: story_time(p.story), reverse=True)
    past_terms = [story_terms(p.story) for p in past]
    linked = []
    for i, story in enumerate(stories):
        mine, when = story_terms(story), story_time(story)
        follows = next(
            (
                FollowUp(
                    p.story.lead.item.title, p.edition_date, f"{p.html_path}#story-{p.story.id}"
                )
                for p, theirs in zip(past, past_terms, strict=True)
                if p.story.id != story.id
                and continues(mine, theirs, when - story_time(p.story), rarity)
            ),
            None,
        )
        linked.append(replace(story, follows=follows, related=tuple(related[i])))
    return tuple(linked)


def gather_threads(stories: Sequence[Story]) -> tuple[Story, ...]:
    """The stories in their order, except that the stories of one developing thread follow each
    other in time order (notice, order, launch) at the place of the thread's first-ranked story,
    and in its section: a reader meets the thread as one."""
    index = {s.id: k for k, s in enumerate(stories)}
    root = list(range(len(stories)))

    def find(k: int) -> int:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    for k, story in enumerate(stories):
        for other in story.related:
            if other in index:
                a, b = find(k), find(index[other])
                root[max(a, b)] = min(a, b)  # the first-ranked story heads its thread
    members: dict[int, list[int]] = {}
    for k in range(len(stories)):
        members.setdefault(find(k), []).append(k)
    ordered: list[Story] = []
    for head in sorted(members):
        section = stories[head].section
        for k in sorted(members[head], key=lambda m: (story_time(stories[m]), m)):
            ordered.append(replace(stories[k], section=section))
    return tuple(ordered)
