"""The week in brief: one line per top story, each a whole sentence that stands on its own.

A line is read out of its story, so it must not lean on anything ("It", "The two-day meeting")
and must be a clean sentence (no caption, no fragment). One line per event: a story whose line
would repeat one already given (the same event told twice) is passed over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.language.morphemes import ANALYSED, content_words
from digest.models import Story
from digest.summary import cjk, cleaning
from digest.summary.references import dangles

MIN_LINES = 3
MAX_LINES = 5
SAME_EVENT = 0.6  # share of the shorter line's content words (with its headline) in another
_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON_WORDS = """
    the and for with that this from have has had was were are its their they said says
    will would about after over into than also been more north korea korean japan japanese
    tokyo pyongyang seoul south
"""
_COMMON = frozenset(_COMMON_WORDS.split())
# the two sides as Japanese and Korean content words: every line has them
_COMMON_CJK = frozenset(
    ["北朝鮮", "日本", "北", "日", "政府", "朝鮮", "북한", "일본", "정부", "한국", "韓国", "韓"]
)


# "Last week ...", "Yesterday ...": read out of its story, such an opening counts from a date the
# brief does not show (an old article's "last week" is not the edition's).
_RELATIVE_TIME = re.compile(
    r"^(?:Last|Next|Earlier|Later) (?:this )?(?:week|month|year|night|weekend)\b"
    r"|^(?:Yesterday|Today|Tonight|Recently|Earlier|Later)\b"
    r"|^(?:This|That) (?:week|weekend|month|year|morning|afternoon|evening|night)\b"
)
# The same in Japanese and Korean ("today", "yesterday", "last week", "recently").
_RELATIVE_TIME_CJK = re.compile(
    r"^(?:きょう|今日|きのう|昨日|あす|明日|先週|今週|来週|先月|今月|最近"
    r"|오늘|어제|내일|지난주|이번 주|이번주|다음 주|지난달|이번 달|최근)"
)


def standalone_line(story: Story, min_words: int = 6, max_words: int = 55) -> str | None:
    """The story's first summary sentence that stands alone, if any (judged by the rules of
    its lead's language: the summary is in it)."""
    lang = story.lead.item.lang
    if lang in ANALYSED:
        judge = cjk.rules(lang, min_words, max_words)
        for sentence in story.summary:
            if (
                judge.is_pickable(sentence)
                and not judge.is_dangling(sentence, None)
                and not _RELATIVE_TIME_CJK.match(sentence)
            ):
                return sentence
        return None
    for sentence in story.summary:
        if (
            cleaning.is_pickable(sentence, min_words, max_words)
            and not dangles(sentence, ())
            and not _RELATIVE_TIME.match(sentence)
        ):
            return sentence
    return None


def week_in_brief(stories: Sequence[Story], limit: int = MAX_LINES) -> tuple[str, ...]:
    """Lines for the top stories (already ranked), 3 to `limit`; none when fewer than 3."""
    lines: list[str] = []
    words: list[set[str]] = []
    for story in stories:
        line = standalone_line(story)
        if line is None:
            continue
        mine = _content(line + " " + story.lead.item.title, story.lead.item.lang)
        if any(_overlap(mine, other) >= SAME_EVENT for other in words):
            continue
        lines.append(line)
        words.append(mine)
        if len(lines) == limit:
            break
    return tuple(lines) if len(lines) >= MIN_LINES else ()


def _content(text: str, lang: str) -> set[str]:
    if lang in ANALYSED:
        return set(content_words(text, lang)) - _COMMON_CJK
    return {w[:6] for w in (m.lower() for m in _WORD.findall(text)) if w not in _COMMON}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
