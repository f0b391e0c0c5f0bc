"""Feed documents to Items: the lxml fast path, JSON Feed, else feedparser; each entry flattened.

Apart from `digest.sources.feeds` so that a poll's main process, whose parsing runs in worker
processes, never imports lxml, feedparser or the text cleaners.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import xml.sax
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import feedparser

from digest.errors import SourceError
from digest.models import Batch, Item, Origin
from digest.sources.fastfeed import parse_fast
from digest.sources.jsonfeed import json_feed_entries, looks_like_json
from digest.sources.text import html_fragment_to_text, normalize_whitespace

# Faults that mean the document is broken, not just loosely typed (feedparser flags both).
_XML_ERRORS = (xml.sax.SAXException,)
MAX_ENTRIES = 2000  # a feed with more is cut, not refused: the newest come first in practice


TEASER_CHARS = 400  # an entry with no content and a summary shorter than this is a teaser


def parse_feed(
    data: bytes, *, source: str, now: datetime, headers: dict[str, str], fast: bool = True
) -> Batch:
    """Items of a feed document; SourceError when the bytes are not a feed at all.

    Plain RSS 2.0 and Atom 1.0 are read by lxml (`digest.sources.fastfeed`, several times
    faster, same entries); JSON Feed 1.0 and 1.1 by `digest.sources.jsonfeed`; everything else,
    or with `fast=False`, by feedparser. A malformed feed whose entries feedparser could still
    recover is read, with a warning.
    """
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    found = parse_fast(data, headers) if fast else None
    entries: list[Any]
    if found is not None:
        entries = found
        warning = ""
    elif looks_like_json(data, content_type):
        entries, warning = json_feed_entries(data), ""
    else:
        entries, warning = _feedparser_entries(data, headers)
    if len(entries) > MAX_ENTRIES:
        warning = f"{len(entries)} entries, only the first {MAX_ENTRIES} read"
        entries = entries[:MAX_ENTRIES]
    items = tuple(_item(entry, source, now) for entry in entries)
    teasers = frozenset(
        item.id
        for entry, item in zip(entries, items, strict=True)
        if not entry.get("content") and len(item.text) < TEASER_CHARS
    )
    return Batch(items, warning, teasers)


def _feedparser_entries(data: bytes, headers: dict[str, str]) -> tuple[list[Any], str]:
    """feedparser's entries and a warning when the document was malformed."""
    wanted = {k.lower(): v for k, v in headers.items() if k.lower() == "content-type"}
    # No sanitising or URI resolution: the HTML is flattened to text at once and escaped on
    # output, and skipping them halves feedparser's time (see benchmarks/bench_poll.py).
    parsed = feedparser.parse(
        data, response_headers=wanted, sanitize_html=False, resolve_relative_uris=False
    )
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0]
            raise SourceError(f"not a readable feed ({reason})")
        if not parsed.get("version") and (not parsed.feed or _html(data)):
            raise SourceError("not an RSS or Atom feed")
    entries = list(parsed.entries)
    warning = ""
    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), _XML_ERRORS):
        reason = str(parsed.bozo_exception).splitlines()[0]
        kept = min(len(entries), MAX_ENTRIES)
        warning = f"malformed feed, {kept} entries recovered ({reason})"
    return entries, warning


def _html(data: bytes) -> bool:
    """An HTML page where a feed was expected (a login wall, an error page)."""
    return (
        data.lstrip(b"\xef\xbb\xbf \t\r\n")[:14].lower().startswith((b"<!doctype html", b"<html"))
    )


def _item(entry: Any, source: str, now: datetime) -> Item:
    title = html_fragment_to_text(entry.get("title", ""))  # normalised already
    title, gloss = _title_and_gloss(entry, title)
    given = entry.get("link", "") or ""
    link = _web_link(given)
    contents = entry.get("content") or []
    body = contents[0].get("value", "") if contents else entry.get("summary", "")
    text = html_fragment_to_text(body or "")
    published = _timestamp(entry.get("published_parsed") or entry.get("updated_parsed"))
    return Item(
        id=stable_id(entry.get("id") or given, title, text),  # as before links were checked
        source=source,
        origin=Origin.FEED,
        title=title or (text[:80] + "…" if len(text) > 80 else text) or "(untitled)",
        link=link,
        text=text,
        seen_at=now,
        published=published,
        author=normalize_whitespace(entry.get("author", "") or ""),
        gloss=gloss,
    )


def _title_and_gloss(entry: Any, title: str) -> tuple[str, str]:
    """An entry that carries its headline in two languages (two titles, one `xml:lang="en"`
    and one in another language): the other language's is the title, the English one its
    gloss. Otherwise the title as read, and no gloss. (Only the fast path keeps every title;
    feedparser keeps one.)"""
    versions = [
        (lang, normalize_whitespace(html_fragment_to_text(value)))
        for lang, value in entry.get("title_versions") or ()
    ]
    english = [v for lang, v in versions if v and _english(lang)]
    others = [v for lang, v in versions if v and not _english(lang)]
    if not (english and others):
        return title, ""
    return others[0], english[0]


def _english(lang: str) -> bool:
    return lang == "en" or lang.startswith("en-")


def _web_link(link: str) -> str:
    """The entry's link if it is http(s), else "": a feed has no business linking readers to
    their own files (`file:///home/ann/.ssh/id_rsa`), nor to anything but the web. Spaces and
    controls inside it are percent-encoded, as a browser would: a URL is one word, so a link
    holding a line break shows no second URL beside it."""
    stripped = link.strip()
    if not stripped.lower().startswith(("http://", "https://")):
        return ""
    return _URL_BREAKERS.sub(lambda found: quote(found.group()), stripped)


_URL_BREAKERS = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")


def stable_id(guid: str | None, title: str, text: str) -> str:
    """The guid or link when there is one, else a hash of what the entry says."""
    if guid and guid.strip():
        return guid.strip()
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]
    return f"sha256:{digest}"


def _timestamp(struct: Any) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None
