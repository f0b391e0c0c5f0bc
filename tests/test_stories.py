"""Story grouping: copies and rewrites merge, different events never do."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pydantic
import pytest

from digest.editorial.stories import GroupingSettings, group_items
from digest.editorial.story_lead import lead_first
from digest.editorial.story_text import cased_stems
from digest.editorial.threads import Rarity
from digest.evaluation.grouping import dev_items
from digest.models import Item, Origin, Relevance, ScoredItem

ROOT = Path(__file__).resolve().parents[1]
SHARED_DEV = ROOT / ".." / "shared" / "eval" / "relevance-dev.jsonl"
PAIRS = ROOT / "tests" / "data" / "story-pairs.json"
T0 = datetime(2026, 3, 7, 6, 0, tzinfo=UTC)
SETTINGS = GroupingSettings()


def scored(
    id: str,
    title: str,
    text: str,
    *,
    hours: float = 0.0,
    source: str = "",
    score: float = 0.5,
    published: datetime | None = None,
    seen_at: datetime | None = None,
) -> ScoredItem:
    when = T0 + timedelta(hours=hours)
    item = Item(
        id=id,
        source=source or f"outlet-{id}",
        origin=Origin.FEED,
        title=title,
        link=f"https://example.org/{id}",
        text=text,
        seen_at=seen_at or when,
        published=published if published is not None or seen_at is not None else when,
    )
    return ScoredItem(item, Relevance(score=score, on_topic=score >= 0.5))


def together(groups: list[list[ScoredItem]], a: str, b: str) -> bool:
    return any({a, b} <= {s.item.id for s in g} for g in groups)


def ids(groups: list[list[ScoredItem]]) -> list[list[str]]:
    return [[s.item.id for s in g] for g in groups]


WIRE_TITLE = "North Korea fires ballistic missile that lands in Japan's exclusive economic zone"
WIRE_TEXT = (
    "TOKYO - North Korea fired a ballistic missile on Saturday morning that flew about 900 km "
    "before splashing into the sea inside Japan's exclusive economic zone west of Hokkaido, "
    "the defence ministry said. Prime Minister's office set up a task force and lodged a "
    "protest through diplomatic channels in Beijing. No damage to ships or aircraft was "
    "reported. It was the fourth launch this year, and came days after joint air drills by "
    "the United States, South Korea and Japan that Pyongyang called a rehearsal for invasion."
)


def test_identical_wire_copy_in_three_outlets_is_one_story() -> None:
    items = [
        scored("a", WIRE_TITLE, WIRE_TEXT, hours=0, source="Kyodo", score=0.9),
        scored("b", WIRE_TITLE, WIRE_TEXT, hours=1, source="Japan Today", score=0.7),
        scored("c", WIRE_TITLE, WIRE_TEXT, hours=5, source="Mainichi", score=0.8),
    ]
    groups = group_items(items, SETTINGS)
    assert ids(groups) == [["a", "c", "b"]]  # most relevant lead, then by relevance


def test_rewrite_of_the_same_event_joins_it() -> None:
    original = scored("wire", WIRE_TITLE, WIRE_TEXT)
    rewrite = scored(
        "rewrite",
        "North Korean ballistic missile falls in Japan's EEZ off Hokkaido",
        "A ballistic missile fired by North Korea on Saturday morning came down inside Japan's "
        "exclusive economic zone west of Hokkaido after flying about 900 km, Japan's defence "
        "ministry said, and Tokyo protested through its embassy in Beijing.",
        hours=3,
    )
    assert together(group_items([original, rewrite], SETTINGS), "wire", "rewrite")


def test_updated_lead_version_joins_the_first_version() -> None:
    first = scored("v1", WIRE_TITLE, WIRE_TEXT)
    update = scored(
        "v2",
        "(LEAD) " + WIRE_TITLE,
        WIRE_TEXT + " Japan's government said it would raise the launch at the U.N. Security "
        "Council and consult closely with Washington and Seoul.",
        hours=2,
    )
    assert together(group_items([first, update], SETTINGS), "v1", "v2")


def test_two_launches_with_similar_wording_stay_apart() -> None:
    first = scored(
        "launch-3",
        "North Korea fires ballistic missile toward Sea of Japan, third launch this month",
        "North Korea fired a ballistic missile toward the Sea of Japan on Tuesday, its third "
        "launch this month, Japan's defence ministry said. The missile flew about 350 km.",
    )
    second = scored(
        "launch-4",
        "North Korea fires ballistic missile toward Sea of Japan, fourth launch this month",
        "North Korea fired a ballistic missile toward the Sea of Japan on Friday, its fourth "
        "launch this month, Japan's defence ministry said. The missile flew about 600 km.",
        hours=30,
    )
    assert not together(group_items([first, second], SETTINGS), "launch-3", "launch-4")


def test_same_words_a_week_apart_stay_apart() -> None:
    text = "Japan and North Korea held talks on the abduction issue in Beijing without progress."
    a = scored("round-1", "Japan, North Korea abduction talks end without progress", text)
    b = scored(
        "round-2", "Japan, North Korea abduction talks end without progress", text, hours=24 * 9
    )
    assert not together(group_items([a, b], SETTINGS), "round-1", "round-2")


def test_notice_of_a_launch_is_not_the_launch() -> None:
    notice = scored(
        "notice",
        "North Korea notifies Japan it plans to launch spy satellite",
        "North Korea told Japan's coast guard it plans to launch a military spy satellite, "
        "and warned ships to keep out of three zones in the Yellow Sea.",
    )
    launch = scored(
        "launch",
        "North Korea launches spy satellite, Japan issues alert",
        "North Korea launched a military spy satellite over the Yellow Sea, and Japan issued "
        "an alert to residents of Okinawa.",
        hours=20,
    )
    assert not together(group_items([notice, launch], SETTINGS), "notice", "launch")


def test_a_weak_link_does_not_chain_two_events() -> None:
    # A and C are different events; B is a story about both, close enough to each of them.
    a = scored(
        "A",
        "Japan and North Korea hold abduction talks in Stockholm",
        "Officials of Japan and North Korea met in Stockholm for talks on abducted Japanese "
        "citizens; Tokyo asked Pyongyang to reinvestigate the fate of the abductees.",
    )
    c = scored(
        "C",
        "North Korea fires short-range missiles into the sea off its east coast",
        "North Korea fired two short-range missiles into the sea off its east coast near "
        "Wonsan, Japan's defence ministry and South Korea's military said.",
        hours=2,
    )
    b = scored(
        "B",
        "North Korea fires missiles into the sea as Japan and North Korea hold abduction talks",
        "North Korea fired two short-range missiles into the sea off its east coast near Wonsan "
        "while officials of Japan and North Korea met in Stockholm for talks on abducted "
        "Japanese citizens; Tokyo asked Pyongyang to reinvestigate the abductees.",
        hours=1,
    )
    groups = group_items([a, b, c], SETTINGS)
    assert not together(groups, "A", "C")
    assert sorted(len(g) for g in groups) in ([1, 1, 1], [1, 2])


def test_every_item_lands_in_exactly_one_group_ordered_by_size() -> None:
    items = [
        scored("x1", WIRE_TITLE, WIRE_TEXT, score=0.2),
        scored("x2", WIRE_TITLE, WIRE_TEXT, hours=1, score=0.3),
        scored(
            "solo-high", "Chongryon school subsidy case reaches Supreme Court", "Ruling.", score=1
        ),
        scored("solo-low", "Yodo-go hijackers' families ask to return", "Request.", score=0.1),
    ]
    groups = group_items(items, SETTINGS)
    assert ids(groups) == [["x2", "x1"], ["solo-high"], ["solo-low"]]
    assert group_items([], SETTINGS) == []


def test_naive_and_missing_publication_times_are_handled() -> None:
    a = scored("naive", WIRE_TITLE, WIRE_TEXT, published=datetime(2026, 3, 7, 6, 0))
    b = scored("seen", WIRE_TITLE, WIRE_TEXT, seen_at=T0 + timedelta(hours=1))
    assert together(group_items([a, b], SETTINGS), "naive", "seen")


def test_result_does_not_depend_on_input_order() -> None:
    items = [scored(f"w{i}", WIRE_TITLE, WIRE_TEXT, hours=i, score=0.5) for i in range(4)] + [
        scored("t", "Japan tightens port ban on North Korean ships", "The cabinet extended it."),
        scored("u", "Japan extends port ban on North Korean ships", "The cabinet extended it."),
    ]
    expected = ids(group_items(items, SETTINGS))
    rng = random.Random(3)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert ids(group_items(shuffled, SETTINGS)) == expected


def test_settings_reject_unknown_keys_and_are_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        GroupingSettings.model_validate({"max_gap_hour": 12})
    with pytest.raises(pydantic.ValidationError):
        SETTINGS.max_gap_hours = 1
    assert GroupingSettings.model_validate({"max_gap_hours": 24}).max_gap_hours == 24


# --------------------------------------------------------------------------- labelled real pairs


def _dev_items() -> list[ScoredItem]:
    return dev_items(SHARED_DEV)


def test_labelled_pairs_have_no_wrong_merges() -> None:
    """Groups all 567 dev items at once and checks the hand-labelled pairs among them."""
    if not SHARED_DEV.exists():
        pytest.skip(f"shared evaluation data not found at {SHARED_DEV}")
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    groups = group_items(_dev_items(), SETTINGS)
    group_of = {s.item.id: k for k, g in enumerate(groups) for s in g}
    missing = {p[k] for p in pairs for k in ("a", "b")} - group_of.keys()
    assert not missing, f"labelled ids not in the dev set: {sorted(missing)[:3]}"
    wrong = [p for p in pairs if p["label"] == "different" and group_of[p["a"]] == group_of[p["b"]]]
    same = [p for p in pairs if p["label"] == "same"]
    found = [p for p in same if group_of[p["a"]] == group_of[p["b"]]]
    print(f"\nstory pairs: wrong merges {len(wrong)}, same-event recall {len(found)}/{len(same)}")
    assert not wrong, [p["reason"] for p in wrong]
    assert len(found) / len(same) >= 0.2  # guards against a silent collapse of recall


def test_grouping_is_deterministic_on_real_items() -> None:
    if not SHARED_DEV.exists():
        pytest.skip(f"shared evaluation data not found at {SHARED_DEV}")
    items = _dev_items()
    first = ids(group_items(items, SETTINGS))
    assert ids(group_items(list(reversed(items)), SETTINGS)) == first


# --------------------------------------------------------------------------- finding the event

EVENT_REPORTS = [
    (
        "North Korean ICBM launch triggers evacuation alarm in Japan",
        "An intercontinental ballistic missile fired by Pyongyang set off an evacuation alarm "
        "on Hokkaido on Thursday morning.",
    ),
    (
        "Japan Warns Residents to Take Shelter After North Korea Fired Missile",
        "Residents of Hokkaido were told to take shelter on Thursday after an intercontinental "
        "ballistic missile fired by Pyongyang set off the evacuation alarm.",
    ),
    (
        "North Korea missile launch sparks panic and evacuations in Japan",
        "Hokkaido residents ran for shelter on Thursday after an evacuation order over an "
        "intercontinental ballistic missile.",
    ),
]


def _stream(n: int = 120) -> list[ScoredItem]:
    """A week's stream around the reports: many items name North Korea, Japan or missiles."""
    subjects = ["North Korea", "Japan", "South Korea", "China", "The United States"]
    topics = ["missile defence budget", "trade talks", "yen", "army drills", "election", "exports"]
    return [
        scored(
            f"s{k:03d}",
            f"{subjects[k % 5]} weighs {topics[k % 6]} in week {k}",
            f"{subjects[(k + 1) % 5]} and {subjects[(k + 2) % 5]} said on Thursday that the "
            f"{topics[(k + 3) % 6]} would be discussed; missile and launch plans were noted.",
            hours=k % 100,
            score=0.1,
        )
        for k in range(n)
    ]


