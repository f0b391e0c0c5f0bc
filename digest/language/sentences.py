"""Sentence splitting for Japanese and Korean, quotes kept whole.

Japanese ends a sentence with 。！？ (or their half-width forms) and no space; Korean news ends one
with a period, ! or ? after the verb's ending (다. 요. 까?) and a space, as English does. A
quote in 「」『』“”（） or "" is never cut: its own 。 belongs to the sentence that quotes it. A
line break ends a sentence too (headlines, captions and list lines stand alone).
"""

from __future__ import annotations

import re

__all__ = ["dateline_end", "sentence_spans", "split_sentences"]

_OPEN_CLOSE = {
    "「": "」",
    "『": "』",
    "“": "”",
    "（": "）",
    "(": ")",
    "【": "】",
    "《": "》",
    "〈": "〉",
}
_ENDS = frozenset("。！？!?．")
_TRAILERS = frozenset("」』”）)】》〉\"'’")
_CLOSERS = "".join(sorted(set(_OPEN_CLOSE.values())))
_MARKS_JA = re.compile(
    "[" + re.escape('\n"' + "".join(_OPEN_CLOSE) + _CLOSERS + "".join(sorted(_ENDS))) + "]"
)
_MARKS = re.compile(_MARKS_JA.pattern[:-1] + re.escape(".") + "]")
_MAX_QUOTE = 400  # an unclosed quote longer than this is a stray mark, not a quote
# 【ソウル聯合ニュース】, ［東京 共同］, (서울=연합뉴스) 이은정 기자 =, [서울=뉴시스] 문예성 기자 =
_DATELINE = re.compile(
    r"\A\s*(?:【[^】\n]{1,25}】|［[^］\n]{1,25}］"
    r"|[(\[][^)\]\n]{1,20}=[^)\]\n]{1,20}[)\]](?:\s*[^=\n]{1,20}=)?)\s*"
)


def dateline_end(text: str) -> int:
    """Where the text starts after a Japanese or Korean dateline (0 when it has none)."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def _period_ends(line: str, i: int) -> bool:
    """Does the half-width period at line[i] end a sentence? After a Hangul syllable or a
    closing quote, before a space or the end of the line (so not in U.S., 3.5 or www.x.kr)."""
    before = line[i - 1] if i else ""
    after = line[i + 1] if i + 1 < len(line) else " "
    return after.isspace() and ("\uac00" <= before <= "\ud7a3" or before in _TRAILERS)


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, leading and trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    ends = _ENDS | ({"."} if lang != "ja" else set())
    marks = _MARKS_JA if lang == "ja" else _MARKS

    def add(start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))

    start, n = 0, len(text)
    stack: list[str] = []
    straight = False  # inside a "..." quote
    opened = 0
    # Only line breaks, quotes and sentence ends change anything: jump from one to the next
    # (long leads cost a regex scan, not a Python step per character).
    found = marks.search(text)
    while found:
        i = found.start()
        if (stack or straight) and i - 1 - opened > _MAX_QUOTE:
            stack, straight = [], False  # the quote ran on too long before this mark
        ch = text[i]
        if ch == "\n":
            add(start, i)
            start, stack, straight = i + 1, [], False
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch in _OPEN_CLOSE:
            if not stack:
                opened = i
            stack.append(_OPEN_CLOSE[ch])
        elif ch == '"':
            straight, opened = not straight, i
        if (stack or straight) and i - opened > _MAX_QUOTE:
            stack, straight = [], False
        quiet = not stack and not straight
        if quiet and ch in ends and (ch != "." or _period_ends(text, i)):
            while i + 1 < n and (text[i + 1] in _ENDS or text[i + 1] in _TRAILERS):
                i += 1
            add(start, i + 1)
            start = i + 1
        found = marks.search(text, i + 1)
    add(start, n)
    return spans


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of a Japanese or Korean `text`, in order, without empties."""
    return [text[a:b] for a, b in sentence_spans(text, lang)]
