"""Turning untrusted bytes and markup into clean article text.

Saved pages arrive in any encoding, with site furniture (menus, cookie notices, subscribe boxes,
comment counters) around the article, and sometimes several articles in one file. Everything here
is pure: bytes or text in, text out, never an exception for odd input.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import charset_normalizer
from lxml import etree

# --- decoding ---------------------------------------------------------------------------------


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode with the BOM, the declared charset, UTF-8, or the detected charset, in that order.

    Never raises: undecodable bytes become U+FFFD rather than stopping a run.
    """
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace").lstrip("\ufeff")
    for codec in (declared or "", "utf-8"):
        if codec:
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


# --- HTML -------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "dt",
        "dd",
        "hr",
    )
)
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "form")


def html_fragment_to_text(markup: str) -> str:
    """Text of a feed's HTML fragment, one paragraph per block element; scripts dropped."""
    if "<" not in markup and "&" not in markup:
        return normalize_whitespace(markup)
    try:
        root = _fragment_body(markup)
    except (etree.ParserError, ValueError):
        return normalize_whitespace(re.sub(r"<[^>]*>", " ", markup))
    # A paragraph break before each block's text, then libxml2 joins the text in document order
    # in one call: a fraction of the time of reading every node's .text and .tail in Python.
    # Leading blank text of the body (lxml.html's fragments drop it) goes with the strip below.
    try:
        for bad in root.iter(*_DROP_TAGS):
            _drop_tree(bad)
        for block in root.iter(*_BLOCK_TAGS):
            block.text = "\n\n" + (block.text or "")
    except ValueError:  # text with a control character lxml parsed but will not set: in Python
        return normalize_whitespace(_text_in_order(_fragment_body(markup)))
    return normalize_whitespace(etree.tostring(root, method="text", encoding=str, with_tail=False))


def _text_in_order(root: etree._Element) -> str:
    """The text under `root` in document order, a paragraph break before each block, without
    what never shows (scripts, styles, forms, ...) but for the text that follows those."""
    parts: list[str] = [root.text or ""]
    add = parts.append

    def walk(parent: etree._Element) -> None:
        for node in parent:
            tag = node.tag
            if tag.__class__ is str and tag not in _DROP_TAGS:  # not a comment, nor dropped
                if tag in _BLOCK_TAGS:
                    add("\n\n")
                if node.text:
                    add(node.text)
                walk(node)
            if node.tail:
                add(node.tail)

    walk(root)
    return "".join(parts)


# lxml.html's parser without its element classes: those are looked up in Python for every
# element parsed, a third of a feed's flattening time; the tree is the same.
_HTML_PARSER = etree.HTMLParser(collect_ids=False)  # no id table: ids are never read
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)


def _fragment_body(markup: str) -> etree._Element:
    """The <body> that `lxml.html.fragment_fromstring` would take the fragment's elements from."""
    if not _FULL_DOCUMENT.match(markup):
        markup = f"<html><body>{markup}</body></html>"
    document = etree.fromstring(markup, _HTML_PARSER)
    if document is None:
        raise etree.ParserError("Document is empty")
    for child in document:
        if child.tag == "body":
            return child
    raise etree.ParserError("no body")


