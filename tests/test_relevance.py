"""The topic filter: short hand-written cases, the saved seeds' off-topic parts, the dev set."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import types
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from digest.editorial.relevance import TopicSettings, on_topic_text, score_item
from digest.errors import DigestError
from digest.evaluation.relevance import (
    Scores,
    evaluate_relevance,
    format_report,
    relevance_command,
    write_results,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "eval" / "relevance-dev.jsonl"
SEEDS = SHARED / "seeds"

TOPIC = TopicSettings()


def on(title: str, text: str = "") -> bool:
    return score_item(TOPIC, title, text).on_topic


# --- headlines and snippets -------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Japan protests after North Korean missile flies over Hokkaido",
        "Kishida says he wants a summit with Kim Jong Un to settle the abduction issue",
        "N. Korea, Japan hold first talks in four years",
        "Pyongyang slams Tokyo's new sanctions",
        "Families of abductees urge new government to act",
        "Police raid Chongryon offices in Tokyo",
    ],
)
def test_headline_on_topic(title: str) -> None:
    assert on(title)


@pytest.mark.parametrize(
    "title",
    [
        "North Korea fires ballistic missile into sea, South Korea says",
        "Japan's exports rise for a third month as yen weakens",
        "Kim Jong Un inspects new greenhouse farm",
        "Japan and South Korea agree to restart shuttle diplomacy",
        "Tokyo stocks close higher on tech rally",
    ],
)
def test_headline_off_topic(title: str) -> None:
    assert not on(title)


def test_headline_with_snippet() -> None:
    snippet = (
        "North Korea's missile fell inside Japan's exclusive economic zone, the Japanese "
        "government said. Tokyo lodged a protest with Pyongyang through diplomatic channels."
    )
    assert on("North Korea test-fires ICBM", snippet)
    # one passing co-mention in the snippet of a North Korea headline is not enough
    passing = "The missile flew toward Japan before falling into the sea, South Korea said."
    assert not on("North Korea test-fires ICBM", passing)


def test_agency_name_opening_a_text_is_not_a_dateline() -> None:
    text = "KCNA said Japan must apologise for its past crimes against the Korean nation."
    assert score_item(TOPIC, "", text).matched[:2] == ("KCNA", "japan*")


def test_dateline_alone_is_not_japan() -> None:
    text = (
        "TOKYO (Reuters) - North Korea said on Sunday it had tested a new multiple rocket "
        "launcher, state media reported. Leader Kim Jong Un watched the test, KCNA said. "
        "The North has tested weapons at a record pace this year."
    )
    assert not on("North Korea tests new rocket launcher", text)


def test_japan_as_one_name_in_a_list_is_passing() -> None:
    text = (
        "North Korea conducted its sixth nuclear test on Sunday. The United States, South Korea "
        "and Japan condemned the blast. Pyongyang said the device was a hydrogen bomb. The "
        "North's state media showed Kim Jong Un inspecting the device."
    )
    assert not on("North Korea conducts sixth nuclear test", text)


def test_japan_in_a_list_of_allies_in_the_headline() -> None:
    assert not on("US, Japan and South Korea condemn North Korea's nuclear test")
    assert on("Japan condemns North Korea's nuclear test")


def test_japan_in_a_list_as_the_target_of_the_north() -> None:
    # the list is the object of the North's action, not a line-up of participants
    assert on("Pyongyang test-fires missile, sirens sound in South Korea and Japan")
    assert on("North Korea threatens missile strikes on Japan, South Korea")
    assert on("KCNA denounces the U.S. and Japan over joint naval drills")
    text = "Pyongyang plans a rocket launch next week, with South Korea and Japan on high alert."
    assert not on("North Korea to launch rocket next week")  # the headline alone: one side
    assert on("North Korea to launch rocket next week", text + " " + text.replace("next", "this"))
    # participants, not targets, still count for little
    assert not on("Leaders of the US, Japan and South Korea meet in Washington on North Korea")
    assert not on("Plans by South Korea, the United States and Japan to share missile data")


def test_a_launch_landing_off_japan_is_on_topic_from_any_angle() -> None:
    # Written from Seoul's or Washington's angle, with Japan only as where the missile came down.
    title = "North Korea fires a missile as the U.S. and South Korea prepare for drills"
    text = (
        "North Korea fired a long-range missile into the sea off Japan a day after it "
        "threatened South Korea and the U.S. over their joint military exercises."
    )
    assert on(title, text)
    assert on(
        "North Korea launches long-range missile",
        "North Korea test-fired a missile that flew 1,000 km toward Japan before falling in "
        "the water, South Korea said.",
    )
    assert on(
        "North Korea could launch spy satellite this week",
        "Pyongyang says it will attempt its satellite launch soon, with Japan on standby.",
    )
    # The same sentences under a headline about something else: the drill is the story.
    drill = "U.S. and South Korea stage combined air drill a day after North Korea missile launch"
    assert not on(
        drill, "The drill came a day after North Korea fired a missile into waters off Japan."
    )
    # Japan only as a place named, no action landing there: still not enough.
    assert not on("North Korea fires missile", "North Korea fired a missile, Japan said.")


def test_a_photo_caption_is_no_evidence() -> None:
    title = "US, Japan, South Korea urge UN members to repatriate North Korean workers"
    caption = (
        "Envoys of the U.S., Japan and South Korea pose for photographers before talks on North "
        "Korea at Japan's foreign ministry in Tokyo. (Eugene Hoshiko/AP Photo)"
    )
    assert not on(title, caption)
    assert on(title, caption.replace("pose for photographers", "met") + " Japan pressed Pyongyang.")


def test_a_missile_alert_in_japan_implies_the_north() -> None:
    assert on("Tokyo stages missile evacuation drill at a train station")
    assert on("J-Alert warns residents of Hokkaido to take shelter")
    assert not on("Tokyo stages earthquake evacuation drill at a train station")


def test_sides_across_a_background_clause() -> None:
    assert not on("North Korea fires ICBM before rivals meet in Tokyo")
    assert on("North Korea fires ICBM over Tokyo")


def test_japan_as_news_source_is_passing() -> None:
    assert not on("North Korea fires two missiles into the sea, Japan's coast guard says")


def test_kcna_commentary_on_japan_without_naming_north_korea() -> None:
    text = (
        "Japan is stepping up moves to become a military power, revising its defence guidelines "
        "and boosting its budget, says Rodong Sinmun Monday in a bylined commentary. The "
        "Japanese reactionaries are seeking overseas aggression under the U.S. umbrella. Japan "
        "should reflect on its past crimes instead of following the road of militarism."
    )
    assert on("Japan's Militarist Moves Flailed", text)


def test_japan_item_without_north_korea_is_off_topic() -> None:
    text = (
        "Japan's cabinet approved a record defence budget on Friday. Prime Minister Fumio "
        "Kishida said the spending was needed as China expands its navy. The ruling party "
        "backed the plan."
    )
    assert not on("Japan approves record defence budget", text)


def test_long_article_with_a_paragraph_on_the_relation() -> None:
    filler = "Analysts in Seoul said the launch showed growing technical skill. " * 30
    relation = (
        "Prime Minister Shinzo Abe called North Korea's launch an unacceptable provocation and "
        "said Japan would respond firmly. Japan lodged a protest with North Korea through its "
        "embassy in Beijing. Tokyo also said North Korea must resolve the abduction issue."
    )
    assert on("North Korea launches rocket", filler + relation + " " + filler)
    assert not on("North Korea launches rocket", filler + "Japan was not affected. " + filler)


def test_relevance_fields() -> None:
    hit = score_item(TOPIC, "Japan and North Korea resume talks on abductees", "")
    assert hit.on_topic and 0.5 <= hit.score < 1.0
    assert {"japan*", "north korea*", "abductee*"} <= set(hit.matched)
    miss = score_item(TOPIC, "Tokyo stocks close higher", "")
    assert not miss.on_topic and miss.score < 0.5


def test_deterministic_and_empty_input() -> None:
    args = ("Japan, North Korea hold talks", "Officials met in Beijing.")
    assert score_item(TOPIC, *args) == score_item(TOPIC, *args)
    assert score_item(TOPIC, "", "").on_topic is False


# --- the topic as user configuration ------------------------------------------------------------


CRICKET = {
    "name": "India–Pakistan relations",
    "sides": [
        {"name": "India", "terms": ["india*", "New Delhi", "Modi"]},
        {"name": "Pakistan", "terms": ["pakistan*", "Islamabad"]},
    ],
    "key_terms": ["Kashmir*", "Line of Control", "Indus Waters Treaty"],
    "relation_terms": ["talks", "ceasefire", "border*"],
    "others": ["China", "Afghanistan"],
    "attribution": ["said"],
    "exclude": [],
    "threshold": 4,
}


def test_custom_topic_from_a_dict() -> None:
    topic = TopicSettings.model_validate(CRICKET)
    assert topic.sides[0].name == "India"
    assert score_item(topic, "India and Pakistan agree to restore ceasefire", "").on_topic
    assert score_item(topic, "Troops exchange fire across the Line of Control", "").on_topic
    assert not score_item(topic, "Japan and North Korea hold talks", "").on_topic
    assert not score_item(topic, "India's economy grows 7%", "").on_topic


def test_case_rules() -> None:
    topic = TopicSettings.model_validate(
        {**CRICKET, "sides": [{"name": "A", "terms": ["Modi"]}, {"name": "B", "terms": ["pak"]}]}
    )
    assert score_item(topic, "Modi meets PAK envoy", "").on_topic
    assert not score_item(topic, "modi meets PAK envoy", "").on_topic


def test_bad_term_is_a_validation_error_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"ab\*c"):
        TopicSettings.model_validate({**CRICKET, "key_terms": ["ab*c"]})
    with pytest.raises(ValidationError, match="'--'"):
        TopicSettings.model_validate({**CRICKET, "relation_terms": ["--"]})


def test_unknown_key_rejected_and_settings_frozen() -> None:
    with pytest.raises(ValidationError, match="treshold"):
        TopicSettings.model_validate({"treshold": 3})
    with pytest.raises(ValidationError):
        TOPIC.threshold = 1.0


def test_defaults_round_trip_through_yaml() -> None:
    dumped = yaml.safe_dump({"topic": TOPIC.model_dump(mode="json")}, allow_unicode=True)
    assert TopicSettings.model_validate(yaml.safe_load(dumped)["topic"]) == TOPIC


# --- on-topic part of a mixed page ----------------------------------------------------------------


def test_on_topic_text_drops_unrelated_parts() -> None:
    text = "\n\n".join(
        [
            "Subscribe to our newsletter",
            "Japan and North Korea agreed on Thursday to resume talks on the abduction issue.",
            "A date has yet to be set, the ministry said.",
            "North Korea admitted in 2002 that its agents abducted 13 Japanese.",
            "In other news, a jazz festival opened in Seoul on Friday with 40 bands.",
            "Tickets sold out within hours.",
        ]
    )
    part = on_topic_text(TOPIC, text)
    assert part.startswith("Japan and North Korea agreed")
    assert "A date has yet to be set" in part
    assert part.endswith("abducted 13 Japanese.")
    assert on_topic_text(TOPIC, "Tokyo stocks rose.\n\nThe yen fell.") == ""


def _seed_parts(marker: str) -> tuple[str, str]:
    """A seed file split at the first paragraph holding `marker`: (before, from there on)."""
    if not SEEDS.is_dir():
        pytest.skip(f"saved seed articles not found at {SEEDS}")
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paragraphs = text.split("\n\n")
        for i, paragraph in enumerate(paragraphs):
            if marker in paragraph:
                return "\n\n".join(paragraphs[:i]), "\n\n".join(paragraphs[i:])
    pytest.skip(f"no seed article with {marker!r} in {SEEDS}")


@pytest.mark.parametrize("marker", ["Ukraine", "Concert"])
def test_seed_off_topic_parts(marker: str) -> None:
    """The Ukraine interview and the defectors' concert are off topic; the pages are on topic."""
    before, after = _seed_parts(marker)
    assert not score_item(TOPIC, "", after).on_topic
    page = before + "\n\n" + after
    assert score_item(TOPIC, "", page).on_topic
    part = on_topic_text(TOPIC, page)
    assert part and marker not in part
    assert part in page.replace("\r", "") or part.split("\n\n")[0] in page


