"""What versions of one report share across scripts besides the gazetteer: names as they sound
(katakana and Latin letters) and Sino-Korean words (kanji read in Hangul), each gated so a
thread's cast or vocabulary alone does not merge its events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest.editorial.crosslang import CrossLinks
from digest.language.anchors import anchors
from digest.language.persons import korean_persons
from digest.language.sino import hangul_reading, sino_words
from digest.language.sounds import japanese_names_in_hangul, kana_to_hangul, name_sounds, skeleton
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


def test_the_korea_heralds_money_shorthand_is_the_amount() -> None:
    assert anchors("exports top $700b", "en").numbers == anchors("수출 7천억 달러", "ko").numbers
    assert anchors("a W845b frigate order", "en").numbers == {"8.45e+11"}
    assert anchors("a 5.6tr won deal", "en").numbers == anchors("5.6조원 계약", "ko").numbers
    # without a currency a letter is a unit of something else: 30m is 30 metres, as before
    assert anchors("a 30m tower and 40m pipes", "en").numbers == {"40"}


def test_a_span_of_days_is_one_figure_in_every_script() -> None:
    spans = [
        anchors("トランプ大統領 27日～29日来日", "ja").numbers,
        anchors("트럼프, 27∼29일 일본 방문", "ko").numbers,
        anchors("Trump to visit Japan Oct. 27-29", "en").numbers,
    ]
    assert spans == [{"27-29d"}] * 3
    assert anchors("1월 4∼7일 국빈 방문", "ko").numbers != anchors("1월 5∼7일 방문", "ko").numbers
    assert not anchors("The score was 27-29 at half time", "en").numbers  # no month: no span


def test_japanese_names_are_spelt_as_korean_writes_them() -> None:
    assert [kana_to_hangul(k) for k in ("ヤスクニ", "カタヤマ", "トウキョウ", "オオサカ")] == [
        "야스쿠니",
        "가타야마",  # a voiceless stop is lax at the start, aspirated inside
        "도쿄",  # long vowels are not written
        "오사카",
    ]
    assert "고이즈미" in japanese_names_in_hangul("小泉農林水産大臣が参拝した。")
    assert not japanese_names_in_hangul("菅氏が語った。")  # two syllables (스가): too short


def test_a_kanji_name_spelt_or_glossed_in_korean_links_the_two_versions() -> None:
    # written for this test: a shrine visit and a death, each told in Japanese and Korean
    ja_visit = _item("ja-v", "小泉農相が靖国神社に参拝", "小泉農相が朝、靖国神社に参拝した。", "ja")
    ko_visit = _item(
        "ko-v",
        "고이즈미 농림상, 야스쿠니신사 참배",
        "고이즈미 농림상이 오전 야스쿠니신사를 참배했다.",
        "ko",
    )
    assert _linked(ja_visit, ko_visit)
    # a figure and the name the Korean glosses in hanja (another form of 頼 and 清: the same
    # reading); the Korean spells the name from Chinese (라이칭더), no kanji reading gives it
    ja_talk = _item("ja-t", "頼清徳総統 支持率42％", "頼清徳総統の支持率は42％でした。", "ja")
    ko_talk = _item(
        "ko-t", "라이칭더 총통 지지율 42%", "라이칭더(賴淸德) 총통 지지율은 42%였다.", "ko"
    )
    assert anchors(ko_talk.item.text, "ko").glossed == {hangul_reading("頼清徳")}
    assert _linked(ja_talk, ko_talk)
    unglossed = _item("ko-u", "라이칭더 총통 지지율 42%", "라이칭더 총통 지지율은 42%였다.", "ko")
    assert not _linked(ja_talk, unglossed)
    other = _item("ko-o", "농림상, 국회 답변", "농림상이 오전 국회에서 답변했다.", "ko")
    assert not _linked(ja_visit, other)  # the office alone is the thread's, not the event's


def test_a_lead_cut_short_is_compared_on_the_opening_it_has() -> None:
    # written for this test: the Korean lead stops after its first clause, as a feed cuts it
    ja = _item(
        "ja-c",
        "新型宇宙輸送船の打ち上げ成功",
        "新型宇宙輸送船は、種子島宇宙センターから打ち上げられ、予定の軌道に投入されました。"
        "国際宇宙ステーションに物資を運ぶ計画で、政府は今後の運用について会見で説明する予定で、"
        "関係者は成功を歓迎し、次の打ち上げ準備と機体の点検、費用の検証を進める方針です。",
        "ja",
    )
    ko = _item(
        "ko-c",
        "신형 우주수송선 발사 성공",
        "(도쿄=연합뉴스) 기자 = 신형 우주수송선이 다네가시마 우주센터에서 발사돼 궤도에 투입...",
        "ko",
        hours=1,
    )
    assert _linked(ja, ko)


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("DP floor leader Kim Byung-kee resigns", "김병기 원내대표 사퇴"),
        ("nominee Lee Hye-hoon apologizes", "이혜훈 후보자가 사과했다"),
        ("Defense Minister Ahn Gyu-back said", "안규백은 말했다"),
        ("Shinsegae's Chung Yong-jin", "정용진 신세계 회장"),
        ("Premier Pak Thae Song", "박태성 내각총리"),
    ],
)
def test_a_korean_persons_whole_name_is_one_key_in_hangul_and_romanised(
    english: str, korean: str
) -> None:
    assert korean_persons(english, "en") & korean_persons(korean, "ko")


def test_only_whole_names_of_three_syllables_are_korean_persons() -> None:
    assert not korean_persons("Lee Says Budget Minister Resigns", "en")  # not syllables
    assert not korean_persons("Cho Kuk returns", "en")  # two syllables: too easily by chance
    assert not korean_persons("김병기의원회관에서", "ko")  # inside a longer word
    # one sound apart is another person: Kim Byung-kee is not 김병주 nor 김영기
    assert not korean_persons("Kim Byung-kee", "en") & korean_persons("김병주 김영기", "ko")


def test_a_persons_name_counts_only_when_both_headlines_give_it() -> None:
    # both headlines name her: the name counts, and with the figure links the two
    ko = _item("k", "이혜훈 후보자, 3조원 예산 발표", "이혜훈 후보자가 3조원을 말했다.", "ko")
    en = _item("e", "Lee Hye-hoon unveils 3 tln won budget", "Lee Hye-hoon said.", "en")
    assert _linked(ko, en)
    # a thread's next report names her only in its lead: its cast, not its subject
    other = _item(
        "o", "Budget office unveils 3 tln won plan", "Nominee Lee Hye-hoon attended.", "en"
    )
    assert (
        CrossLinks([ko, other], 36.0).weight(0, 1)[0] < CrossLinks([ko, en], 36.0).weight(0, 1)[0]
    )