def _drop_tree(element: etree._Element) -> None:
    """lxml.html's drop_tree: the element and its children go, its tail text stays."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def html_page_to_text(markup: str, url: str | None = None) -> tuple[str, str, str | None]:
    """(title, main text, date) of a full page, extracted with trafilatura.

    Falls back to the whole page's text when trafilatura finds no main content.
    """
    import trafilatura

    title = ""
    date: str | None = None
    text = ""
    try:
        document = trafilatura.bare_extraction(
            markup, url=url, include_comments=False, include_tables=False, with_metadata=True
        )
    except Exception:  # trafilatura raises many types on broken markup; fall back below
        document = None
    if document is not None:
        title = getattr(document, "title", None) or ""
        date = getattr(document, "date", None)
        text = getattr(document, "text", None) or ""
    if not text.strip():
        text = html_fragment_to_text(markup)
    title, text = normalize_whitespace(title), normalize_whitespace(text)
    first, _, rest = text.partition("\n")
    if title and first.strip() and (first.strip() == title or title.startswith(first.strip())):
        title, text = first.strip(), rest.strip()
    return title, text, date


# --- whitespace and encoding damage -----------------------------------------------------------


def normalize_whitespace(text: str) -> str:
    """NFC, no control characters, single spaces, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    # Every whitespace character but the space is unprintable: when the text passes, the only
    # ones in it are spaces, tabs and newlines, and lines can be stripped without splitting.
    if text.isascii():
        narrow = not _ASCII_CONTROLS.search(text)
    else:
        narrow = text.replace("\n", "").replace("\t", "").isprintable()
    if not narrow:  # the slow check only if needed
        # Category C (controls, format characters, ...) by distinct character, not one by one.
        unwanted = [c for c in set(text) if c not in "\n\t" and unicodedata.category(c)[0] == "C"]
        if unwanted:
            text = re.sub("[" + "".join(map(re.escape, unwanted)) + "]", "", text)
        narrow = not _WIDE_SPACES.search(text)
    # Runs of spaces and tabs to one space. The patterns start with a literal string, which
    # the regex engine looks for many times faster than it tries a pattern at every space.
    if "\t" in text:
        text = text.replace("\t", " ")
    text = _SPACE_RUNS.sub(" ", text)
    if "\n" not in text:  # a title, a name: one line
        return text.strip()
    if narrow:  # runs are single spaces now: a line has at most one at either end
        text = text.replace(" \n", "\n").replace("\n ", "\n")
    else:
        text = "\n".join([line.strip() for line in text.split("\n")])
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_SPACE_RUNS = re.compile("  +")
_BLANK_LINES = re.compile("\n\n\n+")
_ASCII_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # what isprintable refuses, but \t \n
# The whitespace left once controls are gone, but for space, tab and newline (NBSP is a space).
_WIDE_SPACES = re.compile("[\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


# Shift_JIS punctuation (’ “ ” —) saved with its lead byte lost leaves "Japanfs", "gquoteh".
_SJIS_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(]))g(?=[A-Z(\[0-9])", re.MULTILINE)
_SJIS_CLOSE = re.compile(r"(?<=[.,!?)])h(?=\s|$)", re.MULTILINE)
_SJIS_POSSESSIVE = re.compile(r"\b([A-Za-z]+)f(s|ll|re|ve|d|m)\b")
_SJIS_NEGATION = re.compile(r"\b([A-Za-z]+n)ft\b")


def repair_lost_lead_bytes(text: str) -> str:
    """Undo a common mojibake where Shift_JIS quotes lost their lead byte, when clearly present.

    Only acts when the text shows several such quote pairs, and only rewrites "Xfs" where X is a
    proper noun or a word the text uses on its own, so real words like "chiefs" stay.
    """
    opens = len(_SJIS_OPEN.findall(text))
    closes = len(_SJIS_CLOSE.findall(text))
    if min(opens, closes) < 3:
        return text
    words = set(re.findall(r"\b[A-Za-z]+\b", text))

    def possessive(match: re.Match[str]) -> str:
        stem, ending = match.groups()
        if stem[0].isupper() or stem in words:
            return f"{stem}’{ending}"
        return match.group(0)

    text = _SJIS_OPEN.sub("“", text)
    text = _SJIS_CLOSE.sub("”", text)
    text = _SJIS_NEGATION.sub(lambda m: f"{m.group(1)}’t", text)
    text = _SJIS_POSSESSIVE.sub(possessive, text)
    return re.sub(r"(?<=[a-z])\|(?=[a-z])", "—", text)


# --- site furniture ---------------------------------------------------------------------------

_FURNITURE_LINE = re.compile(
    r"""^(?:
        menu(?:\s+content)?|content|go\s+(?:to\s+)?top|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content
        |home|close|search|search\s+all\s+site\s+content|share|print|email|e-mail|tweet|facebook
        |twitter|linkedin|whatsapp|reddit|share\s+this(?:\s+article)?|print\s+this(?:\s+page)?
        |advertisement|sponsored|related(?:\s+(?:articles|stories|posts))?|editor'?s\s+pick
        |more\s+stories|most\s+(?:read|popular)|trending|read\s+more|continue\s+reading|comments?
        |leave\s+a\s+(?:comment|reply)|log\s*in|sign\s+in|register|subscribe(?:\s+now)?
        |sign\s+up|newsletter|toggle\s+navigation|next|previous|prev|top
        |[•·]\s*\w+
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_PHRASE = re.compile(
    r"""(?:
        \buses?\s+cookies\b|\bcookie\s+(?:policy|settings|preferences|consent)\b|accept\s+(?:all\s+)?cookies
        |subscribe\s+to\s+our|sign\s+up\s+for\s+our|our\s+(?:mailing\s+list|newsletter)
        |^total\s+index:|^posted\s+by\b.*\bat\b|\|\s*comments?\s*\(\d+\)|^comments?\s*\(\d+\)$
        |^\d+\s+comments?$|^category:\s|^tags?:\s|^filed\s+under:?\s
        |^(?:picture|photo|image)(?:\s+of\s+[^:]{1,60})?:\s.{0,120}$
        |^(?:share|print|email)\s*(?:\||/)\s*(?:share|print|email)
        |all\s+rights\s+reserved|^copyright\s+©?|^©
        |^click\s+here\b|^read\s+(?:more|the\s+full\s+(?:story|article))\b
        |\bby\s+subscribing\b|quality\s+journalism\s+is|^stay\s+informed$|^register\s+to\s+receive
        |^return\s+to\s+(?:the\s+)?[\w\s]{1,40}$|^posted\s+in:|\bcomments\s+powered\s+by\b
        |^\S+@\S+\.\w+$|^follow\s+us\b|^download\s+(?:our|the)\s+app
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def is_furniture(line: str) -> bool:
    """True for a line that belongs to the site, not the article."""
    stripped = line.strip()
    if not stripped:
        return False
    return bool(_FURNITURE_LINE.match(stripped) or _FURNITURE_PHRASE.search(stripped))


def strip_furniture(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))


# --- splitting a saved file into articles -----------------------------------------------------

# A post footer ends an article ("posted by Kosuke at 03:29| Comment(0) | NK News").
_POST_FOOTER = re.compile(
    r"^posted\s+by\b.*(?:\|\s*comments?\s*\(\d+\)|\bat\s+\d{1,2}:\d{2})", re.I
)
# A kicker in brackets starts a new story ("[Interview] Concert ...").
_KICKER = re.compile(
    r"^\[(?:interview|feature|analysis|opinion|column|editorial|news|photo)\]\s+\S", re.I
)
_RULE = re.compile(r"^(?:[-*_=~]\s*){3,}$")
_MD_HEADING = re.compile(r"^#{1,2}\s+\S")


def split_articles(text: str, *, markdown: bool = False) -> list[str]:
    """Split a saved file where article boundaries show; each part keeps its own lines."""
    parts: list[list[str]] = [[]]
    for line in text.split("\n"):
        stripped = line.strip()
        starts_new = bool(
            _KICKER.match(stripped)
            or _RULE.match(stripped)
            or (markdown and _MD_HEADING.match(stripped))
        )
        if starts_new and any(p.strip() for p in parts[-1]):
            parts.append([])
        if not _RULE.match(stripped):
            parts[-1].append(line)
        if _POST_FOOTER.match(stripped):
            parts.append([])
    articles = ["\n".join(p).strip() for p in parts]
    return [a for a in articles if len(a.split()) >= 30] or [a for a in articles if a][:1]


# --- title, date and byline of a plain-text article -------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_PATTERNS = (
    re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),
    re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?,?\s+(\d{{4}})\b", re.I),
    re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b"),
)
_BYLINE = re.compile(
    r"^(?i:by|posted\s+by|written\s+by)\s+([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})"
)
_DATE_LINE = re.compile(
    r"^(?:published|posted|updated|date)?:?\s*[\w ,.:-]{0,40}\d{4}[\w ,.:-]{0,20}$", re.I
)


def find_date(text: str) -> tuple[int, int, int] | None:
    """The first plausible (year, month, day) written in the first lines of an article."""
    head = "\n".join([line for line in text.split("\n") if line.strip()][:12])
    month_names = {name: i for i, names in enumerate(_MONTHS_LIST, start=1) for name in names}
    best: tuple[int, tuple[int, int, int]] | None = None
    for index, pattern in enumerate(_DATE_PATTERNS):
        match = pattern.search(head)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if index == 0:
                ymd = (int(a), int(b), int(c))
            elif index == 1:
                ymd = (int(c), month_names[a.lower().rstrip(".")], int(b))
            elif index == 2:
                ymd = (int(c), month_names[b.lower().rstrip(".")], int(a))
            else:
                ymd = (int(c), int(b), int(a))
        except KeyError:
            continue
        plausible = 1990 <= ymd[0] <= 2100 and 1 <= ymd[1] <= 12 and 1 <= ymd[2] <= 31
        if plausible and (best is None or match.start() < best[0]):
            best = (match.start(), ymd)
    return best[1] if best else None


_MONTHS_LIST = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)


