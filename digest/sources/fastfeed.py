"""A fast path for well-formed RSS 2.0 and Atom 1.0: lxml instead of feedparser, same entries.

feedparser spends about 25 ms on a 150 KB feed (47 ms on a loaded machine), which caps a cold poll
of hundreds of feeds on two cores. lxml reads the same document in a fraction of that. This
module reads only what digest keeps of an entry (id, title, link, body, dates, author) and
answers None (so the caller uses feedparser) for anything it does not reproduce exactly:

- not RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 (RSS 0.9x, Atom 0.3, JSON Feed, HTML);
- malformed XML, a DOCTYPE (entities), a BOM, an HTTP charset that disagrees with the document,
  or bytes that are not valid in the declared encoding (a document declared in another encoding
  and served as application/xml is decoded first, as feedparser decodes it);
- an entry element this module does not know and feedparser would read into one of those fields
  (media:title, a nested title, `<source>`, base64 content, XHTML outside Atom, ...).

It does reproduce Atom's XHTML text constructs (content, summary, title of type "xhtml": the
markup serialised as feedparser serialises it, its wrapping div removed by the same rule),
itunes:summary (a summary; a second summary becomes content, as feedparser makes it) and an
item's `<image>` (text only, or url/title/link/width/height; feedparser keeps none of it in the
entry's fields while the item has its own title), a contributor, podcast chapters.

Where it answers, the values are built the way feedparser builds them (whitespace stripped, the
same UTF-8/Latin-1 repair and cp1252 mapping, guid as link, xml:base resolution, the same date
parser), so `tests/test_fastfeed.py` finds the same Items on every real feed in
../shared/eval/feeds/real.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import xml.sax.saxutils
from dataclasses import dataclass, field
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_DECLARATION, RE_XML_PI_ENCODING
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin as XMLParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10 = "http://purl.org/rss/1.0/"
RDF_ABOUT = f"{{{RDF}}}about"
# RSS 2.0's root, bare or in UserLand's namespace (feedparser reads that as no namespace): the
# namespace its channel and items are in.
_RSS_SPACES = {
    "rss": "",
    "{http://backend.userland.com/rss2}rss": "{http://backend.userland.com/rss2}",
    "{http://backend.userland.com/rss}rss": "{http://backend.userland.com/rss}",
}
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 20_000_000  # larger documents go to feedparser (and are capped before that anyway)

_PREFIXES: dict[str, str] = {k.lower(): v for k, v in XMLParserMixin.namespaces.items()}
_PREFIXES["http://backend.userland.com/rss"] = ""
_HANDLERS = frozenset(
    name[len(kind) :]
    for name in dir(XMLParserMixin)
    for kind in ("_start_", "_end_")
    if name.startswith(kind)
)
# Entry children that feed a field digest keeps, by feedparser's name for them.
_TITLE = {"title", "dc_title"}
_LINK = {"link"}
_ID = {"guid", "id"}
_SUMMARY = {"description", "summary", "itunes_summary"}
_CONTENT = {"content", "content_encoded"}
_PUBLISHED = {"pubdate", "published", "issued", "dcterms_issued"}
_UPDATED = {"updated", "modified", "dc_date", "dcterms_modified"}
_AUTHOR = {"author", "dc_creator", "dc_author", "itunes_author"}
_KNOWN = _TITLE | _LINK | _ID | _SUMMARY | _CONTENT | _PUBLISHED | _UPDATED | _AUTHOR
# feedparser has handlers for these, and none of them touches the fields above.
_HARMLESS = {
    "category",
    "comments",
    "enclosure",
    "dc_subject",
    "dc_language",
    "dc_rights",
    "dc_publisher",
    "rights",
    "media_thumbnail",
    "media_content",
    "media_keywords",
    "media_rating",
    "media_credit",
    "media_player",
    "media_restriction",
    "media_license",
    "media_category",
    "itunes_duration",
    "itunes_explicit",
    "itunes_image",
    "itunes_keywords",
    "itunes_block",
    "itunes_subtitle",
    "itunes_category",
    "language",
    "expirationdate",
    "created",
    "dcterms_created",
    "dcterms_valid",
    "georss_point",
    "license",
    "cc_license",
    "creativecommons_license",
    "psc_chapters",
}
# Read into fields of their own when not inside an author or contributor.
_OUTSIDE_AUTHOR = {"name", "email", "url", "uri", "homepage"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_XHTML = "application/xhtml+xml"
_IMAGE_PARTS = {"url", "title", "link", "width", "height"}  # what an item's <image> may hold
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_AMP = re.compile("&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")  # what feedparser's cp1252 table maps; translate() is slow
_XML_TYPES = ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity")
# feedparser undoes double UTF-8 only in documents it read as UTF-8.
_REPAIR: contextvars.ContextVar[bool] = contextvars.ContextVar("repair", default=True)


class _Unusual(Exception):
    """The document needs feedparser."""


@dataclass
class Entry:
    """What digest reads of a feedparser entry, under feedparser's keys."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def parse_fast(data: bytes, headers: dict[str, str]) -> list[Entry] | None:
    """The entries of a plain RSS 2.0 / Atom 1.0 document, or None: use feedparser."""
    if len(data) > MAX_BYTES:
        return None
    repair = _plain_utf8(data, headers)
    if not repair:
        decoded = _declared(data, headers)
        if decoded is None:
            return None
        data = decoded
    token = _REPAIR.set(repair)
    try:
        return _parse(data)
    finally:
        _REPAIR.reset(token)


