"""Developing stories: threads inside an edition shown together, follow-ups of earlier ones."""

from __future__ import annotations

from test_stories import scored

from digest.editorial.threads import PastStory, Rarity, gather_threads, link_threads
from digest.models import Story

STREAM = [
    f"{city} markets close {move} on {why}"
    for city, move, why in [
        ("Oslo", "higher", "rates"),
        ("Lima", "lower", "copper"),
        ("Porto", "flat", "tourism"),
        ("Madrid", "higher", "banks"),
        ("Sydney", "lower", "iron ore"),
    ]
]


def story(key: str, title: str, text: str, hours: float, section: str) -> Story:
    item = scored(key, title, text, hours=hours)
    return Story(id=key, lead=item, others=(), summary=(text,), section=section)


NOTICE = story(
    "notice",
    "North Korea notifies Japan of spy satellite launch window over Okinawa",
    "North Korea told Japan's coast guard it will launch a spy satellite over Okinawa.",
    0,
    "Missiles and nuclear",
)
ORDER = story(
    "order",
    "Japan orders destroyers to shoot down spy satellite debris over Okinawa",
    "The defence minister ordered destroyers to shoot down spy satellite debris over Okinawa.",
    20,
    "Other",
)
TALKS = story(
    "talks",
    "Japan and China hold fisheries talks in Dalian",
    "Fisheries officials of Japan and China met in Dalian.",
    30,
    "Diplomacy and talks",
)
LAUNCH = story(
    "launch",
    "North Korean spy satellite launch sets off alert in Okinawa",
    "The spy satellite launch set off an alert in Okinawa before the rocket failed.",
    50,
    "Missiles and nuclear",
)


def test_one_thread_is_told_together_in_time_order_and_in_one_section() -> None:
    rarity = Rarity.of([*STREAM, "Japan and China hold fisheries talks in Dalian"])
    # As ranked: the launch (most outlets) first, the talks, then the notice and the order.
    linked = link_threads([LAUNCH, TALKS, NOTICE, ORDER], [], rarity)
    related = {s.id: set(s.related) for s in linked}
    assert related["launch"] == {"notice", "order"} and related["talks"] == set()
    shown = gather_threads(linked)
    assert [s.id for s in shown] == ["notice", "order", "launch", "talks"]
    assert {s.section for s in shown[:3]} == {"Missiles and nuclear"}
    assert shown[3].section == "Diplomacy and talks"
    # Stories on no thread keep their order.
    assert [s.id for s in gather_threads([TALKS, LAUNCH])] == ["talks", "launch"]


def test_a_story_continuing_one_of_an_earlier_edition_links_to_it() -> None:
    rarity = Rarity.of(STREAM)
    earlier = [PastStory(NOTICE, "2023-05-29", "2023/05-29.html")]
    [later] = link_threads([LAUNCH], earlier, rarity)
    assert later.follows is not None
    assert later.follows.headline == NOTICE.lead.item.title
    assert later.follows.edition_date == "2023-05-29"
    assert later.follows.href == "2023/05-29.html#story-notice"
    far = story("far", LAUNCH.lead.item.title, LAUNCH.summary[0], 24 * 40, "Other")
    assert link_threads([far], earlier, rarity)[0].follows is None
