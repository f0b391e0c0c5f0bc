"""Rendering editions with Jinja: the user's templates first, the packaged defaults behind."""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import jinja2
import markupsafe

from digest.models import Edition, Story

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
        """A link a reader can follow from this page: safe scheme, relative inside the archive."""
        safe = safe_url(url)
        return self.portable(safe) if safe else ""

    def archive_href(self, path: str) -> str:
        """A link from this page to `path` inside the archive (another edition's story)."""
        here = posixpath.dirname(self.page_path) if self.page_path else "."
        return posixpath.relpath(path.split("#")[0], here or ".") + (
            "#" + path.split("#", 1)[1] if "#" in path else ""
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
    env.filters["edition_day"] = edition_day
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


def edition_day(iso_date: str) -> str:
    """ "29 May 2023" for "2023-05-29"."""
    return f"{datetime.fromisoformat(iso_date):%-d %B %Y}"


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