def _parse(data: bytes) -> list[Entry] | None:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root.getroottree().docinfo.doctype:
        return None
    try:
        space = _RSS_SPACES.get(root.tag)
        if space is not None and root.get("version", "").strip() == "2.0":
            channel = root.find(f"{space}channel")
            if channel is None:
                return None
            base = _base("", root, channel)
            items = channel.iterchildren(f"{space}item")
            return [_entry(item, _base(base, item)) for item in items]
        if root.tag == f"{{{RDF}}}RDF":
            return _rdf(root)
        if root.tag == f"{{{ATOM}}}feed":
            base = _base("", root)
            return [
                _entry(entry, _base(base, entry)) for entry in root.iterchildren(f"{{{ATOM}}}entry")
            ]
    except _Unusual:
        return None
    return None


def _rdf(root: Any) -> list[Entry] | None:
    """RSS 1.0: items beside the channel, each one's id its rdf:about unless it names one."""
    items = list(root.iterchildren(f"{{{RSS10}}}item"))
    if not items or sum(1 for _ in root.iter(f"{{{RSS10}}}item")) != len(items):
        return None  # RSS 0.90, no items, or items elsewhere (feedparser reads those too)
    base = _base("", root)
    entries = []
    for item in items:
        if set(item.attrib) - {RDF_ABOUT}:
            return None  # feedparser reads CDF attributes (href, lastmod) into the entry
        entry = _entry(item, _base(base, item))
        about = item.get(RDF_ABOUT)
        if about:
            entry.values.setdefault("id", about)
        entries.append(entry)
    return entries


def _declared(data: bytes, headers: dict[str, str]) -> bytes | None:
    """A document in another declared encoding, served as application/xml, as UTF-8 bytes.

    feedparser then decodes with the declared encoding (RFC 3023), replaces the declaration and
    parses the UTF-8; this does the same, or answers None where feedparser would go on guessing
    (a BOM, an HTTP charset, bytes invalid in that encoding, a DOCTYPE).
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\x4c\x6f")):
        return None
    if b"<!DOCTYPE" in data[:1024].upper():
        return None
    kind = ""
    for key, value in headers.items():
        if key.lower() == "content-type":
            kind = value.lower()
    media, _, params = kind.partition(";")
    media = media.strip()
    if "charset" in params or not (
        media in _XML_TYPES or (media.startswith("application/") and media.endswith("+xml"))
    ):
        return None
    match = RE_XML_PI_ENCODING.match(data)
    if match is None:
        return None
    encoding = match.group(1).decode("utf-8", "replace").lower()
    if encoding == "gb2312":
        encoding = "gb18030"  # as feedparser does
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if not RE_XML_DECLARATION.search(text):
        return None
    text = str(RE_XML_DECLARATION.sub("<?xml version='1.0' encoding='utf-8'?>", text))
    return text.encode("utf-8")


def _plain_utf8(data: bytes, headers: dict[str, str]) -> bool:
    """UTF-8 by every account, no DOCTYPE: the cases where feedparser decodes as lxml does."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if b"<!DOCTYPE" in head.upper():
        return False
    match = _ENCODING.match(head)
    declared = match.group(1).decode().lower() if match else "utf-8"
    if declared not in ("utf-8", "utf8") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    kind = ""
    for key, value in headers.items():
        if key.lower() == "content-type":
            kind = value.lower()
    media, _, params = kind.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip() == "charset":
            charset = value.strip().strip("\"'")
    if charset:
        return charset in ("utf-8", "utf8")
    # RFC 3023: text/* without a charset is US-ASCII, and feedparser follows it.
    return not media.strip().startswith("text/")


