"""One line per report in a story's "also" lists, however many times its outlet updated it.

Wires re-issue a report as it develops under the same headline with a marker: Yonhap's Korean
service appends (종합), (종합2보) or puts [속보] in front, its English one "(LEAD)", "(2nd LD)",
"(URGENT)"; Reuters prefixes "UPDATE 2-", Japanese services 【速報】. Listed one by one, three
identical headlines read as three reports. The edition shows the newest and links the others
as its earlier versions. Only the page collapses them: the story keeps every item, so the
store still knows each one was shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from digest.models import Item, Story

# A marker of the wire's own versions, at the start of a headline or at its end.
_LEADING = re.compile(
    r"^\s*(?:"
    r"\[(?:속보|\d+보|종합\d*보?)\]"
    r"|【(?:速報|更新|続報|詳報)】"
    r"|\((?:LEAD|URGENT|\d+(?:st|nd|rd|th)\s+LD)(?:,[^)]*)?\)"
    r"|UPDATE\s+\d+\s*-"
    r")\s*",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"\s*[(\[](?:종합\d*보?|\d+보|속보)[)\]]\s*$")
_RANK = re.compile(r"(\d+)\s*(?:보|nd|rd|th|st)|UPDATE\s+(\d+)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Listed:
    """A report as an "also" list shows it: its newest version, and the earlier ones, oldest
    first."""

    item: Item
    earlier: tuple[Item, ...] = ()

    @property
    def versions(self) -> int:
        return 1 + len(self.earlier)


def base_headline(title: str) -> str:
    """The headline without its version marker, for comparing versions of one report."""
    plain = title
    while (stripped := _LEADING.sub("", plain, count=1)) != plain:
        plain = stripped
    plain = _TRAILING.sub("", plain)
    return _SPACE.sub(" ", plain).strip().casefold()


def _version_order(item: Item) -> tuple[datetime, int]:
    """Later first by time; a wire's numbered update breaks a tie (2보 after 종합)."""
    rank = 0
    for match in _RANK.finditer(item.title):
        rank = max(rank, int(match.group(1) or match.group(2)))
    if rank == 0 and (_LEADING.match(item.title) or _TRAILING.search(item.title)):
        rank = 1  # an unnumbered marker ((종합), (LEAD)) comes after the first version
    return (item.published or _NEVER, rank)


def newest_versions(others: Sequence[Item]) -> list[Listed]:
    """`others` with each outlet's versions of one headline as one entry, in first-seen order.

    Versions are one outlet's items whose headlines are equal once markers, case and spacing
    are set aside; a rewritten headline is another report and keeps its own line."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in others:
        groups.setdefault((item.source, base_headline(item.title)), []).append(item)
    listed = []
    for items in groups.values():
        ordered = sorted(items, key=_version_order, reverse=True)
        listed.append(Listed(item=ordered[0], earlier=tuple(reversed(ordered[1:]))))
    return listed


@dataclass(frozen=True, slots=True)
class AlsoLists:
    """What a story shows below its summary: the lead's other versions, the lead's outlet's
    other reports, and the other outlets' reports."""

    lead_versions: tuple[Item, ...]
    own: tuple[Listed, ...]
    elsewhere: tuple[Listed, ...]


def also_lists(story: Story) -> AlsoLists:
    lead = story.lead.item
    headline = base_headline(lead.title)
    versions = tuple(
        s.item
        for s in story.others
        if s.item.source == lead.source and base_headline(s.item.title) == headline
    )
    rest = [s.item for s in story.others if s.item not in versions]
    return AlsoLists(
        lead_versions=tuple(sorted(versions, key=_version_order)),
        own=tuple(newest_versions([i for i in rest if i.source == lead.source])),
        elsewhere=tuple(newest_versions([i for i in rest if i.source != lead.source])),
    )
