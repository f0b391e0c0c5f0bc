"""What versions of one report share across languages: numbers, names and places in each script.

A Japanese, a Korean and an English version of one wire story share hardly a word, but they
share its figures (１兆６８５０億ウォン, 1조6850억원 and 1.685 trillion won are one value, as are
7천억 달러 and the Korea Herald's $700b, or 27日～29日 and 27∼29일), its
Latin-script names (KOSPI, BTS, ICBM), and its people and places, written in each script
(金正恩, 김정은, Kim Jong Un). `anchors` gives those, language-neutral, for grouping to compare.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from digest.language.persons import korean_persons
from digest.language.sino import glossed, sino_words
from digest.language.sounds import japanese_names_in_hangul, name_sounds

__all__ = ["COUNTRIES", "Anchors", "anchors"]

# One concept per line: its key, then how each press writes it (Japanese, Korean, English).
_GAZETTEER_TEXT = """
kim-jong-un | 金正恩 金総書記 キム・ジョンウン キム総書記 | 김정은 | Kim Jong Un, Kim Jong-un
kim-yo-jong | 金与正 キム・ヨジョン | 김여정 | Kim Yo Jong, Kim Yo-jong
kim-yong-nam | 金永南 キム・ヨンナム | 김영남 | Kim Yong Nam, Kim Yong-nam
choe-son-hui | 崔善姫 チェ・ソンヒ | 최선희 | Choe Son Hui
takaichi | 高市 | 다카이치 | Takaichi
ishiba | 石破 | 이시바 | Ishiba
kishida | 岸田 | 기시다 | Kishida
lee-jae-myung | 李在明 イ・ジェミョン 李大統領 | 이재명 李대통령 | Lee Jae Myung, Lee Jae-myung
yoon-suk-yeol | 尹錫悦 ユン・ソクヨル | 윤석열 | Yoon Suk Yeol
trump | トランプ | 트럼프 | Trump
xi-jinping | 習近平 習主席 | 시진핑 | Xi Jinping
putin | プーチン | 푸틴 | Putin
rubio | ルビオ | 루비오 | Rubio
megumi-yokota | 横田めぐみ | 요코타 메구미 | Megumi Yokota
north-korea | 北朝鮮 | 북한 北 | North Korea, N. Korea, DPRK, Pyongyang
pyongyang | 平壌 ピョンヤン | 평양 | Pyongyang
japan | 日本 | 일본 日 | Japan, Tokyo
south-korea | 韓国 | 한국 韓 | South Korea, S. Korea, Seoul
china | 中国 | 중국 中 | China, Chinese, Beijing
russia | ロシア | 러시아 | Russia, Russian, Moscow
united-states | 米国 アメリカ | 미국 美 | United States, U.S., Washington
hokkaido | 北海道 | 홋카이도 | Hokkaido
kospi | 総合株価指数 KOSPI | 코스피 | KOSPI
nikkei | 日経平均 | 닛케이 | Nikkei
cheong-wa-dae | 青瓦台 | 청와대 | Cheong Wa Dae
chongryon | 朝鮮総連 総連 | 조총련 | Chongryon, Chongryun
abduction | 拉致 | 납북 납치 | abduct, abducted, abductee, abductees, abduction
missile | ミサイル | 미사일 | missile, missiles
ballistic | 弾道 | 탄도 | ballistic
icbm | ICBM 大陸間弾道 | ICBM 대륙간탄도 | ICBM
submarine | 潜水艦 原潜 | 잠수함 핵잠 | submarine
satellite | 衛星 | 위성 | satellite
nuclear | 核 | 핵 | nuclear
eez | EEZ 排他的経済水域 | EEZ 배타적경제수역 | EEZ, exclusive economic zone
summit | 首脳会談 | 정상회담 | summit
sanctions | 制裁 | 제재 | sanction, sanctions
un | 国連 | 유엔 | U.N., UN, United Nations
iaea | IAEA | IAEA | IAEA
special-counsel | 特別検察 特検 | 특검 | special counsel
exports | 輸出 | 수출 | export, exports, exported
tourists | 観光客 | 관광객 | tourist, tourists
webtoon | ウェブトゥーン ウェブ漫画 | 웹툰 | webtoon, webtoons
memorial | 追悼 | 추모 | memorial, memorialize, mourn
died | 死去 | 사망 별세 | died, dies, death
"""

# Concepts nearly every item of the topic names: they tell no two events apart.
COUNTRIES = frozenset(
    {"north-korea", "pyongyang", "japan", "south-korea", "china", "russia", "united-states"}
)
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{3,}")
_STOP_LATIN_TEXT = """
    the and for with from that this into over after says said will have has been was were are
    its his her their new more than about ahead amid also lead nd rd st th news yonhap afp ap
    reuters kyodo nhk kbs photo file video seoul korea korean only use not all editorial epa
    copyright reserved rights yna newsis news1 ytn sbs mbc jtbc www com net org kr jp attn
    updates adds urgent ceo cfo cto coo gdp gpu cpu fta esg ipo etf sns ott cctv dna"""
# links and addresses carry Latin letters that name nothing (yna, co, kr)
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_STOP_LATIN = frozenset(_STOP_LATIN_TEXT.split())
# A number with its CJK multipliers: 1兆6850億, 1조6천850억, 7千億, 2万, 1.685 trillion
_NUMBER = re.compile(
    r"(?P<num>\d[\d.,]*(?:[万億兆千百萬만억조천백][\d.,]*)*"
    r"(?:\s?(?:trillion|billion|million|thousand|tln|bln|mln|tn|bn)(?![a-z]))?)"
    # the Korea Herald's shorthand, $700b, W845b, 5.6tr won: a multiple only beside a currency
    r"(?P<short>(?:tr|mn|b|m)(?![a-z]))?"
    r"(?P<unit>\s*(?:%|％|pct|percent|퍼센트))?"
    r"(?P<money>\s*(?:ウォン|원|won|円|엔|yen|ドル|달러|dollars?)(?![a-z]))?",
    re.IGNORECASE,
)
_MULT = {
    "万": 1e4, "萬": 1e4, "億": 1e8, "兆": 1e12, "千": 1e3, "百": 1e2,
    "만": 1e4, "억": 1e8, "조": 1e12, "천": 1e3, "백": 1e2,
    "trillion": 1e12, "tln": 1e12, "tn": 1e12, "billion": 1e9, "bln": 1e9, "bn": 1e9,
    "million": 1e6, "mln": 1e6,
    "thousand": 1e3,
}  # fmt: skip
_MULT_TOKEN = re.compile(
    r"[万億兆千百萬만억조천백]|trillion|billion|million|thousand|tln|bln|mln|tn|bn", re.I
)


def _parse_gazetteer() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str]]:
    forms: dict[str, str] = {}
    cjk: list[str] = []
    latin: list[str] = []
    for line in _GAZETTEER_TEXT.strip().splitlines():
        key, ja, ko, en = (part.strip() for part in line.split("|"))
        for form in (*ja.split(), *ko.split()):
            forms[form] = key
            cjk.append(form)
        for form in en.split(","):
            forms[form.strip().lower()] = key
            latin.append(form.strip())
    by_length = sorted(set(cjk), key=len, reverse=True)
    cjk_re = re.compile("|".join(map(re.escape, by_length)))
    latin_sorted = sorted(set(latin), key=len, reverse=True)
    latin_re = re.compile(
        r"(?<![\w.])(?:"
        + "|".join(re.escape(f).replace(r"\ ", r"[\s\-]") for f in latin_sorted)
        + r")(?![\w])",
        re.IGNORECASE,
    )
    return forms, cjk_re, latin_re


_FORMS, _CJK_FORMS, _LATIN_FORMS = _parse_gazetteer()


_PIECE = re.compile(
    r"(\d+(?:\.\d+)?)|([万億兆萬만억조]|trillion|billion|million|tln|bln|mln|tn|bn)"
    r"|([千百천백]|thousand)",
    re.I,
)


def _value(text: str, match: re.Match[str]) -> str | None:
    """A figure as one string: 1兆6850億 == 1조6천850억 == 1.685 trillion == 1.685e+12, and
    $700b == 7천억 달러 (a bare 30m stays 30: metres, minutes)."""
    body = match["num"].replace(",", "").rstrip(".")
    if match["short"] and _unit(text, match) in _MONEY:
        body += _SHORT[match["short"].lower()]
    total = section = number = 0.0
    for digits, large, small in _PIECE.findall(body):
        if digits:
            number = float(digits)
        elif small:  # 6천 850: thousands and hundreds add up inside a section
            section += (number or 1.0) * _MULT[small.lower()]
            number = 0.0
        else:  # 억, 万, trillion: the section so far is counted in this unit
            total += (section + number or 1.0) * _MULT[large.lower()]
            section = number = 0.0
    total += section + number
    return _key(total, bool(match["unit"]))


_SHORT = {"tr": "trillion", "b": "billion", "m": "million", "mn": "million"}
_MONEY = frozenset({"won", "yen", "usd"})
_CURRENCY = {"ウォン": "won", "원": "won", "円": "yen", "엔": "yen", "ドル": "usd", "달러": "usd"}
_CURRENCY_BEFORE = {"$": "usd", "₩": "won", "W": "won", "¥": "yen", "￥": "yen"}


def _unit(text: str, match: re.Match[str]) -> str:
    """What a figure counts: "%", a currency (won, yen, usd) or "" (anything else)."""
    if match["unit"]:
        return "%"
    if match["money"]:
        word = match["money"].strip().lower().rstrip("s")
        return _CURRENCY.get(word, "usd" if word == "dollar" else word)
    before = text[max(0, match.start() - 1) : match.start()]
    return _CURRENCY_BEFORE.get(before, "")


class Anchors:
    """Language-neutral marks of a text: figures, concepts and Latin-script names.

    `approx` holds each figure also as it reads rounded to fewer significant digits (43.09
    billion is also 43.1 and 43 billion): a version that rounds a figure still gives it.
    """

    __slots__ = (
        "approx",
        "concepts",
        "glossed",
        "names",
        "numbers",
        "sino",
        "sounds",
        "spelt",
        "units",
    )

    def __init__(
        self,
        numbers: frozenset[str],
        concepts: frozenset[str],
        names: frozenset[str],
        units: frozenset[tuple[str, str]] = frozenset(),
        sounds: frozenset[str] = frozenset(),
        sino: frozenset[str] = frozenset(),
        glossed: frozenset[str] = frozenset(),
        spelt: frozenset[str] = frozenset(),
    ):
        self.numbers = numbers
        self.concepts = concepts
        self.names = names
        self.units = units  # (figure, what it counts), for telling which figures can disagree
        self.sounds = sounds  # names as they sound, in any script (digest.language.sounds)
        self.sino = sino  # kanji and Hangul words read alike in Korean (digest.language.sino)
        self.glossed = glossed  # names a Korean text writes in hanja too, read in Korean
        # Japanese: its kanji names as Korean spells them; Korean: its Hangul words
        self.spelt = spelt
        self.approx = numbers | frozenset(r for n in numbers for r in _roundings(n))

    def glosses_shared(self, other: Anchors) -> int:
        """How many names one text glosses in hanja the other writes in kanji (Japanese and
        Korean versions; a name may run on into a title: 高市早苗首相)."""
        return sum(
            1
            for a, b in ((self, other), (other, self))
            for name in a.glossed
            if any(name in word for word in b.sino)
        )

    def spelt_in(self, korean: Anchors) -> int:
        """How many kanji names of this Japanese text a Korean text spells as they sound
        (小泉 and 고이즈미, 靖国神社 and 야스쿠니신사)."""
        return sum(1 for name in self.spelt if any(w.startswith(name) for w in korean.spelt))

    def figures_shared(self, other: Anchors) -> int:
        """How many figures the two give alike, one of them perhaps rounded."""
        return max(len(self.numbers & other.approx), len(other.numbers & self.approx))


# A span of days, one figure in any script: 27日～29日, 4∼7일, Jan. 4-7 (a lone day tells nothing)
_DAYS_CJK = re.compile(r"(?<![\d.])(\d{1,2})\s?[日일]?\s?[~～∼〜\-–]\s?(\d{1,2})\s?[日일]")
_DAYS_EN = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s(\d{1,2})"
    r"\s?(?:-|–|to|through)\s?(\d{1,2})(?![\d.,])"
)


def _day_spans(text: str, lang: str) -> set[tuple[str, str]]:
    """Spans of days in `text`, as (figure, "days"): 4∼7일 and Jan. 4-7 are both "4-7d"."""
    found = (_DAYS_EN if lang == "en" else _DAYS_CJK).findall(text)
    return {(f"{int(a)}-{int(b)}d", "days") for a, b in found if 1 <= int(a) < int(b) <= 31}


def _key(value: float, percent: bool) -> str:
    if percent:
        return f"{value:g}%"
    return f"{value:.4g}" if value >= 1e4 else f"{value:g}"


def _roundings(figure: str) -> set[str]:
    """The figure rounded to each smaller number of significant digits, down to two. Only
    amounts of ten thousand and more (money, counts in 万, 억, billion) are rounded in the
    press; 179 days or 0.64% are exact, and 179 is not 180."""
    percent = figure.endswith("%")
    if figure.endswith("d"):  # a span of days is exact
        return set()
    value = float(figure.rstrip("%"))
    if percent or value < 1e4:
        return set()
    digits = len(f"{value:.4e}".split("e")[0].replace(".", "").rstrip("0"))
    out = set()
    for keep in range(2, digits):
        for way in (ROUND_HALF_UP, ROUND_DOWN):  # "nearly 1.69 trillion", "over 1.68"
            rounded = _key(_rounded(value, keep, way), percent)
            if _significant(rounded):
                out.add(rounded)
    return out


def _rounded(value: float, digits: int, way: str) -> float:
    """`value` to `digits` significant digits as the press rounds (half up: 1.685 trillion is
    1.69) or cuts (1.68); Python's own formatting rounds half to even on the binary value."""
    exact = Decimal(repr(value))
    step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return float(exact.quantize(step, rounding=way))