def _base(base: str, *elements: Any) -> str:
    """feedparser's base URI after entering `elements` (xml:base or a `base` attribute)."""
    for element in elements:
        base = _enter(base, element.get(XML_BASE) or element.get("base") or base)
    return base


@functools.lru_cache(maxsize=256)
def _enter(base: str, given: str) -> str:
    """One step of `_base` (pure; cached: most elements repeat their parent's base)."""
    return (make_safe_absolute_uri(base, given) or base) if base else str(_urljoin(base, given))


def _name(element: Any) -> str:
    """feedparser's name for an element: its standard prefix, an underscore, the local name."""
    tag = element.tag
    if tag.__class__ is not str:
        return ""
    name = _NAMES.get(tag)
    if name is None:
        name, by_tag = _name_of(tag, element)
        if by_tag:  # the same for every element of this tag: remembered (within bounds)
            if len(_NAMES) > 4096:
                _NAMES.clear()
            _NAMES[tag] = name
    return name


_NAMES: dict[str, str] = {}


def _name_of(tag: str, element: Any) -> tuple[str, bool]:
    """The name, and whether it follows from the tag alone (not from the document's prefix)."""
    by_tag = True
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        lowered = uri.lower()
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        prefix = _PREFIXES.get(lowered)
        if prefix is None:
            prefix, by_tag = element.prefix or "", False
    else:
        local, prefix = tag, ""
    local = local.lower()
    return (f"{prefix}_{local}" if prefix else local), by_tag


def _text(element: Any) -> str:
    """The element's text as feedparser's `pop` gives it; child elements are unusual."""
    if len(element):
        raise _Unusual
    return _repaired((element.text or "").strip())


def _repaired(value: str) -> str:
    """feedparser's last steps on a value: the double-UTF-8 repair and the cp1252 mapping."""
    if value.isascii():  # both leave ASCII as it is (most values): no copies, no search
        return value
    if _REPAIR.get():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode(
                "utf-8"
            )  # feedparser's repair of double UTF-8
    return value.translate(_cp1252) if _C1.search(value) else value


