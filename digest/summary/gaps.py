"""Why a story has no summary, so the edition can tell its reader instead of showing a blank."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["CUT", "HEADLINE_ONLY", "UNFIT", "summary_gap"]

HEADLINE_ONLY = "headline"  # the reports came with no text beyond their headlines
CUT = "cut"  # the feed gave only an opening, cut off mid-sentence
UNFIT = "unfit"  # text, but no sentence that stands on its own (a caption, a fragment)

# A feed's mark that it cut the text: "…", "...", "[…]", "[...]", "・・・" at the very end.
_CUT_AT_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\]|・・・|．．．)\s*$")


def summary_gap(texts: Sequence[str]) -> str:
    """Why no sentence of `texts` (a story's reports, in its language) could be shown."""
    given = [text.strip() for text in texts if text.strip()]
    if not given:
        return HEADLINE_ONLY
    if any(_CUT_AT_END.search(text) for text in given):
        return CUT
    return UNFIT
