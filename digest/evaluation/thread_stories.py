"""Developing stories as editions show them: the labelled weeks' stories, linked.

Each week's labelled on-topic items are grouped into stories (grouping alone, as
`digest eval grouping` does; a story's text stands in for its summary), and the weeks are taken
in order as consecutive editions: each story gets the developing-story links of the edition
(`related`, other stories of its thread in the same week) and its follow-up of an earlier week's
story (`follows`), by the rules the editions use. A story's label is its lead item's.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from digest.editorial import threads
from digest.editorial.stories import GroupingSettings, group_items
from digest.evaluation.grouping import week_items
from digest.evaluation.weeks import Label, read_labels, week_folders
from digest.models import Story


@dataclass(frozen=True, slots=True)
class StoryThreads:
    related_same: int = 0  # in-edition story pairs of one thread (different events) linked
    same: int = 0
    related_other: int = 0  # in-edition story pairs of different threads linked
    other: int = 0
    follows_right: int = 0  # follow-ups pointing at an earlier story of the same thread
    follows: int = 0
    follows_due: int = 0  # stories whose thread had a story in an earlier week's edition

    def line(self) -> str:
        return (
            f"stories: in-edition pairs of one thread linked {self.related_same}/{self.same}, "
            f"of other threads {self.related_other}/{self.other}; follow-ups "
            f"{self.follows_right}/{self.follows} right, {self.follows_due} due within the window"
        )


def week_stories(folder: Path, labels: dict[str, Label]) -> tuple[list[Story], threads.Rarity]:
    stream = week_items(folder)
    on_topic = [s for s in stream if (lab := labels.get(s.item.id)) and lab.on_topic == 1]
    stories = [
        Story(
            id=group[0].item.id,
            lead=group[0],
            others=tuple(group[1:]),
            summary=tuple(s.item.text for s in group),
        )
        for group in group_items(on_topic, GroupingSettings(), stream)
    ]
    return stories, threads.Rarity.of([f"{s.item.title} {s.item.text}" for s in stream])


def evaluate(root: Path) -> StoryThreads:
    counts = dict.fromkeys(StoryThreads.__slots__, 0)
    earlier: list[threads.PastStory] = []
    label_of: dict[str, Label] = {}
    for folder in week_folders(root):
        labels = read_labels(folder / "labels.jsonl")
        stories, rarity = week_stories(folder, labels)
        label_of.update({s.id: labels[s.id] for s in stories})
        linked = threads.link_threads(stories, earlier, rarity)
        for a, b in combinations(linked, 2):
            la, lb = label_of[a.id], label_of[b.id]
            if la.event == lb.event:
                continue
            key = "same" if la.thread == lb.thread else "other"
            counts[key] += 1
            counts[f"related_{key}"] += b.id in a.related
        now = max((threads.story_time(s) for s in stories), default=None)
        for story in linked:
            thread = label_of[story.id].thread
            counts["follows_due"] += any(
                label_of[p.story.id].thread == thread
                and threads.story_time(story) - threads.story_time(p.story) <= threads.WINDOW
                for p in earlier
            )
            if story.follows is not None:
                counts["follows"] += 1
                target = story.follows.href.rsplit("#story-", 1)[-1]
                counts["follows_right"] += label_of[target].thread == thread
        if now is not None:
            earlier += [threads.PastStory(s, folder.name, folder.name) for s in linked]
    return StoryThreads(**counts)