def _entry(item: Any, base: str) -> Entry:
    values: dict[str, Any] = {}
    link_from_element = False
    guid_link = ""
    has_content = False  # feedparser's hasContent: a second summary is content until then
    summary_depth = 0  # how deep the kept summary was: feedparser keeps the shallowest, or last
    own_title = image_title = False
    # feedparser keeps the first non-empty title at the item's depth (its title_depth) until an
    # image, a source or a deeper title makes it forget; deeper titles never beat the item's own.
    kept_title = False
    titles: list[tuple[str, str]] = []  # each title with its xml:lang: versions in two languages
    atom = item.tag == f"{{{ATOM}}}entry"
    item_depth = sum(1 for _ in item.iterancestors())

    def summary(element: Any, depth: int) -> None:
        """feedparser's _start_summary/_start_description and pop() for a summary at `depth`."""
        nonlocal has_content, summary_depth
        value = _value(element, atom)
        if "summary" in values and not has_content:
            values.setdefault("content", []).append({"value": value})
            has_content = True
        elif "summary" not in values or depth <= summary_depth:
            values["summary"] = value
            summary_depth = depth

    for child in item.iterchildren():
        name = _name(child)
        if not name:
            continue  # a comment or processing instruction
        if name in _TITLE:
            value = _value(child, atom)
            if not kept_title:
                values["title"] = value
                kept_title = bool(value)
            own_title = True
            titles.append((_language(child), value))
        elif name == "source" and not atom:
            if len(child):
                raise _Unusual  # an Atom-style source holds a feed's own fields
            kept_title = False  # kept apart from the entry's fields
        elif name in _LINK:
            if child.get("href") is None:
                if atom:
                    raise _Unusual  # an Atom link without href
                value = _AMP.sub(r"&\g<1>", _text(child).replace("&amp;", "&"))
                values["link"] = _urljoin(_base(base, child), value) if value else value
                link_from_element = True
            else:
                rel = child.get("rel", "alternate").lower()
                kind = child.get("type", "application/atom+xml" if rel == "self" else "text/html")
                if rel == "alternate" and _content_type(kind) in _HTML_TYPES:
                    values["link"] = _urljoin(_base(base, child), child.get("href"))
                    link_from_element = True
        elif name in _ID:
            permalink = child.get("isPermaLink", child.get("ispermalink", "true"))
            value = _text(child)
            if permalink == "true" and value:
                value = _urljoin(_base(base, child), value)
            values["id"] = value
            if permalink == "true" and "link" not in values:
                guid_link = guid_link or value
        elif name in _SUMMARY or name == "media_description":
            summary(child, 1)
        elif name in _CONTENT:
            values.setdefault("content", []).append({"value": _value(child, atom)})
            has_content = True
        elif name in _PUBLISHED:
            values["published_parsed"] = _parse_date(_text(child))
        elif name in _UPDATED:
            values["updated_parsed"] = _parse_date(_text(child))
        elif name in _AUTHOR:
            values["author"], inner_title = _author(child)
            if inner_title is not None:  # a job title: deeper, so the item's own one wins
                image_title = True
                kept_title = kept_title and not inner_title
        elif name == "image" and not atom:
            image_title = _image(child) or image_title
            kept_title = False
        elif name == "contributor":
            _contributor(child)
        elif name in _HARMLESS or name not in _HANDLERS:
            for inner in child.iterdescendants():
                inner_name = _name(inner)
                if inner_name == "psc_chapter" and inner.get("start") is not None:
                    continue  # a podcast chapter: kept apart (without a start, feedparser fails)
                if inner_name == "media_description" and name == "media_content":
                    summary(inner, sum(1 for _ in inner.iterancestors()) - item_depth)
                    continue
                if inner_name == "media_title" and name == "media_content" and not len(inner):
                    image_title = True  # deeper than the item's own title, which wins
                    continue
                if len(inner) == 0 and not inner.attrib:  # <og><title>, <og><image>, ...
                    if inner_name in _TITLE or inner_name == "image":
                        image_title = image_title or inner_name != "image"
                        kept_title = kept_title and not (inner_name == "image" or inner.text)
                        continue
                    if inner_name in _SUMMARY:
                        summary(inner, sum(1 for _ in inner.iterancestors()) - item_depth)
                        continue
                    if inner_name in _OUTSIDE_AUTHOR:
                        continue  # outside an author or contributor: a field digest never reads
                if inner_name in _HANDLERS and inner_name not in _HARMLESS:
                    raise _Unusual  # feedparser may read it into the entry
        else:
            raise _Unusual
    if image_title and not own_title:
        raise _Unusual  # an image's or a media item's title would become the entry's
    if not link_from_element and guid_link and "link" not in values:
        values["link"] = guid_link
    if len(titles) > 1:  # feedparser keeps one; a headline and its translation are both kept
        values["title_versions"] = titles
    return Entry(values)


def _language(element: Any) -> str:
    """The element's xml:lang, as it says or inherits it ("" when nothing says)."""
    for node in (element, *element.iterancestors()):
        lang = node.get(XML_LANG)
        if lang is not None:
            return str(lang).strip().lower()
    return ""


