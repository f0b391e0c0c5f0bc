"""Japanese and Korean text for the summariser: sentences, words and the same sentence hygiene.

sumy gets the sentences of `digest.language.sentences` (quotes kept whole) and, as words, the
content morphemes of the analysers (`digest.language.morphemes`), already in dictionary form, so
no stemmer or stop list is needed. A sentence may be picked when it is whole (ends with 。！？ or a
period, quotes balanced, not a bare quotation), not a caption, byline, dateline or site
furniture, and within the word budgets: words are content morphemes in Japanese and
space-separated words (eojeol) in Korean, the units a reader of each language counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest.language.morphemes import ANALYSED, content_words
from digest.language.sentences import dateline_end, split_sentences
from digest.summary import cleaning

__all__ = [
    "CjkTokenizer",
    "Rules",
    "is_dangling",
    "is_pickable",
    "paragraphs",
    "rules",
    "word_count",
]

_ENDS_WELL = re.compile(r"[。！？.!?][」』”’\"')）]*$")
# "…면담했다고 교도통신 ...": a feed's teaser cut mid-sentence (its dots are no full stop)
_CUT_OFF = re.compile(rf"{cleaning.CUT_MARKS}[」』”’\"')）]*$")
_STARTS_BADLY = re.compile(r"^[、。，．・」』）)”’]")
_BARE_QUOTE = re.compile(r"^[「『“\"][^「『“\"]*[」』”\"][。.]?$")
_PAIRS = (("「", "」"), ("『", "』"), ("“", "”"), ("（", "）"), ("(", ")"))
_FURNITURE = re.compile(
    r"無断転載|転載禁止|複製禁止|著作権|ⓒ|©|写真[:：＝=]|動画[:：]|関連記事|クリック|"
    r"무단\s?전재|재배포\s?금지|저작권|사진[=:]|영상[=:]|제보는|구독|관련기사|클릭|"
    r"https?://|www\.|\S+@\S+\.\w|▶|☞|■|◆",
    re.IGNORECASE,
)
# "홍길동 기자", "東京＝山田太郎" and the like: a name line with no sentence in it
_BYLINE = re.compile(
    r"^\S{1,12}\s?(?:기자|특파원|記者|特派員)(?:\s?=)?$|^[^。]{1,20}[＝=]\S{1,10}$"
)
# Japanese has no spaces: openings are matched as prefixes, so each is a whole word ("同氏",
# not "同", which opens 同盟 too). Korean ones are the first word (eojeol): "이" must not
# match 이재명 or 이번.
# fmt: off
_DANGLING_JA = (
    "それ", "その", "この", "これ", "こうした", "そうした", "しかし", "また", "だが", "一方",
    "さらに", "同氏", "同日", "同社", "同国", "同省", "同党", "同様に", "彼は", "彼女は",
    "彼らは", "ただ、", "なお、", "ところが", "そのため", "このため",
)
_DANGLING_KO = frozenset((
    "그는", "그녀는", "그들은", "그의", "그러나", "하지만", "또한", "또", "이에", "이는",
    "이들은", "이와", "이날", "한편", "이어", "이어서", "그러면서", "그래서", "그러자", "그런데",
    "이", "앞서", "아울러", "따라서", "그럼에도", "이처럼", "이같은",
))
# fmt: on


class CjkTokenizer:
    """A sumy tokenizer for Japanese or Korean (no NLTK, no download)."""

    def __init__(self, language: str) -> None:
        self._language = language

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self._language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(content_words(sentence, self._language))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of an article (blank lines or line breaks), without the dateline."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        lines[0] = lines[0][dateline_end(lines[0]) :].strip()
    return [line for line in lines if line and not _BYLINE.match(line)]


def word_count(sentence: str, lang: str) -> int:
    if lang == "ko":
        return len(sentence.split())
    return len(content_words(sentence, lang))


def is_dangling(sentence: str, lang: str) -> bool:
    """Starts with a word that points back at an earlier sentence (その, 그는, しかし...)."""
    if lang == "ko":
        words = sentence.split(maxsplit=1)
        return bool(words) and words[0].rstrip(",") in _DANGLING_KO
    return lang == "ja" and sentence.startswith(_DANGLING_JA)


def is_pickable(sentence: str, lang: str, min_words: int, max_words: int) -> bool:
    """May this Japanese or Korean sentence appear in a summary at all?"""
    if not _ENDS_WELL.search(sentence) or _CUT_OFF.search(sentence):
        return False
    if _STARTS_BADLY.match(sentence):
        return False
    if any(sentence.count(a) != sentence.count(b) for a, b in _PAIRS):
        return False  # part of a quote that runs over several sentences
    if sentence.count('"') % 2 or _BARE_QUOTE.match(sentence):
        return False
    if _FURNITURE.search(sentence) or _BYLINE.match(sentence):
        return False
    return min_words <= word_count(sentence, lang) <= max_words


@dataclass(frozen=True, slots=True)
class Rules:
    """How one language's sentences are counted and judged for a summary."""

    word_count: Callable[[str], int]
    # the sentence, and what is shown before it (None: only pronouns and connectives count)
    is_dangling: Callable[[str, Sequence[str] | None], bool]
    is_pickable: Callable[[str], bool]


def rules(lang: str, min_words: int, max_words: int) -> Rules:
    """The hygiene rules for `lang`: Japanese and Korean ones, else the English ones."""
    if lang not in ANALYSED:
        return Rules(
            cleaning.word_count,
            cleaning.is_dangling,
            lambda s: cleaning.is_pickable(s, min_words, max_words),
        )
    return Rules(
        lambda s: word_count(s, lang),
        lambda s, _context: is_dangling(s, lang),
        lambda s: is_pickable(s, lang, min_words, max_words),
    )
