"""What the Korean press's everyday words mean in English: a glossary written for digest.

JMdict (`digest.language.glosses`) reaches a Korean word only through a kanji word read
alike, so it misses the native words that carry a headline (숨지다, died; 늘다, rose; 몰리다,
flock) and every Sino word whose reading several kanji words share (사고 is 事故 and 思考),
whose usual sense in news is then lost with the rest.
`korean_news.txt` gives that usual sense for the words of Korean news, beat by beat: each line
is a word's Korean forms (a noun, or a verb's stem as headlines bend it: 숨진 숨져 숨졌), a bar,
and the English words a wire's English service would use. It was written for the project by
a reader who saw none of the evaluation items, so that what it gains there is not fitted to
them. A Korean word is read as the glossary's longest forms first, then JMdict's readings.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

__all__ = ["korean_glossary"]


@lru_cache(maxsize=1)
def korean_glossary() -> dict[str, str]:
    """Each Korean form -> the English words it means, space-separated (not yet stems)."""
    text = files(__package__).joinpath("korean_news.txt").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms, english = (part.strip() for part in line.split("|"))
        for form in forms.split():
            out[form] = f"{out[form]} {english}" if form in out else english
    return out