def _reports(hours: tuple[float, ...] = (0, 3, 7)) -> list[ScoredItem]:
    return [
        scored(f"r{k}", title, text, hours=h, source=f"outlet-{k}", score=0.8)
        for k, ((title, text), h) in enumerate(zip(EVENT_REPORTS, hours, strict=True))
    ]


def test_reports_of_one_event_in_other_words_are_one_story() -> None:
    reports = _reports()
    assert sorted(len(g) for g in group_items(reports, SETTINGS, _stream())) == [3]
    # Without the event pass (complete linkage only) they stay apart.
    strict = GroupingSettings(event_similarity=1.0)
    assert len(group_items(reports, strict, _stream())) > 1


def test_the_event_pass_keeps_time_ordinals_and_tense_apart() -> None:
    far = _reports(hours=(0, 60, 7))  # the second report two and a half days later
    assert sorted(len(g) for g in group_items(far, SETTINGS, _stream())) == [1, 2]
    text = EVENT_REPORTS[0][1]
    second = scored("n2", "North Korea's second ICBM launch triggers alarm in Japan", text)
    third = scored("n3", "Japan warns residents after third North Korean ICBM", text, hours=3)
    assert not together(group_items([second, third], SETTINGS, _stream()), "n2", "n3")
    plan = scored(
        "plan",
        "North Korea plans ICBM launch, Japan warns residents",
        "Residents of Hokkaido were told to prepare for shelter on Thursday as Pyongyang readied "
        "an intercontinental ballistic missile.",
        hours=3,
    )
    fired = _reports()[1]
    assert not together(group_items([plan, fired], SETTINGS, _stream()), "plan", "r1")
    # Numbers in the two headlines must agree (those of the text may not: 621 miles, 1,000 km).
    r0, _, r2 = _reports()
    assert together(group_items([r0, r2], SETTINGS, _stream()), "r0", "r2")
    n0 = scored("n0", r0.item.title + " for 12 hours", r0.item.text)
    n2 = scored("n2", r2.item.title + " for 3 hours", r2.item.text, hours=7)
    assert not together(group_items([n0, n2], SETTINGS, _stream()), "n0", "n2")