def _significant(value: str) -> bool:
    """Figures that tell events apart: not a bare day of the month or a year on its own."""
    if value.endswith(("%", "d")):
        return True
    number = float(value)
    return not (number.is_integer() and (number <= 31 or 1900 <= number <= 2100))


@lru_cache(maxsize=20_000)
def anchors(text: str, lang: str) -> Anchors:
    """The figures, gazetteer concepts and Latin-script names in `text` (written in `lang`)."""
    text = unicodedata.normalize("NFKC", text)
    units = frozenset(
        (v, _unit(text, m))
        for m in _NUMBER.finditer(text)
        if (v := _value(text, m)) is not None and _significant(v)
    )
    units |= _day_spans(text, lang)
    numbers = frozenset(v for v, _ in units)
    concepts = {_FORMS[m.group()] for m in _CJK_FORMS.finditer(text)} if lang != "en" else set()
    concepts |= {
        _FORMS[re.sub(r"[\s\-]+", " ", m.group()).lower()]
        for m in _LATIN_FORMS.finditer(text)
        if re.sub(r"[\s\-]+", " ", m.group()).lower() in _FORMS
    }
    latin = _LATIN.findall(_ADDRESS.sub(" ", text))
    if lang == "en":  # names written in capitals: KOSPI, BTS, ENHYPEN
        latin = [w for w in latin if w.isupper()]
    # not two capitals: KT or LG name firms, but DB, AI or US an everyday thing, and a price
    # list or a headline roundup names them all (tried over a real crawl: more wrong than right)
    # a letter and a digit name a model though (H3, K9)
    latin = [w for w in latin if len(w) > 2 or any(c.isdigit() for c in w)]
    names = {w.lower().replace("-", "") for w in latin}  # T-50 and T50 are one name
    names -= _STOP_LATIN
    # what the gazetteer knows counts as its concept, never again as a name heard alike
    unknown = _LATIN_FORMS.sub(" ", _CJK_FORMS.sub(" ", text))
    names |= korean_persons(unknown, lang)  # 김병기 and Kim Byung-kee, whole names only
    sounds, sino = name_sounds(unknown, lang), sino_words(text, lang)
    found = glossed(text, lang)
    spelt = (
        japanese_names_in_hangul(unknown)
        if lang == "ja"
        else frozenset(_HANGUL_WORD.findall(unknown))
        if lang == "ko"
        else frozenset()
    )
    return Anchors(
        numbers, frozenset(concepts), frozenset(names), units, sounds, sino, found, spelt
    )
