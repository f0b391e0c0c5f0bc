"""Links in mail: a mailbox is not the archive, so a relative or file:// link in it is dead.

The archived pages link inside the archive relatively (or, with `archive_url`, absolutely to
where it is published). In a message, each link that is not http(s), mailto or an in-message
anchor is made absolute to `archive_url` when the archive is published; otherwise the link is
taken out and its text kept, and a saved article's link says where the file is on the digest
host instead. `<link>` elements that lead nowhere from a mailbox are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import lxml.html

_KEPT = ("http://", "https://", "mailto:", "#")
_TOKEN = re.compile(r"(?<!\S)[^\s]+")


def _local(href: str, here: Path, archive: Path) -> Path | None:
    """The file a file:// link names, or a relative link names inside the archive."""
    try:
        parsed = urlparse(href)
    except ValueError:
        return None
    relative = not (parsed.scheme or parsed.netloc or parsed.path.startswith("/"))
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path))
    elif not relative or not parsed.path:
        return None
    else:
        path = here.parent / unquote(parsed.path)
    try:
        path = path.resolve()
        inside = archive.resolve() in path.parents
        return path if path.is_file() and (inside or not relative) else None
    except (OSError, RuntimeError):
        return None


def _published(href: str, base: str, page_url: str, here: Path, archive: Path) -> str | None:
    """The published address of a relative link to a file inside the archive."""
    if not base or href.startswith("file:"):
        return None
    return urljoin(page_url, href) if _local(href, here, archive) is not None else None


def mail_html_links(html: str, *, page: Path, archive: Path, base: str, page_url: str) -> str:
    """The edition page's HTML with every link a mail reader can follow, or no link."""
    document = lxml.html.document_fromstring(html)
    for element in document.iter("link"):
        href = (element.get("href") or "").strip()
        if not href.startswith(_KEPT[:2]):
            published = _published(href, base, page_url, page, archive)
            if published:
                element.set("href", published)
            else:
                element.drop_tree()
    for anchor in list(document.iter("a")):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(_KEPT):
            continue
        published = _published(href, base, page_url, page, archive)
        if published:
            anchor.set("href", published)
            continue
        saved = _local(href, page, archive)
        if saved is not None:
            note = lxml.html.Element("span", {"class": "saved"})
            note.text = f" (saved article on the digest host: {saved})"
            note.tail, anchor.tail = anchor.tail, None
            anchor.addnext(note)
        anchor.drop_tag()
    doctype = "<!doctype html>" if html.lstrip()[:9].lower() == "<!doctype" else None
    result: str = lxml.html.tostring(document, encoding="unicode", doctype=doctype)
    return result


def mail_text_links(text: str, *, text_file: Path, archive: Path, base: str, text_url: str) -> str:
    """The text edition with each local link made absolute, or replaced by where the file is."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith(_KEPT) or ("/" not in token and not token.startswith("file:")):
            return token
        published = _published(token, base, text_url, text_file, archive)
        if published:
            return published
        saved = _local(token, text_file, archive)
        return f"(saved article on the digest host: {saved})" if saved is not None else token

    return _TOKEN.sub(replace, text)
