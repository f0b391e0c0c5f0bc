"""OPML 2.0 in and out: feed lists people bring, and the config's feeds for other readers.

Import parses untrusted XML with defusedxml (no entities, no DTD tricks) and appends YAML text to
the config, so its comments stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from digest.errors import ConfigError
from digest.sources.settings import SourceSettings

MAX_OPML_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file."""

    name: str
    url: str


def read_opml(data: bytes, *, where: str) -> list[Outline]:
    """The feeds (outlines with an xmlUrl) of an OPML document, nested folders included."""
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_OPML_BYTES} bytes")
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise ConfigError(f"{where}: not a readable OPML file ({exc})") from None
    if root.tag != "opml":
        raise ConfigError(f"{where}: not an OPML file (root element <{root.tag}>)")
    found = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if url.startswith(("http://", "https://")):
            name = (node.get("title") or node.get("text") or url).strip()
            found.append(Outline(" ".join(name.split()), url))
    return found


def yaml_entries(outlines: Iterable[Outline], existing: Sequence[SourceSettings]) -> str:
    """YAML list items for the feeds not configured yet (by URL); names made unique."""
    names = {s.name for s in existing}
    urls = {s.url for s in existing}
    lines = []
    for outline in outlines:
        if outline.url in urls:
            continue
        name, number = outline.name, 2
        while name in names:
            name, number = f"{outline.name} ({number})", number + 1
        names.add(name)
        urls.add(outline.url)
        # JSON strings are valid YAML scalars and quote everything that needs it.
        lines.append(f"  - name: {json.dumps(name, ensure_ascii=False)}\n")
        lines.append(f"    url: {json.dumps(outline.url, ensure_ascii=False)}\n")
    return "".join(lines)


def write_opml(sources: Iterable[SourceSettings], *, title: str) -> str:
    """An OPML 2.0 document listing every feed source (search sources by their feed URL)."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    for source in sources:
        url = source.feed_url
        if url is None or not url.startswith(("http://", "https://")):
            continue
        SubElement(body, "outline", type="rss", text=source.name, title=source.name, xmlUrl=url)
    xml = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'
