"""Photo captions: sentences that describe a picture, not the news ("A man walks past a TV screen
showing...", "in this undated photo", "(Ahn Young-joon/AP Photo)").

Feeds often carry a photo's caption as the item's text. It names who or what is pictured, so it
is no evidence of what the story is about, and it tells nothing of which event it reports.
"""

from __future__ import annotations

import re

__all__ = ["drop_captions", "is_caption"]

_CAPTION = re.compile(
    r"\bin this (?:undated |handout |file |aerial )?(?:photo|picture|image)\b"
    r"|\bfile (?:photo|picture|image)\b"
    r"|\([^()]{0,60}/(?:AP|AFP|Reuters|Kyodo|Yonhap|EPA|Getty)[^()]{0,30}\)"  # (Name/AP Photo)
    r"|\((?:AP|AFP|EPA) Photo\b[^()]{0,40}\)|\bgetty images\b|\bphotograph:"
    r"|\b(?:walks?|walking|watch(?:es|ing)?|stands?|standing) (?:past|by|in front of|near) "
    r"(?:a |an |the )?(?:(?:large|public|giant|big) )?(?:tv|television|screen)"
    r"|\b(?:tv|television) screens? (?:showing|shows|displaying|broadcasting)"
    r"|\bposes? for (?:a )?(?:photo|picture|photographers)\b",
    re.IGNORECASE,
)
# Every caption above holds one of these (lower case): a cheap test first, the regex only then.
_HINTS = ("photo", "picture", "image", "getty", "/", "screen", "pose")
# "... in a park in Osaka, Japan, on Oct. 30, 2018.": a caption dates its picture in full.
_DATED_END = re.compile(
    r",? on (?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? "
    r"(?:19|20)\d\d\.?\s*(?:\([^()]*\))?\s*\Z"
)
_DATED_REACH = 80  # characters at the end of a sentence searched for such a date

# Sentence ends, and the end of a parenthesis before a capital: a photo credit "(Name/Reuters)"
# closes its caption even when the feed runs the next sentence straight on.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z(])|(?<=\))\s+(?=[A-Z])")


def is_caption(text: str, start: int = 0, end: int | None = None) -> bool:
    """Does `text` (or its slice from `start` to `end`) read like a photo caption?"""
    piece = text[start:end]
    if _DATED_END.search(piece, max(0, len(piece) - _DATED_REACH)):
        return True
    lower = piece.lower()
    return any(hint in lower for hint in _HINTS) and _CAPTION.search(piece) is not None


def drop_captions(text: str) -> str:
    """The text without its caption sentences (unchanged when it has none)."""
    lower = text.lower()
    if not any(hint in lower for hint in _HINTS) and not _DATED_END.search(text):
        return text
    kept: list[str] = []
    for sentence in filter(None, _SENTENCE_BREAK.split(text)):
        if not is_caption(sentence):
            kept.append(sentence)
        elif sentence.startswith("(") and kept:
            kept.pop()  # a credit on its own ("(Name/Reuters)") ends the caption before it
    return " ".join(kept)
