"""OPML 2.0 in and out: feed lists people bring from their readers, and the config's feeds back.

Import parses untrusted XML with defusedxml (no entities, no DTD tricks) and appends YAML text to
the config, so its comments stay as they are. What a reader keeps in OPML comes along: the
folders a feed sits in (outline nesting, or the `category` attribute of readers that write one)
and its site (`htmlUrl`). Outlines that cannot be a feed are skipped and each one is named.

Export writes what Feedly, Inoreader, NetNewsWire and Miniflux import: OPML 2.0, indented, a
`<head>` with a title and dateCreated, one `<outline type="rss" text= title= xmlUrl= htmlUrl=>`
per feed, nested in `<outline text= title=>` folders.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlparse
from xml.etree.ElementTree import Element, ElementTree, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from digest.errors import ConfigError
from digest.sources.settings import SourceSettings

MAX_OPML_BYTES = 5_000_000
MAX_NAME_CHARS = 200
MAX_FOLDER_DEPTH = 8  # deeper nesting is kept to its outer levels (no reader shows more)


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file: its name, feed URL, site, and folder path (`category`)."""

    name: str
    url: str
    site_url: str | None = None
    category: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """An outline that was not imported, and why."""

    name: str
    reason: str

    def line(self) -> str:
        return f"skipped {self.name!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Subscriptions:
    """What an OPML file holds: the feeds to import and the outlines left out."""

    feeds: tuple[Outline, ...]
    skipped: tuple[Skipped, ...]


def read_opml(data: bytes, *, where: str) -> Subscriptions:
    """The feeds of an OPML document (nested folders kept), and what was skipped and why."""
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_OPML_BYTES} bytes")
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise ConfigError(f"{where}: not a readable OPML file ({exc})") from None
    if root.tag != "opml":
        raise ConfigError(f"{where}: not an OPML file (root element <{root.tag}>)")
    feeds: list[Outline] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    body = root.find("body")
    # Iteratively, with each outline's folders: a hostile file may nest thousands deep.
    top: tuple[str, ...] = ()
    stack = [(node, top) for node in reversed(list(body if body is not None else []))]
    while stack:
        node, folder = stack.pop()
        if node.tag != "outline":
            continue
        name = _name(node)
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        children = [child for child in node if child.tag == "outline"]
        if not url:
            if children:  # a folder
                inner = (*folder, name) if name and len(folder) < MAX_FOLDER_DEPTH else folder
                stack.extend((child, inner) for child in reversed(children))
            elif (node.get("type") or "").lower() in ("rss", "atom", ""):
                skipped.append(Skipped(name or "(no title)", "no feed URL (xmlUrl)"))
            continue
        shown = name or url
        scheme = urlparse(url).scheme.lower() if _parses(url) else ""
        if scheme not in ("http", "https"):
            skipped.append(Skipped(shown, f"not an http(s) feed URL ({url[:60]!r})"))
            continue
        if url in seen:
            skipped.append(Skipped(shown, f"the same feed URL as {seen[url]!r} above"))
            continue
        seen[url] = shown
        feeds.append(Outline(shown, url, _site(node), folder or _category(node)))
    return Subscriptions(tuple(feeds), tuple(skipped))


def _name(node: Element) -> str:
    name = " ".join((node.get("title") or node.get("text") or "").split())
    return name[:MAX_NAME_CHARS]


def _parses(url: str) -> bool:
    try:
        urlparse(url)
    except ValueError:
        return False
    return True


def _site(node: Element) -> str | None:
    site = (node.get("htmlUrl") or node.get("htmlurl") or "").strip()
    return site if _parses(site) and urlparse(site).scheme in ("http", "https") else None


def _category(node: Element) -> tuple[str, ...]:
    """Folders from OPML 2.0's `category` ("/News/Korea,/Other"): the first path only."""
    first = (node.get("category") or "").split(",")[0]
    return tuple(part.strip() for part in first.split("/") if part.strip())[:MAX_FOLDER_DEPTH]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The YAML to append, the feeds it adds, every outline left out with its reason, and
    the feeds whose name was taken (new name, old name)."""

    yaml: str
    added: tuple[Outline, ...]
    skipped: tuple[Skipped, ...]
    renamed: tuple[tuple[str, str], ...] = ()


def plan_import(found: Subscriptions, existing: Sequence[SourceSettings]) -> ImportPlan:
    """YAML list items for the feeds not configured yet (by URL).

    Names must be unique in a config; a feed whose name is taken is named after the place it
    comes from ("NK News (nknews.org/pro)"), never numbered, and the report says so.
    """
    names = {s.name for s in existing}
    configured = {s.feed_url: s.name for s in existing if s.feed_url}
    lines: list[str] = []
    added: list[Outline] = []
    skipped = list(found.skipped)
    renamed: list[tuple[str, str]] = []
    for outline in found.feeds:
        if outline.url in configured:
            reason = f"already configured as {configured[outline.url]!r}"
            skipped.append(Skipped(outline.name, reason))
            continue
        name = outline.name
        if name in names:
            name = _distinct(outline, names)
            renamed.append((name, outline.name))
        names.add(name)
        configured[outline.url] = name
        added.append(Outline(name, outline.url, outline.site_url, outline.category))
        lines.append(_yaml_entry(added[-1]))
    return ImportPlan("".join(lines), tuple(added), tuple(skipped), tuple(renamed))


def _distinct(outline: Outline, taken: set[str]) -> str:
    """The name with where the feed comes from: its folder, else its host and path."""
    parsed = urlparse(outline.url)
    where = parsed.netloc.removeprefix("www.") + parsed.path.rstrip("/")
    for place in (" / ".join(outline.category), where, outline.url):
        candidate = f"{outline.name} ({place})"
        if place and candidate not in taken:
            return candidate
    return f"{outline.name} ({outline.url} {len(taken)})"  # only a hostile file gets this far


def _yaml_entry(outline: Outline) -> str:
    # JSON strings are valid YAML scalars and quote everything that needs it.
    def scalar(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    entry = f"  - name: {scalar(outline.name)}\n    url: {scalar(outline.url)}\n"
    if outline.site_url:
        entry += f"    site_url: {scalar(outline.site_url)}\n"
    if outline.category:
        entry += f"    category: {scalar(list(outline.category))}\n"
    return entry


def write_opml(sources: Iterable[SourceSettings], *, title: str, now: datetime) -> str:
    """An indented OPML 2.0 document of every feed source (search sources by their feed URL),
    in their folders, in config order."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = format_datetime(now)
    SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = SubElement(root, "body")
    folders: dict[tuple[str, ...], Element] = {(): body}
    for source in sources:
        url = source.feed_url
        if url is None or not url.startswith(("http://", "https://")):
            continue
        parent = _folder(folders, source.category)
        attributes = {"type": "rss", "text": source.name, "title": source.name, "xmlUrl": url}
        if source.site_url:
            attributes["htmlUrl"] = source.site_url
        SubElement(parent, "outline", attributes)
    indent(ElementTree(root), space="  ")
    xml = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'


def _folder(folders: dict[tuple[str, ...], Element], path: tuple[str, ...]) -> Element:
    """The outline element of a folder, made (with its parents) on first use."""
    if path not in folders:
        parent = _folder(folders, path[:-1])
        folders[path] = SubElement(parent, "outline", text=path[-1], title=path[-1])
    return folders[path]
