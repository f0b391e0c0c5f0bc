"""How a side stands in its sentence: a plain mention, one name in a list, a news source, or
the place another side's action lands or aims at.

An item is about the relation when one side acts on the other, not when a side is a dateline, a
source ("Japan said") or one name in a list ("the US, Japan and South Korea"). These rules read
the terms found in a text (`Found`, from `evidence`) and the few words between them.
"""

from __future__ import annotations

import re

from digest.editorial.topic_settings import TopicWeights

__all__ = [
    "AFTER", "BACKGROUND", "BEFORE", "EXCLUDE", "KEY", "OTHER", "RELATION", "SIDE0", "SIDE1",
    "VOICE0", "VOICE1", "Found", "is_target", "mention_weight",
]  # fmt: skip

# what each found term is (the matcher's groups, in `evidence.matcher` order)
(
    EXCLUDE,
    KEY,
    SIDE0,
    SIDE1,
    VOICE0,
    VOICE1,
    OTHER,
    AFTER,
    BEFORE,
    RELATION,
    BACKGROUND,
) = range(11)


Found = list[tuple[int, int, int, str]]  # (start, end, kind, term) of every term found, in order

_LIST_GAP = re.compile(
    r"\s*(?:,|/|&|-|–|—|and|or|、|・|·|と|や|과|와|및)?\s*(?:,\s*)?(?:and\s+|or\s+)?(?:the\s+)?",
    re.I,
)
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
_LISTABLE = (SIDE0, SIDE1, OTHER)
_SOURCE_GAP = 40  # a reporting word at most this many characters after a side names a source
_PUNCT = re.compile(r"[.!?;:\n。！？]")
# a reporting word ends its sentence ("..., Japan said on Friday."): the side is only the source
_TAIL = re.compile(r"[^.!?;:\n]{0,25}(?:[.!?;:\n]|\Z)")


def mention_weight(text: str, found: Found, i: int, weights: TopicWeights) -> float:
    """1 for a plain mention; less when the side is one name in a list or only a news source."""
    start, end = found[i][0], found[i][1]
    if i > 0:
        _, p_end, p_kind, _ = found[i - 1]
        if p_kind == OTHER and _LIST_GAP.fullmatch(text, p_end, start):
            return _listed(text, found, i, weights)
        near = p_kind == BEFORE and start - p_end <= _SOURCE_GAP
        if near and not _PUNCT.search(text, p_end, start):
            return weights.attributed
    if i + 1 < len(found):
        n_start, _, n_kind, _ = found[i + 1]
        if n_kind == OTHER and _LIST_GAP.fullmatch(text, end, n_start):
            return _listed(text, found, i, weights)
        near = n_kind == AFTER and n_start - end <= _SOURCE_GAP
        if near and _TAIL.match(text, found[i + 1][1]) and not _PUNCT.search(text, end, n_start):
            return weights.attributed
    return 1.0


def is_target(text: str, found: Found, i: int) -> bool:
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


def _listed(text: str, found: Found, i: int, weights: TopicWeights) -> float:
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
    before = first > 0 and found[first - 1][2] == RELATION
    if before and _TARGET_BEFORE.fullmatch(text, found[first - 1][1], found[first][0]):
        return weights.targeted
    return weights.targeted if _TARGET_AFTER.match(text, found[last][1]) else weights.listed
