"""Which item of a story leads it: the one whose headline tells the story's event.

A side angle ("Basketball World Cup to go ahead after North Korean launch attempt") shares
little of its headline with the other reports, which tell the event ("North Korea says its
second satellite launch failed"). So the lead is the item whose headline's rare terms the other
items of the story carry most; among headlines about as central, the fullest text leads (what a
summary and a reader can use), then the most relevant item. An item with no text a summary could
use (a photo caption, a bare headline) leads only when no item has any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from digest.editorial.threads import Rarity, terms
from digest.language.headlines import base_headline
from digest.models import Item, ScoredItem

__all__ = ["headline_centrality", "lead_first"]

CENTRAL_MARGIN = 0.2  # headlines this close to the most central one are about as central


def headline_centrality(group: Sequence[ScoredItem], rarity: Rarity | None) -> list[float]:
    """Per item, the mean share (by rarity weight) of its headline's terms that each other
    report of the group carries in its headline or text; 1.0 for an item alone.

    A wire's versions of one report (`digest.language.headlines`) are one report: they neither
    vote for each other's headline nor, three of them, outvote one other outlet."""
    weight = rarity.weight if rarity is not None else (lambda _term: 1.0)
    heads = [terms([s.item.title]) for s in group]
    bodies = [terms([s.item.title, s.item.text]) for s in group]
    report = [(s.item.source, base_headline(s.item.title)) for s in group]
    shares = []
    for k, head in enumerate(heads):
        total = sum(map(weight, head))
        others: dict[tuple[str, str], float] = {}  # per other report, its best version's share
        for m, body in enumerate(bodies):
            if report[m] != report[k]:
                share = sum(map(weight, head & body)) / total if total > 0 else 0.0
                others[report[m]] = max(others.get(report[m], 0.0), share)
        shares.append(sum(others.values()) / len(others) if others else 1.0)
    return shares


def lead_first(
    group: Sequence[ScoredItem],
    informative: Callable[[Item], int],
    rarity: Rarity | None = None,
) -> list[ScoredItem]:
    """The group with its lead first (see the module's docstring), the others in their order.

    `informative` says how much of an item's text a summary could use, in its language (the
    orchestrator passes the summariser's measure)."""
    if len(group) < 2:
        return list(group)
    central = headline_centrality(group, rarity)
    words = [informative(s.item) for s in group]
    # A headline over a photo caption or nothing at all never leads a story told in full.
    told = [k for k in range(len(group)) if words[k] > 0] or list(range(len(group)))
    best = max(central[k] for k in told)
    lead = max(
        (k for k in told if central[k] >= best - CENTRAL_MARGIN),
        key=lambda k: (words[k], group[k].relevance.score, -k),
    )
    return [group[lead], *(s for k, s in enumerate(group) if k != lead)]
