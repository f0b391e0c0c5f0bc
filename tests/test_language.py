"""digest.language: detection, morphemes, sentences, display width and cross-script anchors."""

from __future__ import annotations

import hashlib
import itertools
import json
import unicodedata

import pytest
from conftest import SHARED, need
from wcwidth import iter_graphemes

from digest.language.anchors import anchors
from digest.language.detect import SUPPORTED, detect_language, normalise_code
from digest.language.morphemes import at_boundaries, content_words
from digest.language.sentences import dateline_end, sentence_spans, split_sentences
from digest.language.width import display_width, wrap_display

LANG = SHARED / "eval" / "lang"


def report_half(item_id: str) -> bool:
    """The half of the shared data we report on (the other half was for tuning)."""
    return int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % 2 == 1


def test_detection_on_real_headlines_of_three_languages() -> None:
    rows = []
    for name in (
        "labelled.jsonl",
        "nhk-yonhap-chosun-2025.jsonl",
        "yonhap-naver-en-ko-ja-2025.jsonl",
    ):
        with need(LANG / name).open(encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    heads = [(r["title"], r["lang"]) for r in rows if r["title"].strip() and report_half(r["id"])]
    assert {lang for _, lang in heads} == {"en", "ja", "ko"}
    right = sum(detect_language(title) == lang for title, lang in heads)
    assert right / len(heads) >= 0.98


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("北朝鮮 核実験か", "ja"),  # kanji only: Japanese among the three
        ("北, 日 정부에 반발", "ko"),  # Hanja shorthand inside Korean
        ("N. Korea fires missile toward East Sea", "en"),
        ("拉致被害者家族 “日米首脳会談 全員取り戻すこと確認の場に”", "ja"),
    ],
)
def test_detection_cases(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detection_by_script_where_the_model_gives_up() -> None:
    """A plain Japanese lead that the model, asked about its first 160 characters, calls no
    language at all (it would have been stored as English): kana decide it without the model."""
    with need(LANG / "nhk-yonhap-chosun-2025.jsonl").open(encoding="utf-8") as lines:
        (row,) = [r for r in map(json.loads, lines) if r["id"] == "ja:hectorcho:e9a86814c7"]
    assert detect_language(f"{row['title']}\n{row['text']}") == "ja"


@pytest.mark.parametrize(
    ("text", "lang", "candidates"),
    [
        ("Abe's 'kokunan toppa' (国難突破) snap election explained", "en", SUPPORTED),
        ("北朝鮮核実験", "ja", SUPPORTED),  # Han alone: Japanese among the three
        ("北朝鮮核實驗的消息", "zh", ("en", "ja", "ko", "zh")),  # not with Chinese to tell apart
    ],
)
def test_script_decides_only_when_it_can(text: str, lang: str, candidates: tuple[str, ...]) -> None:
    assert detect_language(text, candidates) == lang


def test_language_codes() -> None:
    assert normalise_code("ja-JP") == "ja"
    assert normalise_code("KO_kr") == "ko"
    with pytest.raises(ValueError, match="not a language code"):
        normalise_code("日本語")


def test_an_unclosed_quote_gives_up_after_400_characters() -> None:
    """The sentence splitter jumps from mark to mark: a stray 「 still stops holding sentences
    together 400 characters on, counted from the mark, as when it read every character."""
    held = "「" + "あ" * 399 + "。" + "い。"
    assert [b - a for a, b in sentence_spans(held, "ja")] == [len(held)]
    stray = "「" + "あ" * 400 + "。" + "い。"
    assert [b - a for a, b in sentence_spans(stray, "ja")] == [402, 2]
    assert sentence_spans('"' + "가" * 401 + "다. 나다.", "ko") == [(0, 404), (405, 408)]


def _at(text: str, term: str, lang: str) -> bool:
    start = text.index(term)
    return at_boundaries(text, lang, [(start, start + len(term))])[0]


def test_terms_match_whole_morphemes_not_substrings() -> None:
    assert _at("北ミサイル、日本海に落下", "北", "ja")
    assert _at("「北」が挑発", "北", "ja")
    assert not _at("北海道で大雪", "北", "ja")  # 北海道 is one morpheme
    assert not _at("15日朝 関東で雪", "日朝", "ja")  # the 15th, in the morning: two morphemes
    assert _at("日朝首脳会談を提案", "日朝", "ja")
    assert _at("북한이 미사일을 발사", "북한", "ko")  # the particle is its own morpheme
    assert _at("日다카이치 총리", "日", "ko")  # a change of script is a boundary
    assert not _at("북한산 등산로", "북한", "ko")  # Bukhansan, a mountain


def test_content_words_are_lemmas() -> None:
    assert "ミサイル" in content_words("北朝鮮がミサイルを発射した。", "ja")
    words = content_words("북한이 탄도미사일을 발사했다.", "ko")
    assert "북한" in words and "발사" in words
    assert content_words("Some English", "en") == []


def test_sentences_keep_quotes_whole() -> None:
    text = "政府は「発射は容認できない。強く抗議する」と述べた。林長官が明らかにした！本当か？"
    assert split_sentences(text, "ja") == [
        "政府は「発射は容認できない。強く抗議する」と述べた。",
        "林長官が明らかにした！",
        "本当か？",
    ]
    korean = (
        '합참은 "북한이 발사했다. 비행거리는 1천km"라고 밝혔다. 미국 U.S. 측은 3.5초 뒤 항의했다.'
    )
    assert split_sentences(korean, "ko") == [
        '합참은 "북한이 발사했다. 비행거리는 1천km"라고 밝혔다.',
        "미국 U.S. 측은 3.5초 뒤 항의했다.",
    ]
    assert split_sentences("見出し 北ミサイル\n本文です。", "ja") == [
        "見出し 北ミサイル",
        "本文です。",
    ]


def test_datelines() -> None:
    for text in (
        "【ソウル聯合ニュース】韓国の",
        "(서울=연합뉴스) 이은정 기자 = 김정은",
        "[서울=뉴시스] 문예성 기자 = 중국",
    ):
        assert not text[dateline_end(text) :].startswith(("【", "(", "["))
    assert dateline_end("北朝鮮が発射") == 0


MIXED = (
    "北朝鮮が弾道ミサイルを発射し、日本政府は「断じて容認できない」と抗議した。"
    "Kim Jong Un watched the launch from a well-camouflaged observation post. "
    "북한이 탄도미사일을 발사했다고 합동참모본부가 밝혔다. 👨‍👩‍👧 families waited."
)


@pytest.mark.parametrize("columns", [20, 31, 72])
def test_wrap_by_display_width(columns: int) -> None:
    lines = wrap_display(MIXED, columns, initial_indent="- ", subsequent_indent="  ")
    assert all(display_width(line) <= columns for line in lines)
    assert max(display_width(line) for line in lines) >= columns - 3  # lines are filled
    words = set(MIXED.split())
    for line in lines[1:]:
        assert not line.strip().startswith(("、", "。", "」"))  # closing marks never start a line
    for line in lines:
        assert not line.endswith("「")
        for token in line[2:].split():
            if token.isascii() or any("\uac00" <= ch <= "\ud7a3" for ch in token):
                assert token in words, token  # English and Korean words are never cut
    joined = "".join(line[2:] for line in lines)
    assert list(iter_graphemes(joined)).count("👨\u200d👩\u200d👧") == 1  # the cluster is whole
    assert unicodedata.normalize("NFC", joined.replace(" ", "")) == MIXED.replace(" ", "")


def test_japanese_lines_break_between_words() -> None:
    """Japanese has no spaces, but a line still ends where a word does: 抗議, ミサイル and
    北海道 are never cut, at any width (a compound may part between its words: 大使|館)."""
    title = "北朝鮮の弾道ミサイル、北海道沖のEEZ内に落下 政府が北京の大使館ルートで厳重に抗議"
    words = (
        "北朝鮮",
        "弾道",
        "ミサイル",
        "北海道",
        "落下",
        "政府",
        "北京",
        "大使",
        "ルート",
        "抗議",
    )
    for columns in range(12, 60):
        lines = wrap_display(title, columns)
        assert all(display_width(line) <= columns for line in lines)
        assert "".join("".join(lines).split()) == "".join(title.split())
        for before, after in itertools.pairwise(lines):
            for word in words:
                for cut in range(1, len(word)):
                    assert not (before.endswith(word[:cut]) and after.startswith(word[cut:])), (
                        columns,
                        before,
                        after,
                    )


def test_wide_characters_count_two() -> None:
    assert display_width("北朝鮮") == 6
    assert display_width("북한") == 4
    assert display_width("Kim") == 3
    assert wrap_display("", 10) == [""]


def test_figures_agree_across_scripts() -> None:
    ja = anchors("１兆６８５０億ウォン規模の補償 179人 ０．１５％安 金正恩", "ja")
    ko = anchors("1조6천850억원 규모의 보상 179명 0.15% 김정은", "ko")
    en = anchors("compensation of 1.685 trillion won, 179 people, 0.15 percent, Kim Jong-un", "en")
    assert ja.numbers == ko.numbers == en.numbers == {"1.685e+12", "179", "0.15%"}
    assert ja.concepts == ko.concepts == en.concepts == {"kim-jong-un"}
    assert anchors("12月29日 2025年", "ja").numbers == frozenset()  # days and years tell nothing
