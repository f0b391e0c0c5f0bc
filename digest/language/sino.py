"""Words of Chinese origin, which Japanese writes in kanji and Korean in Hangul, read alike.

Most of the vocabulary of news in both languages is Sino-Japanese or Sino-Korean: 序列 and 서열
(ranking), 構造物 and 구조물 (structure), 抗議 and 항의 (protest) are one word read in two
languages. Each kanji has a Korean reading (the `hanja` package's table, which also knows the
forms Japan simplified: 総, 経, 会), so a Japanese kanji word read character by character is the
Korean word. Two versions of one report share many of these words; the words naming the
countries and their leaders' offices are in nearly every item of the topic and are left out.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from digest.language.morphemes import korean_stems

__all__ = ["glossed", "hangul_reading", "pieces", "sino_words", "words_shared"]

_KANJI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
# Korean news glosses a Japanese or Chinese name in its characters: 무라야마 도미이치(村山富市),
# 다카이치 사나에(高市早苗·64); two characters are too often a term instead (유사(有事))
_GLOSS = re.compile(r"\(([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,})[\s·,)\d]")
_EVERYWHERE = frozenset(
    {"한국", "일본", "중국", "북한", "북조선", "조선", "미국", "러시아", "정부", "대통령"}
)


@lru_cache(maxsize=50_000)
def hangul_reading(word: str) -> str:
    """The Korean reading of a word written in kanji or hanja: 首脳会談 -> 수뇌회담."""
    out, previous = [], " "
    for char in word:  # as hanja.translate reads a word, a syllable at a time
        previous = _syllable(previous, char)
        out.append(previous)
    return "".join(out)


@cache
def _syllable(previous: str, char: str) -> str:
    """One character read after the syllable before it (the initial-sound rule: 拉致 is 납치,
    not 랍치). Cached: the glosses' index reads 16,000 dictionary words at once."""
    from hanja.impl import translate_syllable  # loaded on the first Japanese or Korean item

    return str(translate_syllable(previous, char))


def pieces(run: str) -> tuple[str, ...]:
    """A kanji run's reading and each two characters of it (see `words_shared`)."""
    return (run, *(run[k : k + 2] for k in range(len(run) - 1))) if len(run) > 2 else (run,)


def words_shared(japanese: frozenset[str], korean: frozenset[str]) -> int:
    """How many of a Japanese text's kanji words (`sino_words(..., "ja")`) the Korean text has
    (`sino_words(..., "ko")`). A run of kanji counts when it, or two characters of it, is a
    Korean word: most compounds are two-character words put together (経済重視 is 経済 + 重視)
    and a verb's kanji may run on (設置進める); Sudachi would cut them, at a millisecond a lead."""
    return sum(1 for run in japanese if any(piece in korean for piece in pieces(run)))


@lru_cache(maxsize=20_000)
def sino_words(text: str, lang: str) -> frozenset[str]:
    """The words of `text` (Japanese or Korean) as Korean reads them; empty for English."""
    if lang == "ja":  # each run of kanji, read
        words = {hangul_reading(run) for run in _KANJI_RUN.findall(text)}
    elif lang == "ko":  # each word's beginnings: 구조물을 holds 구조 and 구조물
        words = {w[:n] for w in korean_stems(text) for n in range(2, len(w) + 1)}
        words |= {hangul_reading(run) for run in _KANJI_RUN.findall(text)}
    else:
        return frozenset()
    return frozenset(words - _EVERYWHERE)


@lru_cache(maxsize=20_000)
def glossed(text: str, lang: str) -> frozenset[str]:
    """The Korean readings of the names a Korean text glosses in hanja (none in other
    languages): a Japanese version writes the same characters, which `sino_words` reads alike
    whatever the form (高市早苗; 國 and 国 both read 국)."""
    if lang != "ko":
        return frozenset()
    return frozenset(hangul_reading(run) for run in _GLOSS.findall(text))
