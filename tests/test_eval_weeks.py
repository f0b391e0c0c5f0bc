"""`digest eval weeks`: whole editions over labelled weeks of feeds, scored against the labels."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from click.testing import CliRunner
from conftest import EVAL, need

from digest.cli.app import cli
from digest.evaluation.weeks import (
    Label,
    WeekScore,
    evaluate_weeks,
    format_scores,
    half_of,
    score_edition,
    week_clock,
)
from digest.models import Edition, Item, Origin, Relevance, ScoredItem, Story, Tally

LAUNCH = "North Korea fires ballistic missile into the sea off Japan"
LAUNCH_TEXT = (
    "North Korea fired a ballistic missile that fell into Japan's exclusive economic zone west of "
    "Hokkaido on Wednesday, Japan's defence ministry said, and Tokyo lodged a protest."
)
ALERT = "North Korean ballistic missile falls into the sea off Japan"
ALERT_TEXT = (
    "North Korea fired a ballistic missile that fell into Japan's exclusive economic zone west of "
    "Hokkaido on Wednesday, the defence ministry in Tokyo said; Japan lodged a protest."
)
SPORT = "Yen slips as Tokyo stocks rally on exporters"
SPORT_TEXT = "The yen weakened and the Nikkei rose on Wednesday as exporters gained."


def _rss(items: list[tuple[str, str, str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{escape(d)}</description><pubDate>{format_datetime(when)}</pubDate></item>"
        for t, d, link, when in items
    )
    channel = f"<channel><title>x</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def make_week(root: Path) -> Path:
    """A week folder as in ../shared/eval/weeks: two outlets, one event, one unrelated item."""
    week = root / "2023-W28"
    (week / "feeds").mkdir(parents=True)
    wed = datetime(2023, 7, 12, 3, tzinfo=UTC)
    a, b, c = (f"https://{h}.example/{n}" for h, n in (("a", 1), ("b", 2), ("a", 3)))
    (week / "feeds" / "a.example.xml").write_text(
        _rss([(LAUNCH, LAUNCH_TEXT, a, wed), (SPORT, SPORT_TEXT, c, wed)]), encoding="utf-8"
    )
    (week / "feeds" / "b.example.xml").write_text(
        _rss([(ALERT, ALERT_TEXT, b, wed.replace(hour=9))]), encoding="utf-8"
    )
    rows = [{"id": f"rss:{u}", "url": u} for u in (a, b, c)]
    (week / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    labels = [
        {"id": f"rss:{a}", "on_topic": 1, "clear": True, "event": "icbm", "thread": "icbm"},
        {"id": f"rss:{b}", "on_topic": 1, "clear": True, "event": "icbm", "thread": "icbm"},
    ]
    (week / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in labels), "utf-8")
    return week


def test_a_week_runs_through_the_pipeline_and_is_scored(tmp_path: Path) -> None:
    from digest.evaluation.weeks import default_config

    make_week(tmp_path / "weeks")
    out = tmp_path / "out"
    [(name, score)] = evaluate_weeks(tmp_path / "weeks", default_config(tmp_path), out)
    assert name == "2023-W28"
    assert (score.on_topic, score.kept, score.off_topic, score.unlabelled) == (2, 2, 0, 0)
    assert (score.event_mates, score.together, score.events, score.event_stories) == (1, 1, 1, 1)
    assert (score.thread_pairs, score.same_thread) == (1, 1)
    text = (out / "2023-W28.txt").read_text(encoding="utf-8")
    assert LAUNCH in text or ALERT in text
    stories = (out / "2023-W28.stories.txt").read_text(encoding="utf-8")
    assert "(1 icbm)" in stories and "missed" not in stories


def test_the_command_prints_weeks_halves_and_total(tmp_path: Path) -> None:
    make_week(tmp_path / "weeks")
    result = CliRunner().invoke(cli, ["eval", "weeks", str(tmp_path / "weeks")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("2023-W28") and "2/2" in lines[1]
    assert any(line.startswith(f"half {half_of('2023-W28')}: 1 weeks") for line in lines)
    assert lines[-1].startswith("total: 1 weeks; on-topic recall 1.000 (2/2)")


def test_a_folder_without_weeks_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "weeks", str(tmp_path)])
    assert result.exit_code != 0
    assert "no week folders" in result.output


def test_the_clock_is_the_monday_after_the_week() -> None:
    assert week_clock("2023-W16") == datetime(2023, 4, 24, tzinfo=UTC)
    assert week_clock("2023-W52") == datetime(2024, 1, 1, tzinfo=UTC)


def _scored(id: str, title: str, text: str = "") -> ScoredItem:
    when = datetime(2023, 7, 12, tzinfo=UTC)
    item = Item(id, f"outlet-{id}", Origin.FEED, title, f"https://x.example/{id}", text, when, when)
    return ScoredItem(item, Relevance(0.9, True))


def _edition(stories: list[Story], brief: tuple[str, ...] = ()) -> Edition:
    when = datetime(2023, 7, 17, tzinfo=UTC)
    return Edition(
        digest="d",
        slug="d",
        date=when,
        since=when,
        until=when,
        stories=tuple(stories),
        brief=brief,
        failed_sources=(),
        tally=Tally(0, 0, 0, 0, 0),
        sections=("Other",),
    )


def test_pairs_split_events_and_mixed_threads_are_counted() -> None:
    labels = {
        "a": Label(1, True, "launch", "sat"),
        "b": Label(1, True, "launch", "sat"),
        "c": Label(1, True, "notice", "sat"),
        "d": Label(1, True, "talks", "talks"),
        "e": Label(0, True, None, None),
        "f": Label(1, True, "talks", "talks"),
    }
    one = Story("1", _scored("a", "A"), (_scored("c", "C"), _scored("d", "D")), ("Fine.",))
    two = Story("2", _scored("b", "B"), (_scored("e", "E"), _scored("x", "X")), ())
    score = score_edition(_edition([one, two]), labels, {})
    # story 1: a-c share a thread not an event, a-d and c-d share neither
    assert (score.thread_pairs, score.same_thread) == (3, 1)
    assert (score.event_pairs, score.same_event) == (3, 0)
    # a and b (one event) are in two stories; f was never kept
    assert (score.on_topic, score.kept) == (5, 4)
    assert (score.event_mates, score.together, score.events, score.event_stories) == (1, 0, 3, 4)
    assert (score.off_topic, score.unlabelled) == (1, 1)


def test_captions_and_dangling_openers_are_counted() -> None:
    text = "Japan protested the launch. It said the missile fell in its waters."
    story = Story(
        "1",
        _scored("a", "Launch", text),
        (),
        (
            "A man walks past a television screen showing a news broadcast of the launch.",
            "Japan protested the launch.",
            "It said the missile fell in its waters.",  # follows its antecedent in the text
            "But the talks went on.",  # leans on nothing given
        ),
    )
    brief = (
        "This came a day after the drills.",
        "The defence minister also ordered destroyers to sea.",
        "Japan protested the launch.",
    )
    score = score_edition(_edition([story], brief), {}, {})
    assert (score.sentences, score.captions, score.dangling) == (7, 1, 3)


def test_scores_add_up_and_rates_are_safe_on_empty_weeks() -> None:
    total = WeekScore(weeks=1, on_topic=2, kept=1) + WeekScore(weeks=1, on_topic=2, kept=2)
    assert (total.weeks, total.recall) == (2, 0.75)
    assert WeekScore().pair_recall == 1.0 and WeekScore().stories_per_event == 1.0
    assert format_scores([("2023-W06", total)]).splitlines()[-1].startswith("total: 2 weeks; ")


def test_a_shared_week_is_scored_against_its_labels() -> None:
    from digest.evaluation.weeks import default_config

    week = need(EVAL / "weeks" / "2023-W28")
    [(_, score)] = evaluate_weeks(week.parent, default_config(week.parent), only={"2023-W28"})
    assert score.on_topic == 4  # the labels of the week, all read
    assert score.off_topic == 0 and score.unlabelled == 0
    assert score.thread_precision == 1.0 and score.events == 1
    # the launch's reports from Seoul's angle are kept, and told as one story
    assert score.kept >= 3 and score.event_stories == 1 and score.together == score.event_mates


def test_a_broken_labels_line_is_named(tmp_path: Path) -> None:
    week = make_week(tmp_path / "weeks")
    with (week / "labels.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "x", "on_topic": "yes"}\n')
    result = CliRunner().invoke(cli, ["eval", "weeks", str(tmp_path / "weeks")])
    assert result.exit_code == 1
    assert "labels.jsonl:3: not a label" in result.output


def test_the_count_finds_what_leans_on_an_absent_sentence_whoever_chose_it() -> None:
    text = (
        "The search for the missing fishing boat widened on Monday. Japan fired a warning. "
        "This after the North promised a strong response. The coast guard said it was "
        "ready. The two-day drill ended on Sunday."
    )
    story = Story(
        "1",
        _scored("a", "Fishing boat missing off Hokkaido", text),
        (),
        (
            "The search for the missing fishing boat widened on Monday.",  # opens its text
            "Japan fired a warning.",
            "This after the North promised a strong response.",  # verbless: never stands
            "The two-day drill ended on Sunday.",  # no drill named before it
        ),
    )
    brief = ("Both sides agreed to talk again in May.", "In response, Japan lodged a protest.")
    score = score_edition(_edition([story], brief), {}, {})
    assert (score.sentences, score.dangling) == (6, 4)