def _image(element: Any) -> bool:
    """Check an item's <image> holds nothing feedparser reads into the entry; True if titled.

    feedparser reads an image's title as the entry's only when the item has none of its own (it
    keeps the shallower one), ignores a link inside an image, and keeps the rest in `image`.
    """
    if element.attrib:
        raise _Unusual
    titled = False
    for part in element.iterchildren():
        name = _name(part)
        if not name:
            continue
        if name not in _IMAGE_PARTS or len(part) or part.attrib:
            raise _Unusual
        titled = titled or name == "title"
    return titled


def _contributor(element: Any) -> None:
    """A contributor feedparser keeps in `contributors`: name, email, uri, nothing nested."""
    for part in element.iterchildren():
        name = _name(part)
        if name and (name not in ("name", "email", "uri", "url", "homepage") or len(part)):
            raise _Unusual


def _value(element: Any, atom: bool) -> str:
    """A text construct's value: text or escaped markup, or (Atom) XHTML serialised."""
    if element.get("mode") is not None:
        raise _Unusual
    kind = element.get("type")
    mapped = _content_type(kind) if kind is not None else "text/plain"
    if atom and mapped == _XHTML:
        return _xhtml(element)
    if mapped not in ("text/plain", "text/html"):
        raise _Unusual
    return _text(element)


def _xhtml(element: Any) -> str:
    """Inline XHTML as feedparser gives it: tags by local name, text escaped, one div unwrapped.

    Attributes are kept as feedparser keeps them but for the xmlns it adds to svg and math: they
    never reach the text, which is all digest keeps.
    """
    escape = xml.sax.saxutils.escape
    pieces: list[str] = []
    if element.text:
        pieces.append(escape(element.text))

    def serialise(parent: Any, in_svg: bool) -> None:
        for node in parent.iterchildren():
            tag = node.tag
            if not isinstance(tag, str):  # a comment or processing instruction
                if node.tail:
                    pieces.append(escape(node.tail))
                continue
            local = tag.rpartition("}")[2].lower()
            if not in_svg and _name(node) in _HANDLERS:
                raise _Unusual  # feedparser runs its end handler (outside SVG), e.g. </title>
            attrs = "".join(
                ' {}="{}"'.format(
                    str(key).rpartition("}")[2].lower(), escape(value, {'"': "&quot;"})
                )
                for key, value in node.attrib.items()
            )
            pieces.append(f"<{local}{attrs}>")
            if node.text:
                pieces.append(escape(node.text))
            serialise(node, in_svg or local == "svg")
            pieces.append(f"</{local}>")
            if node.tail:
                pieces.append(escape(node.tail))

    serialise(element, False)
    # feedparser's pop(): drop blank pieces at the ends, then an enclosing div wrapping it all.
    while len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    if (
        pieces
        and (pieces[0] == "<div>" or pieces[0].startswith("<div "))
        and pieces[-1] == "</div>"
    ):
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        else:
            pieces = pieces[1:-1]
    return _repaired("".join(pieces).strip())


def _content_type(kind: str) -> str:
    return str(XMLParserMixin.map_content_type(kind))


def _author(element: Any) -> tuple[str, str | None]:
    """An RSS author's text, or an Atom author's "name (email)", as feedparser joins them; and
    the text of a title inside it (None when there is none), which feedparser reads as a title."""
    if not len(element):
        return _text(element), None
    if (element.text or "").strip():
        raise _Unusual
    detail: dict[str, str] = {}
    title = None
    for part in element.iterchildren():
        name = _name(part)
        if name in ("name", "email"):
            if len(part):
                raise _Unusual
            detail[name] = (part.text or "").strip()
        elif name in _TITLE and not len(part) and not part.attrib:
            title = (part.text or "").strip()
        elif name in _HANDLERS and name not in ("uri", "url", "homepage"):
            raise _Unusual
    who, email = detail.get("name", ""), detail.get("email", "")
    if who and email:
        return f"{who} ({email})", title
    return who or email, title
