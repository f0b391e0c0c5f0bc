"""Photo captions and credits that feeds and pages leave among an article's sentences.

A caption describes a picture the reader cannot see ("A man walks past a television screen
showing file footage of a missile launch in Seoul on Sept. 10, 2019."), and a credit names who
took it ("(Issei Kato/Reuters)", "AP Photo/Ahn Young-joon", "Getty Images"). Neither belongs in
a summary. Recognised as a class: credit shapes, picture vocabulary, and the caption's shape (a
scene in the present tense, dated with a full date and year).
"""

from __future__ import annotations

import re

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
# A credit that opens a sentence because the text ran on after it: "(Ann Lee/AP) Japan said".
_LEADING_CREDIT = re.compile(
    rf"^\((?:[^()]{{2,80}}(?:/|\bvia\b)\s*[^()]{{1,60}}|[^()]{{0,40}}\b{_AGENCY})\)\s+(?=[A-Z])"
)
# Words that speak of a picture, or of a scene only a picture shows.
_PICTURE = re.compile(
    r"\b(?:in this (?:file |undated |handout )?(?:photo|image|picture|photograph|frame grab)"
    r"|(?:file|handout|undated|stock) (?:photo|image|picture|footage)"
    r"|this (?:photo|image|picture|photograph)(?: \w+){0,3} (?:provided|released|taken|shows)"
    r"|photo (?:taken|provided|released|distributed)|\(pictured\)"
    r"|pictured (?:above|here|left|right)"
    r"|(?:is|are) seen (?:in|at|on|during|near|outside|inside|through|with|as (?:he|she|they))"
    r"|walks? (?:past|by) (?:a|an|the)|(?:tv|television|news) screen"
    r"|\(L-R\)|\(R-L\)|\(left\)|\(right\)|\(center\)|\(centre\)"
    r"|frame grab|screen ?grab)\b",
    re.IGNORECASE,
)
# A caption's shape: a present-tense scene ending with its full date ("in Tokyo on Feb. 21, 2023.").
_DATED_END = re.compile(
    r"\b(?:on|in) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, "
    r"(?:19|20)\d\d\.?[\"”’)]*$"
)
_PRESENT_SCENE = re.compile(
    r"^(?:[A-Z][\w'’.-]*\s+){1,6}(?:\w+\s+){0,4}?(?:is|are|walks?|stands?|sits?|looks?|watch(?:es)?|"
    r"holds?|waves?|speaks?|attends?|arrives?|leaves?|flies|fly|poses?|gestures?|"
    r"smiles?|reacts?|salutes?|delivers?|shakes?|rides?)\b"
)
_SAYING = re.compile(r"\b(?:said|says|told|announced|reported)\b")


def is_credit(sentence: str) -> bool:
    """A photo credit or a line that only names a picture's source."""
    return bool(_CREDIT.search(sentence.strip()))


def leading_credit(sentence: str) -> int:
    """The length of a photo credit that opens the sentence (0 when there is none)."""
    match = _LEADING_CREDIT.match(sentence)
    return match.end() if match else 0


def is_caption(sentence: str) -> bool:
    """A photo caption or credit, not a sentence of the story."""
    text = sentence.strip()
    if is_credit(text) or _PICTURE.search(text):
        return True
    return bool(_DATED_END.search(text) and _PRESENT_SCENE.match(text) and not _SAYING.search(text))
