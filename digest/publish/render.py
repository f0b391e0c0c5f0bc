"""Rendering editions with Jinja: the user's templates first, the packaged defaults behind."""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import jinja2
import markupsafe

from digest.errors import TemplateError
from digest.models import Edition, Origin, Story

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
    are linked relative to the page, so the archive can move. Every href is relative.
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

    def href(self, url: str) -> str:
        """A link a reader can follow from this page: safe scheme, relative inside the archive.

        A file: link only when a saved article of this edition has it: a feed is untrusted, and
        its entry's file: link would point the reader (or `archive serve`) at local files."""
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

    def portable(self, url: str) -> str:
        """`url` relative to this page when it is a file:// URI under the archive, else as is."""
        parsed = urlparse(url)
        if parsed.scheme != "file" or not self.archive_root or not self.page_path:
            return url
        root = self.archive_root.rstrip("/") + "/"
        path = unquote(parsed.path)
        if not path.startswith(root):
            return url
        here = posixpath.dirname(root + self.page_path)
        relative = quote(posixpath.relpath(path, here), safe="/")
        return relative + (f"#{parsed.fragment}" if parsed.fragment else "")


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
    )
    env.filters["safe_url"] = safe_url
    env.filters["wrap72"] = wrap72
    return env


# C0 and C1 control characters but tab and newline: no HTML page or XML feed may carry them
# (XML 1.0 forbids most), and an untrusted value could.
_CONTROLS = dict.fromkeys([*range(0, 9), 11, 12, *range(13, 32), 127, *range(128, 160)])


def _printable(value: object) -> object:
    """Every value a template outputs, without control characters (markup-safe values too)."""
    if isinstance(value, str):
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


def wrap72(text: str, indent: str = "", first: str | None = None) -> str:
    """Fill to 72 columns; `first` replaces the indent on the first line (for bullets)."""
    return textwrap.fill(
        " ".join(text.split()),
        width=72,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def edition_page(
    edition: Edition,
    *,
    page_path: str = "",
    archive_root: str = "",
    previous: NavLink | None = None,
    next: NavLink | None = None,
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
        **_up_links(page_path),
    )


def _up_links(page_path: str) -> dict[str, str]:
    """Links from a page at `page_path` to the archive's index, search page and feed."""
    up = "../" * (page_path.count("/") if page_path else 1)
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
