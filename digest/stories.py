"""Story grouping (interim: identical titles; replaced by the tuned grouping)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from digest.models import ScoredItem


class GroupingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def group_items(items: Sequence[ScoredItem], settings: GroupingSettings) -> list[list[ScoredItem]]:
    groups: dict[str, list[ScoredItem]] = {}
    for scored in items:
        groups.setdefault(scored.item.title.casefold().strip(), []).append(scored)
    return sorted(groups.values(), key=lambda g: (-len(g), -g[0].relevance.score))
