"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org): read into the same entries as RSS and Atom.

feedparser 6 reads XML only. A JSON Feed is small and strictly specified, so the standard json
module reads it; every value is untrusted and checked for its type, so a number where a title
belongs, or a list where a date belongs, is ignored rather than fatal. The entries are the
mappings `digest.sources.feeds` builds items from (feedparser's field names), so the limits, the
HTML flattening and the teaser rule are the ones every feed gets.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urljoin, urlparse

from feedparser.datetimes import _parse_date

from digest.errors import SourceError

VERSION_PREFIX = "jsonfeed.org/version/"


def looks_like_json(data: bytes, content_type: str) -> bool:
    """A JSON document by its first character, or by its media type unless it starts like XML
    (servers label feeds loosely both ways)."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    media = content_type.split(";", 1)[0].strip().lower()
    return start == b"{" or (media.endswith(("/json", "+json")) and start != b"<")


def json_feed_entries(data: bytes) -> list[dict[str, Any]]:
    """The items of a JSON Feed as feedparser-style entries; SourceError when it is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not a readable JSON Feed (not UTF-8)") from None
    try:
        document = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, and numbers too long to convert
        raise SourceError(f"not a readable JSON Feed ({str(exc).splitlines()[0]})") from None
    except RecursionError:
        raise SourceError("not a usable JSON Feed (nested too deeply)") from None
    if not isinstance(document, dict):
        raise SourceError("not a JSON Feed (the document is not an object)")
    version = document.get("version")
    if not isinstance(version, str) or VERSION_PREFIX not in version:
        raise SourceError("JSON but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceError("not a usable JSON Feed ('items' is not a list)")
    base = _text(document.get("feed_url")) or _text(document.get("home_page_url"))
    feed_authors = _authors(document)
    return [_entry(item, base, feed_authors) for item in items if isinstance(item, dict)]


def _entry(item: dict[str, Any], base: str, feed_authors: str) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    link = _link(_text(item.get("url")) or _text(item.get("external_url")), base)
    identity = item.get("id")
    # 1.0 feeds in the wild give numeric ids; the spec says to take them as strings.
    if isinstance(identity, (int, float)) and not isinstance(identity, bool):
        identity = str(identity)
    entry["id"] = identity.strip() if isinstance(identity, str) else ""
    entry["link"] = link
    entry["title"] = _plain(item.get("title"))
    content_html = _text(item.get("content_html"))
    content_text = _text(item.get("content_text"))
    body = content_html or html.escape(content_text, quote=False)
    if body:
        entry["content"] = [{"value": body}]
    summary = _plain(item.get("summary"))
    if summary:
        entry["summary"] = summary
    for field, key in (("date_published", "published_parsed"), ("date_modified", "updated_parsed")):
        moment = _text(item.get(field))
        if moment:
            entry[key] = _parse_date(moment)
    entry["author"] = _authors(item) or feed_authors
    return entry


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _plain(value: Any) -> str:
    """A plain-text field as the HTML the entry builder flattens: `<` stays text; entities that
    publishers write anyway (`&amp;` in titles) are read as the characters they stand for."""
    return html.escape(html.unescape(_text(value)), quote=False)


def _link(url: str, base: str) -> str:
    """The item's URL, made absolute against the feed's own URL when it is relative."""
    if not url:
        return ""
    try:
        if urlparse(url).scheme:
            return url
        return urljoin(base, url) if base else url
    except ValueError:
        return ""


def _authors(holder: dict[str, Any]) -> str:
    """Names from 1.1's `authors` list or 1.0's `author` object."""
    found = holder.get("authors")
    candidates = found if isinstance(found, list) else [holder.get("author")]
    names = [_text(a.get("name")) for a in candidates if isinstance(a, dict)]
    return ", ".join(n for n in names if n)
