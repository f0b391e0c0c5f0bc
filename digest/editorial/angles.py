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
    "AFTER",
    "BACKGROUND",
    "BEFORE",
    "EXCLUDE",
    "KEY",
    "NOT_TARGET",
    "OTHER",
    "PLACE",
    "RECEIVER",
    "RELATION",
    "SIDE0",
    "SIDE1",
    "SPORT",
    "VOICE0",
    "VOICE1",
    "Found",
    "earlier_event",
    "mention_weight",
    "target_kind",
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
    SPORT,
) = range(12)


Found = list[tuple[int, int, int, str]]  # (start, end, kind, term) of every term found, in order

_LIST_GAP = re.compile(
    r"\s*(?:,|/|&|-|–|—|and|or|、|・|·|と|や|과|와|및)?\s*(?:,\s*)?(?:and\s+|or\s+)?(?:the\s+)?",
    re.I,
)
# a list right after a relation term (and a preposition) is its target: "alerts in S Korea, Japan",
# "denounces the U.S. and Japan", "warning shots to neighboring Japan and South Korea", a reaction
# "condemned by Japanese and South Korean leaders"
_TARGET_BEFORE = re.compile(
    r"\s+(?:(?:[\w'’]+\s+){0,2}?(?:in|to|toward|towards|over|into|near|against|at|on)\s+|by\s+)?"
    r"(?:the\s+)?(?:neighbou?ring\s+)?",
    re.I,
)
# ... or a list followed by a state of readiness: "as Japan and South Korea (are) on standby"
_TARGET_AFTER = re.compile(
    r"\s+(?:(?:are|were|is|was|remain|stay)\s+)?(?:put\s+)?on\s+(?:high\s+|full\s+)?"
    r"(?:alert|standby|guard)",
    re.I,
)
# A side named as where an action lands or aims: "into the sea off Japan", "toward Japan",
# "over northern Japan", "inside Japan's exclusive economic zone", "into the sea west of Hokkaido",
# "over its southernmost islands of Okinawa", "just outside Japan's EEZ".
_COMPASS = r"(?:north|south)?-?(?:north|south|east|west)(?:ern(?:most)?|most)?"
_WATERS = (
    r"(?:seas?|waters?|coasts?|shores?|coastline|islands?)\s+"
    rf"(?:off|of|near|{_COMPASS}\s+of)\s+(?:the\s+)?"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:(toward|towards|over|off|near|into|inside|within|outside|just outside)\s+"
    r"(?:the\s+|its\s+|their\s+)?"
    rf"(?:(?:{_COMPASS}|remote)\s+)?(?:{_WATERS})?"
    rf"|(in)\s+(?:the\s+)?(?:{_COMPASS}\s+)?{_WATERS})"  # "in the sea north of Hokkaido"
    rf"(?:(?:{_COMPASS}|mainland)\s+)?\Z",
    re.I,
)
# a side's adjective ("over Japanese wartime occupation") is a place only before a place noun
_ADJECTIVE = re.compile(r"(?:ese|ean|ian)\Z", re.I)
_PLACE_NOUN = re.compile(
    r"\s+(?:territor\w*|waters|soil|airspace|islands?|coast\w*|EEZ|exclusive economic zone)\b",
    re.I,
)
_ZONE = re.compile(
    r"(?:'s|’s)?\s+(?:exclusive economic zone|EEZ|territorial waters|waters|airspace)\b", re.I
)
# A side on the receiving end: told or warned by the other ("Pyongyang told Japan's coast
# guard"), or responding to its action ("Japan's government called a meeting ... in response to").
_TOLD = re.compile(
    r"\b(?:told|tells?|notif(?:y|ies|ied)|inform(?:s|ed)?|warn(?:s|ed)?)\s+(?:the\s+)?"
    r"(?:neighbou?ring\s+)?\Z",
    re.I,
)
_RESPONDS = re.compile(
    r"[^.!?;:\n]{0,90}?\b(?:in (?:response|reaction|protest) to|respond(?:s|ed|ing)? to)\b", re.I
)
# "The launches come two days after North Korea fired an ICBM into the sea off Japan": what
# follows tells an earlier event, not this one
_EARLIER = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|seven|several|few|\d+)\s+"
    r"(?:hours?|days?|weeks?|months?|years?)\s+(?:after|since)\b",
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


NOT_TARGET, RECEIVER, PLACE = range(3)  # how a side is the target of the other's action


def target_kind(text: str, found: Found, i: int, attributed: bool) -> int:
    """Is the side named as the place where an action lands ("off Japan", "over Okinawa":
    `PLACE`), or on its receiving end ("toward Japan", "as Japan and South Korea (are) on
    standby", "told Japan", "alerts in South Korea and Japan", "Japan ... in response to":
    `RECEIVER`)? A news source (`attributed`) can only be a place."""
    start, end = found[i][0], found[i][1]
    adjective = _ADJECTIVE.search(text, start, end) and not _PLACE_NOUN.match(text, end)
    place = None if adjective else _PLACE_BEFORE.search(text, max(0, start - _PLACE_REACH), start)
    how = (place.group(1) or "").lower() if place else ""
    if how.endswith("outside") and not _ZONE.match(text, end):
        place = None  # "outside Japan" is anywhere else; "outside Japan's EEZ" is near it
    if place:  # "toward Japan" is where it aims, not where it came down
        return RECEIVER if how.startswith("toward") else PLACE
    if attributed:
        return NOT_TARGET
    first, last = _list_bounds(text, found, i)
    before = first > 0 and found[first - 1][2] == RELATION
    if (
        before
        and first < last
        and _TARGET_BEFORE.fullmatch(text, found[first - 1][1], found[first][0])
    ):
        return RECEIVER
    if _TARGET_AFTER.match(text, found[last][1]):
        return RECEIVER
    # a side responding on its own (allies responding together are participants)
    if first == last and _RESPONDS.match(text, end):
        return RECEIVER
    told = _TOLD.search(text, max(0, found[first][0] - _PLACE_REACH), found[first][0])
    return RECEIVER if told else NOT_TARGET


def earlier_event(text: str, sentence_start: int, start: int) -> bool:
    """Does the mention at `start` stand in a clause about an earlier event ("a day after ...")?"""
    return _EARLIER.search(text, sentence_start, start) is not None


def _list_bounds(text: str, found: Found, i: int) -> tuple[int, int]:
    """The first and last term of the list of names `found[i]` stands in (itself if none)."""
    first = last = i
    while first > 0 and found[first - 1][2] in _LISTABLE:
        if not _LIST_GAP.fullmatch(text, found[first - 1][1], found[first][0]):
            break
        first -= 1
    while last + 1 < len(found) and found[last + 1][2] in _LISTABLE:
        if not _LIST_GAP.fullmatch(text, found[last][1], found[last + 1][0]):
            break
        last += 1
    return first, last


def _listed(text: str, found: Found, i: int, weights: TopicWeights) -> float:
    """A side in a list counts little, unless the list is the target of the action."""
    first, last = _list_bounds(text, found, i)
    before = first > 0 and found[first - 1][2] == RELATION
    if before and _TARGET_BEFORE.fullmatch(text, found[first - 1][1], found[first][0]):
        return weights.targeted
    return weights.targeted if _TARGET_AFTER.match(text, found[last][1]) else weights.listed
