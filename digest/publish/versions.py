"""One line per report in a story's "also" lists, however many times its outlet updated it.

Listed one by one, a wire's versions of a report (`digest.language.headlines`) read as three
reports. The edition shows the newest and links the others as its earlier versions. Only the
page collapses them: the story keeps every item, so the store still knows each one was shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from digest.language.headlines import base_headline, version_rank
from digest.models import Item, Story

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


def _version_order(item: Item) -> tuple[datetime, int]:
    """Later first by time; a wire's numbered update breaks a tie (2보 after 종합)."""
    return (item.published or _NEVER, version_rank(item.title))


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