_KANA_OR_HAN = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _looks_like_title(line: str) -> bool:
    if _KANA_OR_HAN.search(line):  # Japanese: no spaces to count words by
        return 6 <= len(line) <= 100 and not line.rstrip().endswith(("。", "、", "：", ":", ","))
    words = line.split()
    return (
        3 <= len(words) <= 25 and len(line) <= 200 and not line.rstrip().endswith((".", ":", ","))
    )


def split_title(article: str, heading: str = "") -> tuple[str, str, str]:
    """(title, author, body) of a plain-text article whose furniture is already gone.

    The title is the first title-like line among the first few; a later line that repeats it or
    is its tail ("My latest in X: Title" then "Title") replaces it. Date and byline lines near the
    top are dropped from the body; the byline's name is returned as the author.
    """
    lines = [line.strip() for line in article.split("\n")]
    if heading and lines and lines[0] == heading:
        lines = lines[1:]  # a Markdown heading is the title, however short
    title = heading
    author = ""
    body: list[str] = []
    for position, line in enumerate(lines):
        if not line:
            body.append("")
            continue
        near_top = position < 15 and len([b for b in body if b]) < 3
        if near_top and not title and _looks_like_title(line):
            title = line
            continue
        if (
            near_top
            and title
            and (line == title or title.endswith(line))
            and _looks_like_title(line)
        ):
            title = line
            continue
        byline = _BYLINE.match(
            re.split(r"\s(?:source|published|updated)\s*:|\|", line, flags=re.I)[0]
        )
        if near_top and byline:
            author = author or byline.group(1)
            continue
        if near_top and len(line) < 80 and _DATE_LINE.match(line) and find_date(line):
            continue
        ends = (".", "!", "?", "”", '"', "。", "！", "？", "」", "』")  # Japanese has no spaces
        if near_top and len(line.split()) <= 3 and not line.endswith(ends):
            continue  # section labels, outlet names, bare author names at the top
        body.append(line)
    text = normalize_whitespace("\n".join(body))
    if not title:
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0] if text else "Untitled"
        title = first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
    return title, author, text


def _strip_markdown(text: str) -> str:
    """Markdown to plain lines: heading marks, emphasis, links and images become their text."""
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    return re.sub(r"^>\s?", "", text, flags=re.MULTILINE)


class SavedArticle(NamedTuple):
    title: str
    author: str
    text: str
    date: tuple[int, int, int] | None


def saved_text_articles(text: str, *, markdown: bool = False) -> list[SavedArticle]:
    """Each article in a saved plain-text page: title, author, text and date, furniture removed.

    Splitting comes before furniture removal because some furniture (post footers) marks the
    boundaries between articles.
    """
    repaired = repair_lost_lead_bytes(normalize_whitespace(text))
    articles = []
    for part in split_articles(repaired, markdown=markdown):
        heading = ""
        if markdown:
            first = part.lstrip().split("\n", 1)[0]
            heading = _strip_markdown(first).strip() if first.startswith("#") else ""
            part = _strip_markdown(part)
        title, author, body = split_title(strip_furniture(part), heading)
        if body:
            articles.append(SavedArticle(title, author, body, find_date(part)))
    return articles
