"""Limits on what one item may carry, applied to every item of every source before it is stored.

Feeds and saved files are untrusted: a 10 MB title or a megabyte-long link must not reach the
store, the pages or the search index. The byte, time and entry limits of fetching are settings
(`fetch.*` in the config); these are fixed, generous for real articles.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from digest.models import Item

MAX_TITLE_CHARS = 500
MAX_TEXT_CHARS = 200_000
MAX_AUTHOR_CHARS = 200
MAX_LINK_CHARS = 4_000  # a longer link is dropped, not cut: half a URL leads somewhere else
MAX_ID_CHARS = 4_000


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (an ellipsis marking the cut), at a space if one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit - 80)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def clip_item(item: Item) -> Item:
    """The item within the limits above; the same object when it already is."""
    if (
        len(item.title) <= MAX_TITLE_CHARS
        and len(item.text) <= MAX_TEXT_CHARS
        and len(item.author) <= MAX_AUTHOR_CHARS
        and len(item.link) <= MAX_LINK_CHARS
        and len(item.id) <= MAX_ID_CHARS
    ):
        return item
    identity = item.id
    if len(identity) > MAX_ID_CHARS:
        identity = "sha256:" + hashlib.sha256(identity.encode()).hexdigest()[:32]
    return replace(
        item,
        id=identity,
        title=clip(item.title, MAX_TITLE_CHARS),
        text=clip(item.text, MAX_TEXT_CHARS),
        author=clip(item.author, MAX_AUTHOR_CHARS),
        link=item.link if len(item.link) <= MAX_LINK_CHARS else "",
    )
