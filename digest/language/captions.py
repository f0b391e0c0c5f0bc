"""Photo captions and credits that feeds and pages leave among an article's sentences.

A caption describes a picture the reader cannot see ("A man walks past a television screen
showing file footage of a missile launch in Seoul on Sept. 10, 2019."), and a credit names who
took it ("(Issei Kato/Reuters)", "AP Photo/Ahn Young-joon", "Getty Images"). Neither is news:
a caption is no evidence of what a story is about (relevance, grouping) and never belongs in a
summary. One detector for every stage, recognising the class: credit shapes, picture
vocabulary, and the caption's own shape (a scene in the present tense, dated in full).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["drop_captions", "is_caption", "is_credit", "leading_credit", "without_captions"]

_AGENCY = (
    r"(?:AP|AFP|EPA|Reuters|Getty Images|Getty|Bloomberg|Yonhap|KCNA|Kyodo|Jiji|Xinhua|Pool|"
    r"Handout|Shutterstock|Alamy|iStock|AP Photo|Photo|Photos|Images|NurPhoto|SOPA Images|"
    r"WireImage|Korea News Service|Korean Central News Agency)"
)
# "(Issei Kato/Reuters)", "(KCNA via Reuters)", "(AP Photo/Lee Jin-man)", "(Getty Images)".
_CREDIT = re.compile(
    rf"\((?:[^()]{{0,80}}(?:/|\bvia\b)\s*[^()]{{0,60}}|[^()]{{0,40}}\b{_AGENCY})\)\s*[.]?\s*$"
    rf"|^(?:Photo(?:graph)?|Picture|Image|Credit|Photographer)s?\s*:"
    rf"|^[^.]{{0,60}}\b(?:via|/)\s*{_AGENCY}\)?\s*$"
    rf"|\b{_AGENCY}\s*/\s*[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+){{0,3}}\)?\s*$",
)
# A credit inside a longer text: "(Name/AP Photo)", "(AFP Photo/Name)".
_INNER_CREDIT = re.compile(
    r"\([^()]{0,60}/\s*(?:AP|AFP|Reuters|Kyodo|Yonhap|EPA|Getty)[^()]{0,30}\)"
    r"|\((?:AP|AFP|EPA) Photo\b[^()]{0,40}\)"
)
# A credit that opens a sentence because the text ran on after it: "(Ann Lee/AP) Japan said".
_LEADING_CREDIT = re.compile(
    rf"^\((?:[^()]{{2,80}}(?:/|\bvia\b)\s*[^()]{{1,60}}|[^()]{{0,40}}\b{_AGENCY})\)\s+(?=[A-Z])"
)
# Words that speak of a picture, or of a scene only a picture shows.
_PICTURE = re.compile(
    r"\b(?:in this (?:file |undated |handout |aerial )?"
    r"(?:photo|image|picture|photograph|frame grab)"
    r"|(?:file|handout|undated|stock) (?:photo|image|picture|footage)"
    r"|this (?:photo|image|picture|photograph)(?: \w+){0,3} (?:provided|released|taken|shows)"
    r"|photo (?:taken|provided|released|distributed)|\(pictured\)"
    r"|pictured (?:above|here|left|right)|getty images|photograph:"
    r"|(?:is|are) seen (?:in|at|on|during|near|outside|inside|through|with|as (?:he|she|they))"
    r"|walks? (?:past|by) (?:a|an|the)|(?:tv|television|news) screens?"
    r"|(?:walking|watch(?:es|ing)?|stands?|standing) (?:past|by|in front of|near) "
    r"(?:a |an |the )?(?:(?:large|public|giant|big) )?(?:tv|television|screen)"
    r"|poses? for (?:a )?(?:photo|picture|photographers)"
    r"|\(L-R\)|\(R-L\)|\(left\)|\(right\)|\(center\)|\(centre\)"
    r"|frame grab|screen ?grab)\b",
    re.IGNORECASE,
)
# A caption's shape: a present-tense scene ending with its full date ("in Tokyo on Feb. 21, 2023.").
_DATED_END = re.compile(
    r"\b(?:on|in) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? "
    r"(?:19|20)\d\d\.?[\"”’)]*\s*(?:\([^()]*\))?\s*$"
)
_ANY_DATE = re.compile(_DATED_END.pattern[:-1])  # such a date anywhere: a caption may lie within
_PRESENT_SCENE = re.compile(
    r"^(?:[A-Z][\w'’.-]*\s+){1,6}(?:\w+\s+){0,4}?(?:is|are|walks?|stands?|sits?|looks?|watch(?:es)?|"
    r"holds?|waves?|speaks?|attends?|arrives?|leaves?|flies|fly|poses?|gestures?|"
    r"smiles?|reacts?|salutes?|delivers?|shakes?|rides?|inspects?|visits?|talks?)\b"
)
_SAYING = re.compile(r"\b(?:said|says|told|announced|reported)\b")

# Sentence ends, and the end of a parenthesis before a capital: a photo credit "(Name/Reuters)"
# closes its caption even when the feed runs the next sentence straight on.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z(])|(?<=\))\s+(?=[A-Z])")


def is_credit(sentence: str) -> bool:
    """A photo credit or a line that only names a picture's source."""
    return bool(_CREDIT.search(sentence.strip()))


def leading_credit(sentence: str) -> int:
    """The length of a photo credit that opens the sentence (0 when there is none)."""
    match = _LEADING_CREDIT.match(sentence)
    return match.end() if match else 0


def is_caption(text: str, start: int = 0, end: int | None = None) -> bool:
    """Does `text` (or its slice from `start` to `end`) read like a photo caption or credit?"""
    piece = text[start:end].strip()
    if is_credit(piece) or _PICTURE.search(piece) or _INNER_CREDIT.search(piece):
        return True
    if not _DATED_END.search(piece):
        return False
    last = _SENTENCE_BREAK.split(piece)[-1]  # a text that ends with a dated caption
    return bool(_PRESENT_SCENE.match(last) and not _SAYING.search(last))


def without_captions(sentences: Iterable[str]) -> list[str]:
    """The sentences but captions, credits, and the caption sentence a credit closes."""
    kept: list[str] = []
    for sentence in sentences:
        credit = leading_credit(sentence)
        if credit:  # "(Ann Lee/AP) Japan said ...": the credit closes the caption before it
            if kept:
                kept.pop()
            sentence = sentence[credit:]
        if is_credit(sentence):
            if kept:
                kept.pop()  # the caption the credit closes
            continue
        if not is_caption(sentence):
            kept.append(sentence)
    return kept


def drop_captions(text: str) -> str:
    """The text without its caption sentences (unchanged when it has none)."""
    if not _ANY_DATE.search(text) and not is_caption(text):
        return text
    return " ".join(without_captions(filter(None, _SENTENCE_BREAK.split(text))))