def test_the_event_pass_needs_publication_times() -> None:
    undated = [
        scored(s.item.id, s.item.title, s.item.text, published=None, seen_at=T0) for s in _reports()
    ]
    assert len(group_items(undated, SETTINGS, _stream())) == 3


# --------------------------------------------------------------------------- tense, time, names

ORDER = scored(
    "order",
    "Japan readies to shoot down North Korea spy satellite debris",
    "Japan's defence minister ordered destroyers with interceptor missiles to coastal waters "
    "in case debris from the spy satellite Pyongyang says it will launch falls on Okinawa.",
    score=0.8,
)
ALERT = scored(
    "alert",
    "Fearing Pyongyang missile, Japan puts military on alert",
    "Tokyo put interceptor missiles and destroyers on alert in Okinawa after the North Korean "
    "regime said it was ready to launch its first military spy satellite.",
    hours=2,
    score=0.8,
)


def test_an_order_to_prepare_joins_reports_of_the_order() -> None:
    # "readies to shoot down" announces; "puts military on alert" reports: one order all the
    # same, since the announced action (shooting down) is not what the other reports.
    groups = group_items([ORDER, ALERT], SETTINGS, _stream())
    assert together(groups, "order", "alert")


def test_a_report_of_the_announced_action_stays_apart_from_the_announcement() -> None:
    launched = scored(
        "launched",
        "North Korea launches spy satellite, debris falls near Okinawa",
        "Japan's defence minister said debris from the spy satellite Pyongyang launched fell "
        "into the sea west of Okinawa; destroyers with interceptor missiles stood by.",
        hours=2,
        score=0.8,
    )
    notice = scored(
        "notice",
        "North Korea plans to launch spy satellite, debris may fall near Okinawa",
        ORDER.item.text,
        score=0.8,
    )
    assert not together(group_items([notice, launched], SETTINGS, _stream()), "notice", "launched")


