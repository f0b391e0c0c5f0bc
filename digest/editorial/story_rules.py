"""Hard rules that keep two reports apart whatever their words share."""

from __future__ import annotations

from collections.abc import Iterable

from digest.editorial.story_text import Features, StreamItem


def numbers_disagree(a: Features, b: Features) -> bool:
    """Numbers with nothing in common, or weekdays more than a day apart (time zones)."""
    if a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers):
        return True
    return weekdays_apart(a, b)


def weekdays_apart(a: Features, b: Features) -> bool:
    if a.weekdays and b.weekdays:
        return all(min((x - y) % 7, (y - x) % 7) > 1 for x in a.weekdays for y in b.weekdays)
    return False


def names_of(feats: Iterable[Features | StreamItem]) -> frozenset[str]:
    """Stems the texts write capitalised more often than not: the names of people, places and
    countries. They say who and where, not what happened."""
    votes: dict[str, int] = {}
    for f in feats:
        for t in f.named:
            votes[t] = votes.get(t, 0) + 1
        for t in f.plain:
            votes[t] = votes.get(t, 0) - 1
    return frozenset(t for t, v in votes.items() if v > 0)


def tense_conflict(a: Features, b: Features, names: frozenset[str]) -> bool:
    """An announcement and a report of the thing announced ("plans to launch a satellite",
    "launches satellite") are two events, however alike their words. Only the announced
    action counts: "Japan readies to shoot down debris" and "Japan puts military on alert"
    announce and report different things (one order), so the tenses alone do not part them."""
    if a.prospective == b.prospective:
        return False
    return bool((a.action & b.action) - names)


def event_veto(a: Features, b: Features, names: frozenset[str], gap_hours: float) -> bool:
    """Rules that keep two groups apart in the event pass, whatever their words share."""
    if not (a.dated and b.dated) or abs(a.when - b.when) > gap_hours:
        return True
    if tense_conflict(a, b, names) or weekdays_apart(a, b):
        return True
    # Here the lead's numbers may differ (621 miles and 1,000 km are one flight); ordinals,
    # years and the headlines' numbers may not.
    if a.marks and b.marks and a.marks.isdisjoint(b.marks):
        return True
    numbers = a.headline_numbers, b.headline_numbers
    return all(numbers) and numbers[0].isdisjoint(numbers[1])