# --- speed ----------------------------------------------------------------------------------------


def test_a_long_item_is_judged_on_what_it_says() -> None:
    # Its cost per item is measured by benchmarks/bench_language.py, not here.
    paragraph = (
        "North Korea fired a ballistic missile that flew over Japan on Tuesday, prompting "
        "evacuation alerts in Hokkaido. Chief Cabinet Secretary said Tokyo protested strongly. "
        "Meanwhile markets in Seoul and Shanghai were calm and the won was steady against the "
        "dollar as investors looked to the Federal Reserve meeting later this week. "
    )
    long = score_item(TOPIC, "Missile over Japan", paragraph * 8)  # about 3,000 characters
    assert long.on_topic
    assert long.on_topic == score_item(TOPIC, "Missile over Japan", paragraph).on_topic


# --- evaluation -----------------------------------------------------------------------------------


def _write_jsonl(path: Path) -> None:
    rows = [
        {"id": "a", "title": "Japan, North Korea resume abduction talks", "text": "", "label": 1},
        {"id": "b", "title": "Tokyo stocks rise", "text": "", "label": 0, "borderline": True},
        {"id": "c", "title": "Japan sanctions on North Korea extended", "text": "", "label": 0},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_evaluate_relevance(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    _write_jsonl(path)
    report = evaluate_relevance(path, TOPIC)
    assert (report.all.true_pos, report.all.false_pos, report.all.false_neg) == (1, 1, 0)
    assert report.all.precision == 0.5 and report.all.recall == 1.0
    assert report.clear.items == 2
    assert [r.id for r in report.wrong] == ["c"]
    text = format_report(report)
    assert "FP" in text and "Japan sanctions" in text and "F1 0.667" in text
    out = io.StringIO()
    write_results(report, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"] and lines[0]["on_topic"] is True


def test_relevance_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "items.jsonl"
    _write_jsonl(path)
    fake = types.ModuleType("digest.config")
    fake.load_config = lambda config: types.SimpleNamespace(topic=TOPIC)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "digest.config", fake)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(relevance_command, [str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "P 0.500" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_bad_input_line_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "x", "text": ""}\n', encoding="utf-8")
    with pytest.raises(DigestError, match=r"bad\.jsonl:1"):
        evaluate_relevance(path, TOPIC)


# --- quality on the labelled dev set --------------------------------------------------------------


def test_quality_on_dev_set() -> None:
    if not DEV.is_file():
        pytest.skip(f"labelled dev set not found at {DEV}")
    report = evaluate_relevance(DEV, TOPIC)
    # reached: all P 0.929 R 0.951 F1 0.940; clear P 1.000 R 1.000 F1 1.000 (issue 11: F1 >= 0.92,
    # all and clear; precision gave 0.02 to the launch-angle rules tuned on real weeks)
    assert report.all.precision >= 0.92
    assert report.all.recall >= 0.92
    assert report.all.f1 >= 0.93
    assert report.clear.precision >= 0.98
    assert report.clear.recall >= 0.98


def test_quality_on_the_dev_half_not_tuned_on() -> None:
    """The dev items split by sha256(id): rules since session 3 were tuned looking at half 0
    only; half 1 is the check (F1 0.937 all, 1.000 clear when written)."""
    if not DEV.is_file():
        pytest.skip(f"labelled dev set not found at {DEV}")
    report = evaluate_relevance(DEV, TOPIC)
    check = [r for r in report.results if int(hashlib.sha256(r.id.encode()).hexdigest(), 16) % 2]
    assert Scores.of(check).f1 >= 0.92
    assert Scores.of(r for r in check if not r.borderline).f1 >= 0.98


def test_captions_are_looked_for_only_in_texts_that_name_a_term(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The caption check of a long text costs more than finding its terms, and most new items
    # name none: those are scored without it, the others exactly as before.
    from digest.editorial import evidence

    checked: list[str] = []
    real = evidence.is_caption

    def counting(text: str, start: int = 0, end: int | None = None) -> bool:
        checked.append(text[start:end])
        return real(text, start, end)

    monkeypatch.setattr(evidence, "is_caption", counting)
    weather = "Rain is expected across the region on Sunday. Temperatures will fall. " * 40
    assert not score_item(TOPIC, "Sunday's weather forecast", weather).on_topic
    assert checked == []
    caption = "Kim Jong Un watches a missile launch in this undated photo. (KCNA via Reuters)"
    text = f"{caption}\n\nJapan protested to North Korea over the missile launch on Sunday."
    assert score_item(TOPIC, "Japan protests to North Korea", text).on_topic
    assert checked  # a text naming the sides is checked, its caption sentences left out
