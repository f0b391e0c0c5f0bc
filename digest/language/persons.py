"""Korean persons' full names in Hangul and in the English press's romanisation, as one key.

김병기 and Kim Byung-kee, 이혜훈 and Lee Hye-hoon, 안규백 and Ahn Gyu-back: the English press
romanises Korean names by no one system (Byung or Byeong, kee or gi, Lee, Yi or Rhee), so a
name is compared by its shape, not its letters: the surname from a table of its spellings, and
each syllable of the given name by its first consonant's kind, whether a y glides into the
vowel, the vowel's broad kind and the final consonant. Only whole names of three syllables
count (a surname and a two-syllable given name, hyphenated or spaced in English): a single
syllable or word heard alike linked a thread's events and chance words across a real crawl
(Kim Yong-sik and 검은색).
"""

from __future__ import annotations

import re

__all__ = ["korean_persons"]

# Each surname with the ways the English press spells it.
_SURNAMES_TEXT = """
김 Kim Gim | 이 Lee Yi Rhee Ri Rhie | 박 Park Pak Bak | 최 Choi Choe | 정 Chung Jung Jeong Cheong
강 Kang | 조 Cho Jo | 윤 Yoon Yun | 장 Jang Chang | 임 Lim Im Yim | 한 Han | 오 Oh
서 Seo Suh | 신 Shin Sin | 권 Kwon | 황 Hwang | 안 Ahn An | 송 Song | 류 Ryu Yoo Yu Rhyu
유 Yoo Yu | 전 Jeon Chun Jun | 홍 Hong | 고 Ko Koh Go | 문 Moon Mun | 양 Yang | 손 Son Sohn
배 Bae | 백 Baek Paik Paek | 허 Heo Huh | 남 Nam | 심 Shim Sim | 노 Roh Noh | 하 Ha
곽 Kwak | 성 Sung Seong | 차 Cha | 주 Joo Ju Chu | 우 Woo | 구 Koo Ku | 민 Min | 진 Jin
지 Ji | 엄 Eom Um | 채 Chae | 원 Won | 천 Cheon | 방 Bang | 공 Kong | 현 Hyun
함 Ham | 변 Byun Byeon | 염 Yeom | 여 Yeo | 추 Choo | 도 Do | 석 Seok Suk | 설 Seol Sul
마 Ma | 길 Gil Kil | 연 Yeon | 위 Wi | 표 Pyo | 명 Myung | 기 Ki | 반 Ban | 왕 Wang
금 Keum | 옥 Ok | 육 Yook | 인 In | 맹 Maeng | 탁 Tak | 국 Kook | 나 Na | 용 Yong
"""


def _surnames() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    spellings: dict[str, set[str]] = {}
    hangul: set[str] = set()
    for entry in _SURNAMES_TEXT.replace("\n", "|").split("|"):
        if not entry.strip():
            continue
        name, *latin = entry.split()
        hangul.add(name)
        for form in latin:
            spellings.setdefault(form, set()).add(name)
    return {k: frozenset(v) for k, v in spellings.items()}, frozenset(hangul)


_SPELLINGS, _HANGUL_SURNAMES = _surnames()

# Hangul syllables: (initial, medial, final) indexes in Unicode's order.
_INITIAL = "KKNTTRMPPSSoJJJKTPH"  # ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ ("o": none)
_MEDIAL_VOWEL = "AAAAOEOEOAAOOOOEEOOEE"  # ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ
_MEDIAL_GLIDE = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0]
_FINAL = ["", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "P", "L", "L", "P", "L",
          "M", "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T"]  # fmt: skip

_ONSET = {
    "": "o", "g": "K", "k": "K", "kk": "K", "gg": "K", "d": "T", "t": "T", "tt": "T",
    "th": "T", "b": "P", "p": "P", "pp": "P", "ph": "P", "j": "J", "ch": "J", "jj": "J",
    "tch": "J", "z": "J", "s": "S", "ss": "S", "sh": "S", "h": "H", "m": "M", "n": "N",
    "r": "R", "l": "R",
}  # fmt: skip
_CODA = {"": "", "n": "N", "ng": "NG", "m": "M", "l": "L", "r": "L", "k": "K", "ck": "K",
         "g": "K", "p": "P", "b": "P", "t": "T", "d": "T"}  # fmt: skip
_ROMAN_SYLLABLE = re.compile(
    r"(tch|kk|gg|tt|pp|jj|ss|ch|th|ph|sh|[gkdtbpjzsmnrlh])?(y|w)?"
    r"(eo|eu|ae|oe|ui|oo|ee|ou|ai|[aeiou])(ng|ck|[nmlkgpbtrd])?"
)
# looked for at every capital (a lookahead), so "Premier Pak Thae Song" still gives Pak's name
_ENGLISH_NAME = re.compile(
    r"(?=\b([A-Z][a-z]+)\s+([A-Z][a-z]{0,5})(?:-([a-z]{1,6})|\s+([A-Z][a-z]{0,5}))(?![\w-]))"
)
# a name, alone or with one particle: 김병기, 김병기는, 이혜훈을
_HANGUL_NAME = re.compile(
    r"(?<![\uac00-\ud7a3])([\uac00-\ud7a3]{3})(?:[은는이가을를의도와과])?(?![\uac00-\ud7a3])"
)


def _vowel_kind(vowel: str) -> str:
    if vowel.startswith("a"):
        return "A"  # 아, 애: a, ae, ai
    if vowel in ("eo", "eu", "oe") or (vowel[0] in "ou" and vowel != "ui"):
        return "O"  # 어, 오, 우, 으 and 외: eo, u, o, oo, eu, oe
    return "E"  # 에, 이, 의: e, i, ee, ui


def _roman(syllable: str) -> str | None:
    """The shape of one romanised syllable (byung: P, glide, O, NG), or None if it cannot be
    one syllable of a Korean name (says, budget)."""
    m = _ROMAN_SYLLABLE.fullmatch(syllable.lower())
    if m is None:
        return None
    onset, glide, vowel, coda = m.group(1) or "", m.group(2) or "", m.group(3), m.group(4) or ""
    return f"{_ONSET[onset]}{'y' if glide == 'y' else ''}{_vowel_kind(vowel)}{_CODA[coda]}"


def _hangul(syllable: str) -> str:
    index = ord(syllable) - 0xAC00
    initial, medial, final = index // 588, (index % 588) // 28, index % 28
    glide = "y" if _MEDIAL_GLIDE[medial] else ""
    return f"{_INITIAL[initial]}{glide}{_MEDIAL_VOWEL[medial]}{_FINAL[final]}"


def korean_persons(text: str, lang: str) -> frozenset[str]:
    """Keys of the whole Korean names of three syllables in an English or Korean text, alike
    in both scripts: "Kim Byung-kee" and 김병기 are both "person:김:PyONG:KE"."""
    found: set[str] = set()
    if lang == "en":
        for m in _ENGLISH_NAME.finditer(text):
            surname, first, second = m.group(1), m.group(2), m.group(3) or m.group(4)
            shapes = (_roman(first), _roman(second))
            if surname not in _SPELLINGS or None in shapes:
                continue
            found |= {f"person:{h}:{shapes[0]}:{shapes[1]}" for h in _SPELLINGS[surname]}
    elif lang == "ko":
        for name in _HANGUL_NAME.findall(text):
            if name[0] in _HANGUL_SURNAMES:
                found.add(f"person:{name[0]}:{_hangul(name[1])}:{_hangul(name[2])}")
    return frozenset(found)
