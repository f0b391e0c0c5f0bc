"""How names sound, written in any script: クーパン, 쿠팡 and Coupang are one name.

A name of a person, firm or place that no gazetteer lists is written in katakana in Japanese,
in Hangul in Korean and in Latin letters in English. Each is transliterated to Latin letters
(anyascii) and reduced to its consonant skeleton, classes of consonants that survive
transcription between the three scripts (k/g, p/b/f, t/d, s/j/ch, m, n, r/l; vowels, h, w
and y vary too much): ヒョンビン, 현빈 and Hyun Bin all read N-P-N. Only skeletons of three
consonants or more are kept; shorter ones collide too often to tell anything apart.

Which words are names: in English, capitalised words and runs of them; in Japanese, runs of
katakana (names and loanwords, both written as they sound). Not in Korean: all of it is Hangul,
and without the analyser (2 ms a lead) nothing tells a name from a word; every word's skeleton,
tried over a real crawl of 3,709 items, linked dozens of unrelated reports.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from digest.language.morphemes import japanese_proper_nouns

__all__ = ["japanese_names_in_hangul", "kana_to_hangul", "name_sounds", "skeleton"]

_SHORTEST = 3  # consonants a skeleton needs to be worth comparing
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc\u30fb]{3,}")
# "Hyun Bin", "Son Ye-jin": capitalised words, and a hyphen's lowercase syllable
_CAPITALISED_RUN = re.compile(r"[A-Z][a-z]+(?:(?:\s[A-Z]|-[A-Za-z])[a-z]+)*")
_CAPITALISED = re.compile(r"[A-Z][a-z]{2,}")
# Each class of consonants, in the order they are tried (longer spellings first).
_CLASSES = (
    (re.compile(r"ng(?![aeiouy])"), "N"),  # a final -ng; before a vowel it is n + g
    (re.compile(r"ch|sh|ts|tz|c(?=[eiy])|[sjzx]"), "S"),
    (re.compile(r"th|[td]"), "T"),
    (re.compile(r"ck|[ckqg]"), "K"),
    (re.compile(r"ph|[pbfv]"), "P"),
    (re.compile(r"[mn]"), lambda m: m.group().upper()),
    (re.compile(r"[rl]"), "R"),
)
_OTHER = re.compile(r"[^A-Z]")
_REPEAT = re.compile(r"(.)\1+")


@lru_cache(maxsize=50_000)
def skeleton(word: str) -> str:
    """The consonant classes of `word` in order, repeats merged: "Poland" -> "PRNT"."""
    text = anyascii(word).lower()
    for pattern, cls in _CLASSES:
        text = pattern.sub(cls, text)
    return _REPEAT.sub(r"\1", _OTHER.sub("", text))


def _keep(words: set[str]) -> frozenset[str]:
    keys = {skeleton(w) for w in words}
    return frozenset(k for k in keys if len(k) >= _SHORTEST)


@lru_cache(maxsize=20_000)
def name_sounds(text: str, lang: str) -> frozenset[str]:
    """The skeletons of the names in `text` (written in `lang`: "en" or "ja"; none for "ko")."""
    words: set[str] = set()
    if lang == "ja":
        for run in _KATAKANA_RUN.findall(text):
            pieces = {run, *(piece for piece in run.split("・") if piece)}
            words.update(pieces)
            # フ writes both an f (フランス) and the hw of a Korean name (ハンファ, Hanwha)
            words.update(p.replace("フ", "ホ") for p in pieces if "フ" in p)
    elif lang != "ko":
        for run in _CAPITALISED_RUN.findall(text):
            words.add(run)
            words.update(_CAPITALISED.findall(run))
    return _keep(words)


# Kana as Korean writes a Japanese name (the National Institute of Korean Language's rules):
# a voiceless stop is lax at the start of a word and aspirated inside it (東京 도쿄, 片山 가타야마),
# ン and ッ close the syllable before (ㄴ, ㅅ), a long vowel is not written (コウ 고).
_ROWS = {
    "": "아이우에오", "K": "가기구게고", "k": "카키쿠케코", "G": "가기구게고", "S": "사시스세소",
    "Z": "자지즈제조", "T": "다지쓰데도", "t": "타치쓰테토", "D": "다지즈데도", "N": "나니누네노",
    "H": "하히후헤호", "B": "바비부베보", "P": "파피푸페포", "M": "마미무메모", "R": "라리루레로",
}  # fmt: skip
_KANA_ROWS = {
    "": "アイウエオ", "K": "カキクケコ", "G": "ガギグゲゴ", "S": "サシスセソ", "Z": "ザジズゼゾ",
    "T": "タチツテト", "D": "ダヂヅデド", "N": "ナニヌネノ", "H": "ハヒフヘホ", "B": "バビブベボ",
    "P": "パピプペポ", "M": "マミムメモ", "R": "ラリルレロ",
}  # fmt: skip
_VOICELESS = frozenset("KT")
_YA = {"ャ": 0, "ュ": 1, "ョ": 2}
_Y_VOWELS = ("ㅑ", "ㅠ", "ㅛ")
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_LONG = {"ウ": "ㅗㅜㅛㅠ", "オ": "ㅗㅛ"}  # a vowel that lengthens the one before
_OTHER_KANA = {"ヤ": "야", "ユ": "유", "ヨ": "요", "ワ": "와", "ヲ": "오"}


def _kana_syllable(row: str, column: int, initial: bool) -> str:
    if row in _VOICELESS and not initial:
        row = row.lower()
    return _ROWS[row][column]


def _with_vowel(syllable: str, vowel: str) -> str:
    """The syllable with its vowel replaced (キ + ャ: 기 -> 갸; チ + ャ: 지 -> 자)."""
    code = ord(syllable) - 0xAC00
    initial, final = code // 588, code % 28
    if initial in (12, 14) and vowel in _Y_VOWELS:  # ㅈ, ㅊ take the plain vowel: 자, 초
        vowel = {"ㅑ": "ㅏ", "ㅠ": "ㅜ", "ㅛ": "ㅗ"}[vowel]
    return chr(0xAC00 + initial * 588 + _JUNG.index(vowel) * 28 + final)


def _close(syllable: str, final: int) -> str:
    code = ord(syllable) - 0xAC00
    return chr(ord(syllable) + final) if 0 <= code < 11172 and code % 28 == 0 else syllable


@lru_cache(maxsize=50_000)
def kana_to_hangul(reading: str) -> str:
    """A Japanese name read in katakana, written as Korean writes it: ヤスクニ -> 야스쿠니,
    カタヤマ -> 가타야마, トウキョウ -> 도쿄."""
    out: list[str] = []
    for char in reading:
        if char == "ー":
            continue
        if char == "ン" and out:
            out[-1] = _close(out[-1], 4)  # ㄴ
        elif char == "ッ" and out:
            out[-1] = _close(out[-1], 19)  # ㅅ
        elif char in _YA and out:
            out[-1] = _with_vowel(out[-1], _Y_VOWELS[_YA[char]])
        elif char in _LONG and out and _vowel_of(out[-1]) in _LONG[char]:
            continue  # a long o or u (コウ, ユウ, オオ) is one syllable
        elif char in _OTHER_KANA:
            out.append(_OTHER_KANA[char])
        else:
            for row, kana in _KANA_ROWS.items():
                if char in kana:
                    out.append(_kana_syllable(row, kana.index(char), not out))
                    break
            else:
                return ""  # not a kana this table writes: no transcription
    return "".join(out)


def _vowel_of(syllable: str) -> str:
    code = ord(syllable) - 0xAC00
    return _JUNG[(code % 588) // 28] if 0 <= code < 11172 else ""


@lru_cache(maxsize=20_000)
def japanese_names_in_hangul(text: str) -> frozenset[str]:
    """The kanji names of a Japanese text (people, places, shrines) as a Korean text writes
    them, three syllables or more (고이즈미, 야스쿠니, 아오모리): Korean transcribes Japanese
    names by their sound, which no reading of the characters gives (靖国 is 정국 read as hanja)."""
    found = (kana_to_hangul(reading) for _, reading in japanese_proper_nouns(text))
    return frozenset(name for name in found if len(name) >= 3)
