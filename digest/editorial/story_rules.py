"""Hard rules that keep two reports apart whatever their words share."""

from __future__ import annotations

from digest.editorial.story_text import Features


def numbers_disagree(a: Features, b: Features) -> bool:
    """Numbers with nothing in common, or weekdays more than a day apart (time zones)."""
    if a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers):
        return True
    return weekdays_apart(a, b)


def weekdays_apart(a: Features, b: Features) -> bool:
    if a.weekdays and b.weekdays:
        return all(min((x - y) % 7, (y - x) % 7) > 1 for x in a.weekdays for y in b.weekdays)
    return False
