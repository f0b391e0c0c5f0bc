"""What versions of one report share across scripts besides the gazetteer: names as they sound
(katakana and Latin letters) and Sino-Korean words (kanji read in Hangul), each gated so a
thread's cast or vocabulary alone does not merge its events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest.editorial.crosslang import CrossLinks
from digest.language.anchors import anchors
from digest.language.sino import hangul_reading, sino_words
from digest.language.sounds import name_sounds, skeleton
from digest.models import Item, Origin, Relevance, ScoredItem

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _item(ident: str, title: str, text: str, lang: str, hours: float = 0.0) -> ScoredItem:
    when = NOW - timedelta(hours=hours)
    item = Item(ident, f"Wire {lang}", Origin.FEED, title, "", text, when, when, lang=lang)
    return ScoredItem(item, Relevance(0.6, True))


def _linked(a: ScoredItem, b: ScoredItem) -> bool:
    links = CrossLinks([a, b], 36.0)
    return (0, 1) in links.candidates() and links.link(0, 1) > 0


@pytest.mark.parametrize(
    "spellings",
    [
        ("クーパン", "쿠팡", "Coupang"),
        ("ヒョンビン", "현빈", "Hyun Bin"),
        ("キム・ビョンギ", "김병기", "Kim Byung-kee"),
        ("ポーランド", "폴란드", "Poland"),
        ("ハンファエアロスペース", "한화에어로스페이스", "Hanwha Aerospace"),
    ],
)
def test_a_name_sounds_alike_in_katakana_hangul_and_latin_letters(
    spellings: tuple[str, str, str],
) -> None:
    ja, ko, en = spellings
    assert name_sounds(ja, "ja") & name_sounds(en, "en")
    assert skeleton(ko) in name_sounds(en, "en")  # the Hangul spelling reads alike too, but
    assert not name_sounds(f"{ko}는 28일 이같이 밝혔다.", "ko")  # no Korean word is taken for one


def test_different_names_sound_different_and_short_ones_are_not_compared() -> None:
    assert skeleton("Poland") != skeleton("Portugal")
    assert skeleton("クーパン") != skeleton("カカオ")
    assert not name_sounds("Seoul", "en")  # S-R: two consonants collide too often
    # only capitalised runs are names in English; a lowercase word after a name is not one
    assert name_sounds("Hanwha Aerospace to sign", "en") == name_sounds("Hanwha Aerospace", "en")


def test_kanji_words_are_read_as_their_korean_words() -> None:
    assert hangul_reading("序列") == "서열"
    assert hangul_reading("構造物") == "구조물"
    assert hangul_reading("首脳会談") == "수뇌회담"  # 脳 and 会 are Japan's simplified forms
    words = sino_words("日本政府は中国に抗議した。構造物の設置を確認", "ja")
    assert {"항의", "구조물", "설치", "확인"} <= words
    assert not words & {"일본", "중국", "정부"}  # in nearly every item of the topic


# A donation told by a Japanese and an English wire the same day (written for this test).
_JA_GIFT = _item(
    "ja-gift",
    "俳優ヒョンビン夫妻が病院に寄付",
    "俳優のヒョンビンさんとソン・イェジンさん夫妻が病院に３億ウォンを寄付した。",
    "ja",
)


def test_a_figure_and_a_name_heard_alike_link_two_versions_published_together() -> None:
    english = _item(
        "en-gift",
        "Hyun Bin, Son Ye-jin donate 300 mln won to hospital",
        "Actor couple Hyun Bin and Son Ye-jin gave 300 million won to a hospital.",
        "en",
    )
    assert _linked(_JA_GIFT, english)  # one figure (2) and the couple's names (2)


def test_names_heard_alike_count_only_for_versions_close_in_time() -> None:
    # the same figure and names a day later: a thread's cast recurs, so names need closeness
    later = _item(
        "en-gift-later",
        "Hyun Bin, Son Ye-jin donate 300 mln won to hospital",
        "Actor couple Hyun Bin and Son Ye-jin gave 300 million won to a hospital.",
        "en",
        hours=24,
    )
    assert not _linked(_JA_GIFT, later)


def test_names_the_gazetteer_knows_are_not_counted_twice() -> None:
    text = "Lee begins work at Cheong Wa Dae"
    assert "cheong-wa-dae" in anchors(text, "en").concepts
    assert not anchors(text, "en").sounds  # "Cheong Wa Dae" counts as its concept only


def test_rounded_figures_round_half_up_as_the_press_does() -> None:
    ja = _item("ja-plan", "クーパンが補償案", "補償は１兆６８５０億ウォン規模となる。", "ja")
    en = _item("en-plan", "Coupang unveils 1.69 tln-won compensation plan", "Coupang said.", "en")
    assert anchors("1.69 trillion won", "en").numbers <= anchors("1兆6850億ウォン", "ja").approx
    assert _linked(ja, en)


# One protest told by a Japanese and a Korean outlet two hours apart (written for this test):
# no figure, no name, only the wording of the report.
_JA_PROTEST = _item(
    "ja-protest",
    "外務省 中国に抗議 海域に構造物の設置",
    "外務省は、中国が中間線付近の海域で新たな構造物の設置を進めていることを確認し、"
    "外交ルートで抗議したと発表しました。遺憾の意を伝えました。",
    "ja",
)


def _korean_protest(hours: float) -> ScoredItem:
    return _item(
        "ko-protest",
        "日 외무성, 中 해상 구조물 설치에 항의",
        "일본 외무성은 중국이 중간선 부근 해역에 구조물 설치를 진행하는 것을 확인하고 "
        "외교 경로로 항의했다고 발표했다. 유감의 뜻을 전했다.",
        "ko",
        hours,
    )


def test_a_japanese_and_a_korean_version_sharing_their_wording_are_one_story() -> None:
    assert _linked(_JA_PROTEST, _korean_protest(hours=2))


def test_shared_wording_alone_links_only_versions_close_in_time() -> None:
    assert not _linked(_JA_PROTEST, _korean_protest(hours=20))


def test_a_few_common_words_are_not_the_wording_of_one_report() -> None:
    other = _item(
        "ko-other",
        "외무성 대변인 정례 브리핑",
        "일본 외무성 대변인은 정례 브리핑에서 경제 협력과 관광 교류를 확인했다고 발표했다.",
        "ko",
        hours=1,
    )
    assert not _linked(_JA_PROTEST, other)


def test_a_day_apart_versions_need_more_in_common_than_versions_of_one_morning() -> None:
    # one figure (34 years) and one subject (the submarine): enough the same day, not a day on
    korean = _item(
        "ko-sub",
        "1호 잠수함 34년 임무 마치고 퇴역",
        "해군의 첫 잠수함이 34년 임무를 마치고 퇴역한다고 해군이 밝혔다.",
        "ko",
    )

    def english(hours: float) -> ScoredItem:
        return _item(
            "en-sub",
            "First submarine retires after 34 years",
            "The navy's first submarine retires after 34 years of service.",
            "en",
            hours,
        )

    assert _linked(korean, english(hours=3))
    assert not _linked(korean, english(hours=24))  # a thread's next day: the ceremony