def _pair_hours_apart(hours: float) -> list[ScoredItem]:
    first = scored(
        "p1",
        "Hokkaido sirens sound as North Korean missile flies toward Japan",
        "Sirens sounded across Hokkaido, an evacuation order went out and trains stopped as a "
        "missile flew toward Japan.",
        score=0.8,
    )
    second = scored(
        "p2",
        "Trains halted in Hokkaido after evacuation order over missile",
        "Residents took shelter and trains were halted after the evacuation order was lifted "
        "within the hour; the missile fell into the sea.",
        hours=hours,
        score=0.8,
    )
    return [first, second]


def test_reports_hours_apart_need_less_in_common_than_reports_a_day_apart() -> None:
    assert together(group_items(_pair_hours_apart(1), SETTINGS, _stream()), "p1", "p2")
    assert not together(group_items(_pair_hours_apart(20), SETTINGS, _stream()), "p1", "p2")
    flat = GroupingSettings(close_event_similarity=SETTINGS.event_similarity)
    assert not together(group_items(_pair_hours_apart(1), flat, _stream()), "p1", "p2")


def test_names_are_told_from_things_by_how_texts_write_them() -> None:
    named, plain = cased_stems(
        "Officials in Tokyo said the launch by North Korea, seen from Sapporo, was a missile."
    )
    assert {"tokyo", "north", "korea", "sapporo"} <= named
    assert {"launch", "missil", "seen"} <= plain and "tokyo" not in plain


