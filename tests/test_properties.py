"""Property tests (hypothesis): the config loader, the text cleaner, the sentence splitter and
edition rendering, on inputs nobody would write by hand. Bounded (max_examples) to stay fast."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from digest.config import Config, load_config
from digest.errors import ConfigError
from digest.models import Edition, Item, Origin, Relevance, ScoredItem, SourceReport, Story, Tally
from digest.publish.render import edition_page, make_environment, render_edition
from digest.publish.site import FeedEntry
from digest.sources.text import html_fragment_to_text, normalize_whitespace
from digest.summary.summarize import split_sentences

ROOT = Path(__file__).resolve().parent.parent
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# --- config -----------------------------------------------------------------------------------

KEYS = [
    "archive",
    "templates",
    "timezone",
    "lookback",
    "poll_every",
    "topic",
    "summary",
    "stories",
    "sections",
    "fetch",
    "digests",
    "sources",
    "name",
    "url",
    "path",
    "search",
    "engine",
    "full_text",
    "user_agent",
    "headers",
    "timeout",
    "max_bytes",
    "max_file_bytes",
    "connections",
    "per_host",
    "retries",
    "backoff",
    "stale_after",
    "max_pages",
    "slug",
    "publish",
    "recipients",
    "sentences",
    "algorithm",
    "terms",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://example.org/feed",
            "file:///etc/passwd",
            "7d",
            "0 7 * * mon",
            "Asia/Tokyo",
            "../../etc",
            "a\0b",
            "~",
            "",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)
documents = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    ),
    st.text(max_size=200),
    st.sampled_from(
        [
            "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b]\n",
            "[" * 5000 + "]" * 5000,
            "{" * 5000,
            "sources: !!python/object/apply:os.system ['echo pwned']\n",
            "\ufeffsources: []\n",
            "\0\0\0",
        ]
    ),
)


def check_config(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load_config(path)
    except ConfigError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        assert "Traceback" not in message
    else:
        assert isinstance(config, Config)


@FAST
@given(text=documents)
def test_any_yaml_loads_or_is_refused_in_one_line(tmp_path: Path, text: str) -> None:
    check_config(tmp_path / "feeds.yaml", text)


def test_yaml_alias_bombs_are_refused_quickly(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)
    ]
    bomb = "\n".join(levels) + "\nsources: *a8\n"
    check_config(tmp_path / "feeds.yaml", bomb)


@settings(max_examples=6, deadline=None)
@given(text=documents)
def test_the_cli_exits_2_in_one_line_never_a_traceback(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feeds.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        done = subprocess.run(
            [sys.executable, "-m", "digest", "run", "--offline", "--dry-run", "--config", path],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=folder,
        )
    assert "Traceback" not in done.stderr, done.stderr
    if done.returncode == 2:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    else:
        assert done.returncode in (0, 3), done.stderr


# --- text -------------------------------------------------------------------------------------

messy = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.lists(
    st.sampled_from(
        [
            *(" ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\x00", "\x1b", "é", "e\u0301"),
            *("word", ".", "<p>", "</p>", "<script>", "&amp;", "&#0;", "<!--", "]]>", "Japan"),
            *("?", "“", "A"),
        ]
    ),
    max_size=60,
).map("".join)


def subsequence(small: str, large: str) -> bool:
    chars = iter(large)
    return all(c in chars for c in small)


def visible(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if not c.isspace())


@FAST
@given(text=messy)
def test_normalize_whitespace_only_removes(text: str) -> None:
    out = normalize_whitespace(text)
    assert isinstance(out, str)
    assert subsequence(visible(out), visible(text))
    assert "\r" not in out and "\x00" not in out and "  " not in out and "\n\n\n" not in out
    assert normalize_whitespace(out) == out


@FAST
@given(text=messy)
def test_html_fragment_to_text_never_raises_and_drops_markup(text: str) -> None:
    out = html_fragment_to_text(text)
    assert isinstance(out, str) and "\x00" not in out
    if "<" not in text and "&" not in text:
        assert subsequence(visible(out), visible(text))


@FAST
@given(text=messy)
def test_split_sentences_keeps_the_text_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s for s in sentences)
    assert visible("".join(sentences)) == visible(text.strip())
    words = set(re.findall(r"\w+", text))
    assert {w for s in sentences for w in re.findall(r"\w+", s)} <= words


# --- rendering --------------------------------------------------------------------------------

field_text = st.text(max_size=120) | messy
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@st.composite
def editions(draw: Any) -> Edition:
    stories = []
    for number in range(draw(st.integers(min_value=0, max_value=4))):
        items = [
            ScoredItem(
                Item(
                    id=draw(st.text(min_size=1, max_size=40)),
                    source=draw(field_text),
                    origin=draw(st.sampled_from(list(Origin))),
                    title=draw(field_text),
                    link=draw(field_text | st.sampled_from(["javascript:alert(1)", "http://a/"])),
                    text=draw(field_text),
                    seen_at=NOW,
                    published=draw(st.none() | st.just(NOW - timedelta(days=1))),
                    author=draw(field_text),
                ),
                Relevance(1.0, True, ()),
            )
            for _ in range(draw(st.integers(min_value=1, max_value=3)))
        ]
        stories.append(
            Story(
                id=f"{number:010d}",
                lead=items[0],
                others=tuple(items[1:]),
                summary=tuple(draw(st.lists(field_text, max_size=3))),
                section=draw(st.sampled_from(["Abductions", "Other", "<b>x</b>"])),
            )
        )
    return Edition(
        digest=draw(field_text) or "d",
        slug="d",
        date=NOW,
        since=NOW - timedelta(days=7),
        until=NOW,
        stories=tuple(stories),
        brief=tuple(draw(st.lists(field_text, max_size=3))),
        failed_sources=tuple(
            SourceReport(draw(field_text), False, 0, draw(field_text))
            for _ in range(draw(st.integers(min_value=0, max_value=2)))
        ),
        tally=Tally(1, 0, 1, 1, 1),
        sections=("Abductions", "Other", "<b>x</b>"),
    )


ENV = make_environment()


@FAST
@given(edition=editions())
def test_any_edition_renders_and_its_html_parses(edition: Edition) -> None:
    page = edition_page(edition, page_path="2026/2026-11-23-d.html")
    html, text = render_edition(ENV, page)
    assert isinstance(text, str)
    tree = etree.fromstring(html.encode(), etree.HTMLParser(recover=False))
    assert len(tree.findall(".//article")) == len(edition.stories)
    assert tree.findall(".//script") == [] and len(tree.findall(".//style")) == 1
    assert all(not k.startswith("on") for el in tree.iter() for k in el.attrib)
    for anchor in tree.iter("a"):
        href = anchor.get("href", "")
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), href
    # Every headline shown, as the same text but for control characters (sections reorder).
    headings = sorted(" ".join("".join(h.itertext()).split()) for h in tree.iter("h3"))
    assert headings == sorted(shown(s.lead.item.title) for s in edition.stories)
    # The Atom feed carrying the same edition is well-formed XML.
    body = ENV.get_template("_edition_body.html.j2").render(page=page, edition=edition)
    feed = ENV.get_template("feed.xml.j2").render(
        feed_id="tag:x,2026:f",
        title=edition.digest,
        updated="2026-11-23T07:00:00Z",
        entries=[
            FeedEntry("tag:x,2026:e", edition.digest, "e.html", "2026-11-23T07:00:00Z", t, body)
            for t in [*edition.brief, ""][:2]
        ],
    )
    parsed = etree.fromstring(feed.encode(), etree.XMLParser(resolve_entities=False))
    contents = parsed.findall(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content"
    )
    assert contents and all(c.text == body for c in contents)


def shown(text: str) -> str:
    controls = dict.fromkeys([*range(0, 9), 11, 12, *range(13, 32), 127, *range(128, 160)])
    return " ".join(text.translate(controls).split())
