"""What Japanese and Korean words mean in English (JMdict's glosses, read from jamdict-data's
dictionary), and how grouping counts the words a version and its English one mean alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from digest.editorial.crosslang import CrossLinks
from digest.language import glosses
from digest.language.glosses import english_words, meanings
from digest.language.korean_news import korean_glossary
from digest.models import Item, Origin, Relevance, ScoredItem

pytest.importorskip("jamdict_data", reason="JMdict (jamdict-data) is not installed")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _item(ident: str, title: str, text: str, lang: str, hours: float = 0.0) -> ScoredItem:
    when = NOW - timedelta(hours=hours)
    item = Item(ident, f"Wire {lang}", Origin.FEED, title, "", text, when, when, lang=lang)
    return ScoredItem(item, Relevance(0.6, True))


def test_a_japanese_word_and_its_korean_reading_mean_what_the_english_says() -> None:
    assert "ballist" in meanings("弾道", "ja") & meanings("탄도", "ko")
    assert "ballist" in english_words("Ballistic missiles")
    assert "rocket" in meanings("ロケット", "ja")  # a loanword, written as it sounds
    assert "merg" in meanings("병합", "ko") & english_words("Court merges two trials")


def test_a_reading_two_dictionary_words_share_or_a_word_of_grammar_means_nothing() -> None:
    assert not meanings("수도", "ko")  # 首都 (capital) or 水道 (water supply)
    # ... unless the glossary gives the word's sense in news: 事故, not 思考 (thought)
    assert meanings("사고", "ko") >= {"accident", "crash"}
    assert not meanings("대해", "ko")  # "about", though 大海 reads so
    # a word is read into dictionary words from its start, up to its verb ending
    assert "insurrect" in meanings("내란재판", "ko")
    assert meanings("발표했다", "ko") == meanings("발표", "ko")


def test_english_alone_never_opens_the_dictionary() -> None:
    glosses._dictionary.cache_clear()
    english_words("Special counsel asks court to merge insurrection trials")
    assert not meanings("Special counsel", "en")
    CrossLinks([_item("a", "Seoul shares rise", "", "en"), _item("b", "Won falls", "", "en")], 36)
    assert glosses._dictionary.cache_info().currsize == 0


KOREAN = _item(
    "ko",
    "특검, 김용현 전 국방장관 내란 재판 병합 요청",
    "특별검사팀은 김용현 전 국방장관의 내란 재판을 병합해 달라고 법원에 요청했다.",
    "ko",
)
ENGLISH_TITLE = "Special counsel asks court to merge insurrection trials of ex-defense minister"
ENGLISH_TEXT = (
    "The special counsel asked the court on Monday to merge the insurrection trials"
    " of former Defense Minister Kim Yong-hyun."
)


def test_a_version_and_its_english_one_meaning_the_same_words_are_one_story() -> None:
    links = CrossLinks([KOREAN, _item("en", ENGLISH_TITLE, ENGLISH_TEXT, "en")], 36.0)
    assert (0, 1) in links.candidates()
    assert links.link(0, 1) > 0


def test_words_meant_alike_tip_a_pair_but_never_carry_it() -> None:
    """What two items mean alike is shared by a thread's every report (court, trial,
    insurrection): it adds one to what the figures and names weigh, never more. The person
    named in both leads and the special counsel alone do not link the versions; with the words
    they mean alike they do, and the same words without the person do not."""
    english = _item("en", ENGLISH_TITLE, ENGLISH_TEXT, "en")
    assert CrossLinks([KOREAN, english], 36.0).weight(0, 1)[0] == 3
    unnamed = _item("ko", KOREAN.item.title.replace("김용현 ", ""), "", "ko")
    assert CrossLinks([unnamed, english], 36.0).link(0, 1) == 0
    unmeant = _item("ko", "김용현, 특검 출석", "", "ko")
    assert CrossLinks([unmeant, english], 36.0).link(0, 1) == 0


def test_a_korean_word_glossed_many_ways_is_one_word_meant_alike() -> None:
    # 사망 means death, dead, die and fatal: one word of the Korean headline, counted once
    links = CrossLinks(
        [
            _item("ko", "공사장 사망 사고", "", "ko"),
            _item("en", "Fatal accident kills worker, leaves one dead", "", "en"),
        ],
        36.0,
    )
    assert links._meant(0, 1) == 2  # 사망 and 사고, not five English words


def test_the_glossary_reads_what_headlines_bend() -> None:
    # native verbs as headlines write them, and a word read as the glossary's longest form
    assert meanings("숨진", "ko") & english_words("found dead")
    assert meanings("원내대표직", "ko") >= meanings("원내대표", "ko")
    assert "resign" in meanings("전격사퇴", "ko")


def test_words_meant_alike_count_only_for_versions_close_in_time() -> None:
    # a day and more apart, a thread's next report says the same words
    later = _item("en", ENGLISH_TITLE, ENGLISH_TEXT, "en", hours=30.0)
    assert CrossLinks([KOREAN, later], 36.0).link(0, 1) == 0


def test_one_word_meant_alike_is_not_a_story() -> None:
    other = _item(
        "en",
        "Defense ministry opens a drone school for conscripts",
        "The defense ministry said it will train every conscript to fly drones.",
        "en",
    )
    assert CrossLinks([KOREAN, other], 36.0).link(0, 1) == 0


def test_the_glossary_file_is_well_formed() -> None:
    """Every line of korean_news.txt is Hangul forms, a bar and plain English words; a form
    whose words are all everyday ones (경찰: police) means nothing, as JMdict's would."""
    text = resources.files("digest.language").joinpath("korean_news.txt").read_text("utf-8")
    hangul = re.compile(r"[\uac00-\ud7a3]+")
    senses = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(senses) > 1000
    for line in senses:
        forms, english = line.split("|")  # exactly one bar
        assert all(hangul.fullmatch(f) for f in forms.split()), line
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", english.strip()), line
    assert not meanings("경찰", "ko") and "police" in korean_glossary()["경찰"]