# --------------------------------------------------------------------------- the lead


def _words(item: Item) -> int:
    return len(item.text.split())


def test_the_lead_tells_the_event_not_a_side_angle() -> None:
    side = scored(
        "side",
        "Basketball World Cup games go ahead in Okinawa after North Korean satellite launch",
        "Basketball World Cup games in Okinawa will go ahead on Friday, organisers said, after "
        "a North Korean satellite launch failed and the rocket fell into the sea; fans were "
        "told the arena is safe, with the first game against Finland in the evening.",
        score=0.9,
    )
    event = scored(
        "event",
        "North Korea's satellite launch fails, rocket falls into sea",
        "North Korea's satellite launch failed when the rocket fell into the sea, setting off "
        "an alert in Okinawa.",
        score=0.6,
    )
    rarity = Rarity.of([f"{s.item.title} {s.item.text}" for s in _stream()])
    assert [s.item.id for s in lead_first([side, event], _words, rarity)] == ["event", "side"]
    # Among headlines about as central, the fullest text leads, whatever came first.
    short = scored("short", event.item.title, "The rocket fell into the sea.", score=0.9)
    assert lead_first([short, event], _words, rarity)[0].item.id == "event"
    assert lead_first([side], _words, rarity) == [side]
    # A headline over no usable text (a photo caption) never leads a story told in full.
    bare = scored("bare", event.item.title, "", score=0.9)
    assert lead_first([bare, side], _words, rarity)[0].item.id == "side"


def test_a_hedged_report_of_a_launch_is_not_an_announcement() -> None:
    notice = scored(
        "notice",
        "North Korea tells Japan of launch plan, a possible second try to put up spy satellite",
        "North Korea told Japan's coast guard it plans a second try to put a spy satellite into "
        "orbit between Thursday and next Tuesday, over the Yellow Sea and Okinawa.",
        score=0.8,
    )
    launch = scored(
        "launch",
        "North Korea conducts rocket launch in likely second try to put spy satellite into orbit",
        "North Korea launched a rocket in a likely second try to put a spy satellite into orbit, "
        "over the Yellow Sea and Okinawa, Japan's coast guard said on Thursday.",
        hours=40,
        score=0.8,
    )
    assert not together(group_items([notice, launch], SETTINGS, _stream()), "notice", "launch")
