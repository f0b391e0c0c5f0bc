"""Rendering editions with Jinja: the user's templates first, the packaged defaults behind."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import jinja2

from digest.models import Edition, Story

_PACKAGE = Path(__file__).resolve().parent
# Installed wheels carry the defaults in digest/_templates; a source checkout has templates/.
DEFAULT_TEMPLATE_DIRS = tuple(
    p for p in (_PACKAGE / "_templates", _PACKAGE.parent / "templates") if p.is_dir()
)
SAFE_SCHEMES = frozenset({"http", "https", "file"})


@dataclass(frozen=True, slots=True)
class EditionPage:
    """What the edition templates receive: the edition and where its neighbours are."""

    edition: Edition
    title: str
    date_label: str
    period_label: str
    sections: tuple[tuple[str, tuple[Story, ...]], ...]
    index_href: str = "../index.html"


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
    )
    env.filters["safe_url"] = safe_url
    env.filters["wrap72"] = wrap72
    return env


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


def edition_page(edition: Edition) -> EditionPage:
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
    )


def render_edition(env: jinja2.Environment, page: EditionPage) -> tuple[str, str]:
    """(html, text) of an edition."""
    html = env.get_template("digest.html.j2").render(page=page, edition=page.edition)
    text = env.get_template("digest.txt.j2").render(page=page, edition=page.edition)
    return html, text
