"""How a side stands in its sentence: where a launch lands, who is on the receiving end, which
event a clause tells, and games between the sides; then the real weeks of news as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.editorial.relevance import TopicSettings, TopicWeights, score_item
from digest.evaluation.weeks import half_of

WEEKS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "weeks"
TOPIC = TopicSettings()


def on(title: str, text: str = "", lang: str = "en") -> bool:
    return score_item(TOPIC, title, text, lang).on_topic


# --- where a launch lands -----------------------------------------------------------------------


def test_a_launch_coming_down_near_japan_is_on_topic_even_told_by_japan() -> None:
    # Written from Seoul's angle, Japan only the source, but the missile came down off Hokkaido.
    title = "North Korea test-fires suspected long-range missile"
    text = (
        "North Korea fired what looked like a long-range missile on Tuesday, South Korea and "
        "Japan said. Japan's coast guard said the missile splashed down in the sea north of "
        "Hokkaido about an hour after it was fired."
    )
    assert on(title, text)
    # the same report with the missile down off the North's own coast is not about Japan
    assert not on(title, text.replace("north of Hokkaido", "east of the Korean peninsula"))


def test_compass_words_and_possessives_name_the_place() -> None:
    title = "North Korea's second try at a spy satellite fails"
    text = (
        "The failed launch led Japan to sound its J-Alert for a few minutes as the rocket "
        "passed over its southwestern islands of Okinawa."
    )
    assert on(title, text)


def test_just_outside_japans_zone_is_near_it() -> None:
    title = "North Korea fires ballistic missile"
    assert on(title, "The missile splashed down just outside Japan's exclusive economic zone.")
    # outside Japan itself is anywhere else
    assert not on(title, "The missile was tracked by radars outside Japan, officials said.")


def test_without_the_landing_weight_a_single_landing_is_not_enough() -> None:
    topic = TopicSettings(weights=TopicWeights(landing=0.0))
    title = "North Korea test-fires suspected long-range missile"
    text = "The missile fell into the sea west of Hokkaido, Japan's defence ministry said."
    assert score_item(TOPIC, title, text).on_topic
    assert not score_item(topic, title, text).on_topic


def test_a_landing_needs_the_actor_in_the_headlines_main_clause() -> None:
    without = TopicSettings(weights=TopicWeights(landing=0.0))
    text = "The missile came down in waters off Hokkaido, Japan's defence ministry said."
    actor = "North Korea fires missile as allies hold drills"
    assert score_item(TOPIC, actor, text).score > score_item(without, actor, text).score
    # the North only in the background clause: the story is the drill, no landing weight
    drill = "U.S. bombers fly over Japan after North Korea's missile launch"
    assert score_item(TOPIC, drill, text).score == score_item(without, drill, text).score


def test_a_side_adjective_is_a_place_only_before_a_place_noun() -> None:
    title = "Japanese and South Korean leaders meet to mend ties"
    text = (
        "Old rows over Japanese colonial rule eased as they vowed closer ties in the face of "
        "North Korea's nuclear program."
    )
    assert not on(title, text)
    assert on(
        "North Korea fires missile",
        "North Korea fired a missile that flew over Japanese territory, prompting alerts.",
    )


def test_toward_japan_is_an_aim_not_a_landing() -> None:
    text = "The missile flew toward Japan before falling into the sea, South Korea said."
    assert not on("North Korea test-fires ICBM", text)


# --- the receiving end --------------------------------------------------------------------------


def test_a_side_told_by_the_other_is_its_recipient() -> None:
    title = "North Korea plans satellite launch as Seoul and Washington begin drills"
    text = (
        "The launch window opens next Thursday, Pyongyang told Japan's coast guard on Monday, "
        "as South Korea and the U.S. began their yearly exercises."
    )
    assert on(title, text)


def test_warning_shots_to_neighbouring_countries() -> None:
    title = "North Korea fires ballistic missiles, neighbours say"
    text = (
        "North Korea fired two ballistic missiles on Friday night, its latest warning shots to "
        "neighbouring Japan and South Korea."
    )
    assert on(title, text)


def test_a_side_responding_alone_is_on_the_receiving_end() -> None:
    title = "North Korea fires missiles after allies tighten deterrence"
    text = (
        "Tokyo convened its national security council in response to the launches North Korea "
        "carried out on Monday morning."
    )
    assert on(title, text)
    # allies responding together are participants, not the one the action lands on
    allies = (
        "Security chiefs of the US, South Korea and Japan vowed to respond to North Korea's "
        "cyber thefts that fund its missile program."
    )
    assert not on("US, South Korea and Japan agree on closer security ties", allies)


def test_a_protest_by_a_listed_side_puts_it_on_the_receiving_end() -> None:
    title = "North Korea fires ballistic missile"
    text = "North Korea's launch was condemned by Japan and South Korea as a grave threat."
    assert on(title, text)
    # a list after "hosted by" is a line-up of hosts, not the ones the action landed on
    hosts = "Envoys of the region held talks hosted by Japan and South Korea on North Korea."
    assert not on("Regional envoys meet on sanctions", hosts)


# --- another event ------------------------------------------------------------------------------


def test_a_clause_about_an_earlier_event_is_no_landing() -> None:
    title = "North Korea fires more missiles as Kim's sister warns of a firing range"
    text = (
        "North Korea fired two short-range missiles off its east coast on Monday, Seoul said. "
        "The launches came two days after North Korea fired an ICBM into the sea off Japan."
    )
    assert not on(title, text)
    assert on(title, text.replace("came two days after", "came as"))


# --- games between the sides --------------------------------------------------------------------


def test_a_game_between_the_sides_is_no_relation() -> None:
    assert not on(
        "Japan beat North Korea to win the Asian Games women's soccer final",
        "Japan kept calm before a hostile crowd to beat North Korea 3-1 in the final on Friday.",
    )
    # the political side of sport is the relation: an entry ban lifted for a team
    assert on(
        "Japan likely to allow entry to North Korean soccer teams",
        "The Japanese government is set to let North Korean teams enter the country for "
        "qualifying matches next year.",
    )
    # a launch that disrupts a tournament is still the launch
    assert on(
        "World Cup games in Okinawa go ahead after North Korea's rocket launch",
        "Games of the basketball World Cup in Okinawa start on Friday despite a North Korean "
        "rocket launch that set off an evacuation alert in Japan.",
    )


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("北朝鮮、女子サッカー決勝で日本に敗れる", "ja"),
        ("북한 여자축구, 아시안게임 결승서 일본에 패배", "ko"),
    ],
)
def test_games_in_japanese_and_korean(title: str, lang: str) -> None:
    assert not on(title, "", lang)


# --- the real weeks -----------------------------------------------------------------------------


def _weeks() -> list[tuple[str, int, bool]]:
    """(half, label, on topic) for every labelled item of the shared weeks (disputed left out)."""
    if not WEEKS.is_dir():
        pytest.skip(f"labelled weeks not found at {WEEKS}")
    rows = []
    for week in sorted(p for p in WEEKS.iterdir() if (p / "labels.jsonl").is_file()):
        with (week / "items.jsonl").open(encoding="utf-8") as lines:
            items = {row["id"]: row for row in map(json.loads, lines)}
        with (week / "labels.jsonl").open(encoding="utf-8") as lines:
            for label in map(json.loads, lines):
                if label["on_topic"] is None:
                    continue
                item = items[label["id"]]
                got = score_item(TOPIC, item["title"], item["text"]).on_topic
                rows.append((half_of(week.name), label["on_topic"], got))
    return rows


def test_relevance_on_the_real_weeks() -> None:
    rows = _weeks()
    weeks = {
        h: sum(1 for p in WEEKS.iterdir() if p.is_dir() and half_of(p.name) == h) for h in "AB"
    }
    for half in ("A", "B", "AB"):
        mine = [(label, got) for h, label, got in rows if h in half]
        positives = [got for label, got in mine if label == 1]
        off = sum(got for label, got in mine if label == 0)
        assert sum(positives) / len(positives) >= 0.9, half  # issue target 0.95 on all weeks
        assert off * 5 / sum(weeks[h] for h in half) <= 1.0, half
    positives = [got for _, label, got in rows if label == 1]
    assert sum(positives) / len(positives) >= 0.95
