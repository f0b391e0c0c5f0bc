"""Rendering editions with Jinja: the user's templates first, the packaged defaults behind."""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import jinja2
import jinja2.bccache
import markupsafe

from digest.errors import TemplateError
from digest.language.width import wrap_display
from digest.models import Edition, Origin, Story
from digest.publish.versions import also_lists
from digest.visible import one_line

_PACKAGE = Path(__file__).resolve().parents[1]  # digest/, above this stage's folder
# Installed wheels carry the defaults in digest/_templates; a source checkout has templates/.
DEFAULT_TEMPLATE_DIRS = tuple(
    p for p in (_PACKAGE / "_templates", _PACKAGE.parent / "templates") if p.is_dir()
)
SAFE_SCHEMES = frozenset({"http", "https", "file"})


@dataclass(frozen=True, slots=True)
class NavLink:
    href: str
    label: str


@dataclass(frozen=True, slots=True)
class EditionPage:
    """What the edition templates receive: the edition and where its neighbours are.

    `page_path` is the page's path inside the archive (`2026/2026-11-23-slug.html`) and
    `archive_root` the archive's absolute path when the edition was made: saved articles under it
    are linked relative to the page, so the archive can move. Every href is relative, unless
    `base_url` (the config's `archive_url`: where the archive is published) is given; then every
    href is absolute to it, and a saved article outside the archive is linked at its copy in
    `saved/` (see `saved_copy_path`; `saved` holds the file URLs of this edition's saved
    articles, the only file links that are copied and published).
    """

    edition: Edition
    title: str
    date_label: str
    period_label: str
    sections: tuple[tuple[str, tuple[Story, ...]], ...]
    page_path: str = ""
    archive_root: str = ""
    previous: NavLink | None = None  # the previous edition of the same digest
    next: NavLink | None = None
    index_href: str = "../index.html"
    search_href: str = "../search.html"
    feed_href: str = "../feed.xml"
    base_url: str = ""
    saved: frozenset[str] = frozenset()

    def local(self, moment: datetime) -> datetime:
        """`moment` in the edition's time zone: a report of 07:00 in Seoul on the 30th is of
        the 30th in a Tokyo edition, not of the 29th as in UTC."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.astimezone(self.edition.date.tzinfo)

    def href(self, url: str) -> str:
        """A link a reader can follow from this page: safe scheme, relative inside the archive
        (absolute to `base_url` when there is one).

        A file: link only when a saved article of this edition has it: a feed is untrusted, and
        its entry's file: link would point the reader (or `archive serve`) at local files."""
        plain = url.strip()
        if _PLAIN_WEB_LINK.fullmatch(plain):
            return plain  # most links: what `parsed_href` gives them, without parsing thrice
        return self.parsed_href(url)

    def parsed_href(self, url: str) -> str:
        """`href`, the general way."""
        safe = safe_url(url)
        if safe and urlparse(safe).scheme.lower() == "file" and safe not in self._saved_links():
            return ""
        return self.portable(safe) if safe else ""

    def _saved_links(self) -> frozenset[str]:
        return frozenset(
            s.item.link.strip()
            for story in self.edition.stories
            for s in story.items
            if s.item.origin is Origin.SAVED
        )

    def archive_href(self, path: str) -> str:
        """A link from this page to `path` inside the archive (another edition's story)."""
        here = posixpath.dirname(self.page_path) if self.page_path else "."
        return posixpath.relpath(path.split("#")[0], here or ".") + (
            "#" + path.split("#", 1)[1] if "#" in path else ""
        )

    def portable(self, url: str) -> str:
        """`url` relative to this page when it is a file:// URI under the archive, else as is;
        with a `base_url`, every file:// URI becomes its published address (or is dropped)."""
        parsed = urlparse(url)
        if parsed.scheme != "file" or not self.archive_root or not self.page_path:
            return "" if parsed.scheme == "file" and self.base_url else url
        root = self.archive_root.rstrip("/") + "/"
        path = unquote(parsed.path)
        fragment = f"#{parsed.fragment}" if parsed.fragment else ""
        if not path.startswith(root):
            if self.base_url and url in self.saved:
                return self.base_url + quote(saved_copy_path(path), safe="/") + fragment
            return "" if self.base_url else url  # a published page links no one's disk
        if self.base_url:
            return self.base_url + quote(path[len(root) :], safe="/") + fragment
        here = posixpath.dirname(root + self.page_path)
        relative = quote(posixpath.relpath(path, here), safe="/")
        return relative + fragment


# A web link that URL parsing keeps as it is: printable ASCII (parsing strips or rejects some
# whitespace, controls and non-ASCII hosts) and no brackets (an IPv6 host that may not parse).
_PLAIN_WEB_LINK = re.compile(r"https?://[!-Z\\^-~]*")


SAVED_FOLDER = "saved"  # where the archive keeps copies of saved articles from outside it


