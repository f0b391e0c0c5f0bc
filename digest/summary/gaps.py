"""Why a story has no summary, and what of its report can still be shown, so the edition tells
its reader instead of showing a blank.

A feed that cuts every report mid-sentence ("…with its state media saying Tokyo's military…")
leaves no whole sentence to summarise with, but its opening still says what happened: the
edition shows it as what it is, the feed's cut-off opening, never as a summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.summary import cjk, cleaning

__all__ = ["CUT", "HEADLINE_ONLY", "UNFIT", "cut_opening", "missing_summary", "summary_gap"]

HEADLINE_ONLY = "headline"  # the reports came with no text beyond their headlines
CUT = "cut"  # the feed gave only an opening, cut off mid-sentence
UNFIT = "unfit"  # text, but no sentence that stands on its own (a caption, a fragment)

_CUT_AT_END = re.compile(rf"\s*{cleaning.CUT_MARKS}\s*$")  # the feed's mark at the very end
OPENING_MAX = 400  # characters of a cut-off opening shown


def missing_summary(texts: Sequence[str], lang: str) -> tuple[str, str]:
    """For a story left without a summary: why (`summary_gap`), and the first cut-off opening of
    its reports' `texts` (lead first), "" if none."""
    opening = next((found for text in texts if (found := cut_opening(text, lang))), "")
    return summary_gap(texts), opening


def summary_gap(texts: Sequence[str]) -> str:
    """Why no sentence of `texts` (a story's reports, in its language) could be shown."""
    given = [text.strip() for text in texts if text.strip()]
    if not given:
        return HEADLINE_ONLY
    if any(_CUT_AT_END.search(text) for text in given):
        return CUT
    return UNFIT


def cut_opening(text: str, lang: str) -> str:
    """The opening of a report its feed cut off, without dateline, byline or captions, ending
    in "…" (at most OPENING_MAX characters, cut at a space where there are spaces); "" when the
    text is not cut off or nothing of it is left."""
    if not _CUT_AT_END.search(text):
        return ""
    kept = cjk.paragraphs(text) if lang in ("ja", "ko") else cleaning.paragraphs(text)
    opening = " ".join(" ".join(kept).split())
    opening = _CUT_AT_END.sub("", opening)
    if len(opening) > OPENING_MAX:
        opening = opening[:OPENING_MAX]
        if " " in opening:
            opening = opening.rsplit(" ", 1)[0]
    return f"{opening}…" if opening else ""
