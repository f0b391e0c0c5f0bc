"""The search page's index, in pieces: one script per month of editions and a manifest.

A page opened from disk (file://) cannot fetch JSON, so each piece is a script that hands its
stories to the page (`window.DIGEST_SEARCH_PIECES[month] = [...]`); the manifest
(`search-index.js`, loaded with the page) lists the pieces newest first, so the page loads the
newest at once and the others only when a query needs them. A publish rewrites only its month's
piece, and no piece grows with the archive's age.

The JSON is ASCII-only (so U+2028/2029 are escaped) and has `<`, `>` and `&` escaped, so no data
can close the script or start markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from digest.publish.render import EditionPage
from digest.store import EditionRecord

MANIFEST = "search-index.js"


def month_of(record: EditionRecord) -> str:
    """The piece an edition's stories are in: its date's month, "2026-11"."""
    return record.date[:7]


def piece_path(month: str) -> str:
    """Beside the month's editions, in their year's folder."""
    return f"{month[:4]}/search-{month}.js"


def manifest_js(months: Sequence[tuple[str, int]]) -> str:
    """Every month's piece, newest first, with its path and how many stories it holds
    (`months`: each month with editions and its story count, newest first)."""
    listed = [{"month": m, "src": piece_path(m), "stories": n} for m, n in months]
    return f"window.DIGEST_SEARCH_INDEX = {_json({'pieces': listed})};\n"


def stories_js(record: EditionRecord, page: EditionPage) -> str:
    """An edition's stories as its month's piece lists them: JSON objects joined by commas, the
    inside of a list, so a piece is its editions' joined (and kept apart between publishes)."""
    label = f"{record.digest} — {datetime.fromisoformat(record.date):%-d %b %Y}"
    found = []
    for story in page.edition.stories:
        lead = story.lead.item
        published = lead.published or lead.seen_at
        found.append(
            {
                "title": lead.title,
                "gloss": story.gloss,  # the English headline: an English query finds it
                "outlets": ", ".join(story.outlets),
                "date": page.local(published).date().isoformat(),  # the edition's day
                "summary": " ".join(story.summary),
                # the headlines of its versions in other languages, searchable too
                "versions": " ".join(
                    s.item.title for s in story.others if s.item.lang != lead.lang
                ),
                "edition": label,
                "href": f"{record.html_path}#story-{story.id}",
            }
        )
    return ",".join(_json(each) for each in found)


def piece_js(month: str, stories: Sequence[str]) -> str:
    """The script of a month's stories, from each of its editions' `stories_js`, newest first."""
    listed = "[" + ",".join(each for each in stories if each) + "]"
    return (
        "(window.DIGEST_SEARCH_PIECES = window.DIGEST_SEARCH_PIECES || {})"
        f"[{_json(month)}] = {listed};\n"
    )


def _json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text