def saved_copy_path(path: str) -> str:
    """The archive-relative path of the published copy of the saved article at `path` (an
    absolute POSIX path): one folder per original folder, so equal names never collide."""
    folder, name = posixpath.split(path)
    tag = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{SAVED_FOLDER}/{tag}/{name}"


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    dirs = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(d)) for d in (*dirs, *DEFAULT_TEMPLATE_DIRS)]
    )
    env = jinja2.Environment(
        loader=loader,
        # Feed text is untrusted: every value is escaped unless a template says otherwise.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2", "xml.j2"), default_for_string=True
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_printable,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["safe_url"] = safe_url
    env.filters["wrap72"] = wrap72
    env.filters["edition_day"] = edition_day
    env.globals["also_lists"] = also_lists
    env.globals["brief_lang"] = brief_lang
    return env


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be written (a full or read-only disk) is skipped, never an error."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, in a folder of this user's in the system's temporary
    folder (Jinja checks it is private); compiling them costs more than rendering an edition.
    A template's changed source is recompiled: the cache checks each one's checksum."""
    try:
        return _QuietBytecodeCache(pattern=f"__digest_{_compile_fingerprint()}_%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder to be had: compile each time
        return None


def _compile_fingerprint() -> str:
    """What compiled code depends on besides the template's source: this module (the
    environment's options, `finalize` and filters) and Jinja's version. Bytecode compiled by
    another digest or Jinja calls `finalize` another way, so it is never reused."""
    source = Path(__file__).read_bytes()
    return hashlib.sha256(source + jinja2.__version__.encode()).hexdigest()[:16]


# C0 and C1 control characters but tab and newline: no HTML page or XML feed may carry them
# (XML 1.0 forbids most), and an untrusted value could.
_CONTROLS = dict.fromkeys([*range(0, 9), 11, 12, *range(13, 32), 127, *range(128, 160)])
# Looking for one is ~20x faster than translating: most values have none.
_ANY_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")


class Laid(str):
    """Text a template's own filter laid out in lines (`wrap72`): each line visible already."""


@jinja2.pass_eval_context
def _printable(context: jinja2.nodes.EvalContext, value: object) -> object:
    """Every value a template outputs, without control characters (markup-safe values too).

    In a text template (no autoescape: the text edition, the mail's text part) each value is
    one line of visible characters (`digest.visible`): a line break in a link or a title cannot
    forge a line of its own. Only `wrap72` lays text out in lines there."""
    if isinstance(value, str) and not context.autoescape and not isinstance(value, Laid):
        return one_line(value)
    if isinstance(value, str) and _ANY_CONTROL.search(value):
        cleaned = value.translate(_CONTROLS)
        if cleaned != value:
            return type(value)(cleaned) if isinstance(value, markupsafe.Markup) else cleaned
    return value


def safe_url(url: str) -> str:
    """The URL if its scheme is one a reader can follow safely, else an empty string."""
    try:
        scheme = urlparse(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in SAFE_SCHEMES else ""


def edition_day(iso_date: str) -> str:
    """ "29 May 2023" for "2023-05-29"."""
    return f"{datetime.fromisoformat(iso_date):%-d %B %Y}"


def wrap72(text: str, indent: str = "", first: str | None = None) -> str:
    """Fill to 72 terminal columns; `first` replaces the indent on the first line (for bullets).

    Columns are display cells: a Japanese or Korean character takes two. Lines break at spaces
    and between Japanese characters, never inside an English or Korean word (see
    `digest.language.width`).
    """
    flat = " ".join(one_line(text).split())
    start = indent if first is None else first
    if _SIMPLE.fullmatch(flat + start + indent):
        return Laid("\n".join(_wrap_at_spaces(flat, 72, start, indent)))
    lines = wrap_display(flat, 72, initial_indent=start, subsequent_indent=indent)
    return Laid("\n".join(lines))


# Characters that each take one terminal cell, are a grapheme of their own and never let a line
# break beside them: printable Latin up to the combining marks (U+0300), and the typographic
# punctuation of English news. Text of only these (most of an English edition) breaks at its
# spaces alone, which `_wrap_at_spaces` does many times faster than the general wrapper, to the
# same lines (tests/test_render_wrap.py checks both, character by character and on random text).
SIMPLE_CHARACTERS = (
    "[ -~\u00a1-\u00ac\u00ae-\u02ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026]"
)
_SIMPLE = re.compile(SIMPLE_CHARACTERS + "*")


def _wrap_at_spaces(flat: str, columns: int, start: str, indent: str) -> list[str]:
    """`wrap_display` for single-spaced text of one-cell characters, each word unbreakable."""
    lines: list[str] = []
    line, fresh = start, True
    for word in flat.split():
        if not fresh and len(line) + 1 + len(word) > columns:
            lines.append(line)
            line, fresh = indent, True
        line = line + word if fresh else f"{line} {word}"
        fresh = False
    if not fresh or not lines:
        lines.append(line)
    return [ln.rstrip() for ln in lines]


def edition_page(
    edition: Edition,
    *,
    page_path: str = "",
    archive_root: str = "",
    previous: NavLink | None = None,
    next: NavLink | None = None,
    base_url: str = "",
) -> EditionPage:
    by_section: dict[str, list[Story]] = {name: [] for name in edition.sections}
    for story in edition.stories:
        by_section.setdefault(story.section, []).append(story)
    since, until = (
        edition.since.astimezone(edition.date.tzinfo),
        edition.until.astimezone(edition.date.tzinfo),
    )
    return EditionPage(
        edition=edition,
        title=f"{edition.digest} — {edition.date:%-d %B %Y}",
        date_label=f"{edition.date:%A %-d %B %Y}",
        period_label=f"{since:%-d %b %Y} – {until:%-d %b %Y}",
        sections=tuple((name, tuple(stories)) for name, stories in by_section.items() if stories),
        page_path=page_path,
        archive_root=archive_root,
        previous=previous,
        next=next,
        base_url=base_url,
        saved=saved_articles(edition),
        **_up_links(page_path, base_url),
    )


def brief_lang(edition: Edition, line: str) -> str:
    """The language of a line of the week in brief (its story's lead's), "" for English: the
    line is one of that story's summary sentences."""
    for story in edition.stories:
        if line in story.summary:
            lang = story.lead.item.lang
            return "" if lang in ("", "en") else lang
    return ""


def saved_articles(edition: Edition) -> frozenset[str]:
    """The file:// links of the edition's saved articles (never a feed's file: links)."""
    return frozenset(
        scored.item.link
        for story in edition.stories
        for scored in story.items
        if scored.item.origin is Origin.SAVED and scored.item.link.startswith("file:")
    )


def _up_links(page_path: str, base_url: str = "") -> dict[str, str]:
    """Links from a page at `page_path` to the archive's index, search page and feed."""
    up = base_url or "../" * (page_path.count("/") if page_path else 1)
    return {
        "index_href": f"{up}index.html",
        "search_href": f"{up}search.html",
        "feed_href": f"{up}feed.xml",
    }


def render_edition(env: jinja2.Environment, page: EditionPage) -> tuple[str, str]:
    """(html, text) of an edition."""
    html = env.get_template("digest.html.j2").render(page=page, edition=page.edition)
    text = env.get_template("digest.txt.j2").render(page=page, edition=page.edition)
    return html, text


# Every template the archive is rendered from (each may include others).
SITE_TEMPLATES = (
    "digest.html.j2",
    "digest.txt.j2",
    "_edition_body.html.j2",
    "index.html.j2",
    "feed.xml.j2",
    "search.html.j2",
)


def check_templates(env: jinja2.Environment) -> None:
    """Compile every site template (syntax, unknown filters and tests, missing includes), so a
    broken one is refused before anything is polled or written."""
    for name in SITE_TEMPLATES:
        try:
            env.get_template(name)
        except Exception as exc:
            raise template_error(env, exc) from None


def template_error(env: jinja2.Environment, exc: Exception) -> TemplateError:
    """One line naming the template file, the line and what went wrong."""
    where: tuple[str, int | None] | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    roots = tuple(str(Path(d)) + "/" for d in _search_dirs(env))
    trace = exc.__traceback__
    while trace is not None:  # the innermost frame that runs template code
        filename = trace.tb_frame.f_code.co_filename
        if filename.startswith(roots):
            where = (filename, trace.tb_lineno)
        trace = trace.tb_next
    message = exc.message if isinstance(exc, jinja2.TemplateError) else None
    reason = message or f"{type(exc).__name__}: {exc}"
    if isinstance(exc, jinja2.TemplateNotFound):
        reason = f"template not found: {exc.name}"
    place = f"{where[0]}:{where[1]}" if where and where[1] else (where[0] if where else "")
    reason = reason.rstrip(".")
    return TemplateError(f"template {place or '(unknown)'}: {reason}; no page was written")


def is_template_failure(env: jinja2.Environment, exc: Exception) -> bool:
    """A Jinja error, or any exception raised by template code itself (`{{ 1 / 0 }}`)."""
    if isinstance(exc, jinja2.TemplateError):
        return True
    roots = tuple(str(Path(d)) + "/" for d in _search_dirs(env))
    trace, last = exc.__traceback__, ""
    while trace is not None:
        last, trace = trace.tb_frame.f_code.co_filename, trace.tb_next
    return last.startswith(roots)


def _search_dirs(env: jinja2.Environment) -> list[str]:
    loader = env.loader
    loaders = loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]
    return [
        str(path)
        for each in loaders
        if isinstance(each, jinja2.FileSystemLoader)
        for path in each.searchpath
    ]
