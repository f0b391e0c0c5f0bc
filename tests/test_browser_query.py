"""One query language: the browser search (templates/_query.js.j2, in Debian's chromium) finds
exactly what `digest search` finds (digest/store/query.py over SQLite FTS5) for the same query
and the same documents: stems, phrases, prefixes, AND/OR/NOT, parentheses, malformed queries.

Documents are the project's own clippings, cut into headline and paragraphs, plus short ones
written for the tricky cases; with ../shared present, the development items are added (their
words also check the stemmer against SQLite's, word for word).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import browser, sync_api
from conftest import EVAL
from editions import make_three_editions

from digest.publish.render import make_environment
from digest.store.query import SearchError, to_fts

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as in digest/store/schema.py
WRITTEN = [
    ("Abductions: families urge talks", "The abductees' relatives met officials in Tokyo."),
    ("Missiles fired over Japan", "North Korea launched two ballistic missiles on Thursday."),
    ("Japan-North Korea summit ruled out", "Generalizations about relational diplomacy."),
    ("Café talks in Pyongyang", "Sanctions, sanctioned, sanctioning: the ministry's words."),
    ("Remains of the war dead", "Wartime remains talks resume; the Red Cross said so."),
    ("U.S. and Japan hold drills", "The drills' scale was the largest; running, runner, ran."),
    ("日本と北朝鮮", "Tokyo's reply: «non» — the 2nd time in 2026; ½ price, x² and Ⅻ."),
    ("Connection connected connecting", "Hopefulness, happiness, agreed, feed, sky, skies."),
    # The examples of Porter's paper, step by step, and words at the edges of its rules.
    (
        "caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated",
        "troubled sized hopping tanned falling hissing fizzed failing filing happy sky ies sses "
        "relational conditional rational valenci hesitanci digitizer conformabli radicalli "
        "differentli vileli analogousli vietnamization predication operator feudalism "
        "decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate "
        "formative formalize electriciti electrical hopeful goodness revival allowance inference "
        "airliner gyroscopic adjustable defensible irritant replacement adjustment dependent "
        "adoption homologou communism activate angulariti homologous effective bowdlerize "
        "probate rate cease controll roll yyy syzygy flyby eed ement internationally",
    ),
]
QUERIES = [
    # stemming, the case the issue names
    "abduction",
    "abductions",
    "abducted",
    "missile",
    "missiles",
    "sanction",
    "sanctioned",
    # phrases and prefixes
    '"wartime remains"',
    '"remains talks"',
    '"north korea"',
    "abduct*",
    "missil*",
    "sanc*",
    '"red cross"*',
    '"ballistic missile"',
    '"Japan-North Korea"',
    "Japan-North",
    "U.S.",
    # operators and grouping
    "Japan OR xyzzy",
    "japan talks",
    "japan AND talks",
    "japan OR talks missiles",
    "japan NOT talks",
    "japan NOT talks missiles",
    "japan NOT talks OR abduction",
    "(japan OR korea) NOT missiles",
    "japan (missiles OR summit)",
    "(talks) (remains)",
    "talks OR (remains NOT war)",
    "japan AND korea NOT summit OR cafe",
    # folding, numbers, other scripts, punctuation taken as text
    "cafe",
    "CAFÉ",
    "2026",
    "日本と北朝鮮",
    "col:umn",
    "tokyo's",
    "a",
    "the",
    "and",
    "or",
    "running",
    "runner",
    "generalization",
    "connect",
    "happy",
    "feed",
    "skies",
    "agree",
    '"" japan',
    "-- japan",
    "japan --",
]
MALFORMED = [
    '"unclosed',
    "abduction AND",
    "(talks",
    "talks)",
    "NOT japan",
    "japan OR OR korea",
    "()",
    "AND",
    "   ",
    '""',
    "*",
]


def clipping_documents() -> list[tuple[str, str]]:
    documents = list(WRITTEN)
    for path in sorted((ROOT / "archive" / "clippings").iterdir()):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        paragraphs = [line for line in lines if line]
        documents.append((paragraphs[0], " ".join(paragraphs[1:])))
    return documents


def shared_documents(limit: int | None = None) -> list[tuple[str, str]]:
    path = EVAL / "relevance-dev.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:limit]]
    return [(str(r.get("title", "")), str(r.get("text", ""))) for r in rows]


def fts(documents: list[tuple[str, str]]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize='{TOKENIZER}')")
    db.executemany(
        "INSERT INTO docs (rowid, title, text) VALUES (?, ?, ?)",
        [(n, t, x) for n, (t, x) in enumerate(documents)],
    )
    return db


def cli_matches(db: sqlite3.Connection, query: str) -> list[int] | str:
    """The rows `digest search` finds for the query, or "error" where it refuses it."""
    try:
        expression = to_fts(query)
        rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))
        return sorted(row[0] for row in rows)
    except (SearchError, sqlite3.OperationalError):
        return "error"


def sqlite_tokens(db: sqlite3.Connection) -> dict[tuple[int, int], list[str]]:
    """Each document's tokens per column, in order, as SQLite stored them."""
    db.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'instance')")
    found: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for term, doc, column, offset in db.execute("SELECT term, doc, col, offset FROM vocab"):
        index = 0 if column == "title" else 1
        found.setdefault((doc, index), []).append((offset, term))
    return {key: [term for _, term in sorted(pairs)] for key, pairs in found.items()}


BROWSER_SIDE = """([documents, queries]) => {
  const fields = documents.map(([title, text]) =>
    [DigestQuery.tokens(title), DigestQuery.tokens(text)]);
  const results = queries.map((query) => {
    let tree;
    try { tree = DigestQuery.parse(query); } catch (e) {
      if (e instanceof DigestQuery.QueryError) return "error";
      throw e;
    }
    const rows = [];
    fields.forEach((f, n) => { if (DigestQuery.score(tree, f) > 0) rows.push(n); });
    return rows;
  });
  return { results, fields };
}"""


__all__ = ["browser"]  # the shared fixture


@pytest.fixture(scope="module")
def query_page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    script = make_environment().get_template("_query.js.j2").render()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><title>query</title>")
    page.add_script_tag(content=script)
    yield page
    context.close()
    assert errors == []


def compare(page: sync_api.Page, documents: list[tuple[str, str]], queries: list[str]) -> Any:
    db = fts(documents)
    browser_side = page.evaluate(BROWSER_SIDE, [documents, queries])
    for query, found in zip(queries, browser_side["results"], strict=True):
        assert found == cli_matches(db, query), f"{query!r}: browser {found}"
    return db, browser_side


def test_every_query_finds_in_the_browser_what_the_cli_finds(query_page: sync_api.Page) -> None:
    documents = clipping_documents()
    db, _ = compare(query_page, documents, QUERIES + MALFORMED)
    assert all(cli_matches(db, q) == "error" for q in MALFORMED)
    # The cases, by name: stems and OR find what the plain word finds.
    assert cli_matches(db, "abductions") == cli_matches(db, "abduction") != []
    assert cli_matches(db, "missiles") == cli_matches(db, "missile") != []
    assert cli_matches(db, "Japan OR xyzzy") == cli_matches(db, "japan") != []
    assert cli_matches(db, "japan NOT talks") != cli_matches(db, "japan")
    # A group beside a word is joined by AND (FTS5 alone refuses `a (b OR c)`).
    grouped = cli_matches(db, "japan (missiles OR summit)")
    assert grouped != "error" and {1, 2} <= set(grouped) and 0 not in grouped


def test_tokens_and_stems_are_sqlites_word_for_word(query_page: sync_api.Page) -> None:
    documents = clipping_documents() + shared_documents()
    db = fts(documents)
    expected = sqlite_tokens(db)
    fields = query_page.evaluate(BROWSER_SIDE, [documents, []])["fields"]
    differences = []
    for number, pair in enumerate(fields):
        for column, tokens in enumerate(pair):
            wanted = expected.get((number, column), [])
            if tokens != wanted:
                differences.append(
                    (
                        number,
                        column,
                        [t for t in tokens if t not in wanted][:5],
                        [t for t in wanted if t not in tokens][:5],
                    )
                )
    assert differences == []
    assert sum(len(t) for pair in fields for t in pair) > 1000


def test_the_shared_items_answer_alike(query_page: sync_api.Page) -> None:
    documents = shared_documents()
    if not documents:
        pytest.skip(f"{EVAL / 'relevance-dev.jsonl'} is absent: the written cases ran above")
    compare(query_page, documents, QUERIES)


def test_the_search_page_takes_the_cli_query_language(
    browser: sync_api.Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On search.html itself: the issue's cases, as a person types them."""
    site = make_three_editions(tmp_path_factory.mktemp("query-site"))
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "search.html").as_uri())
    results = page.locator("#results li")

    def count(query: str) -> int:
        page.fill("#q", query)
        # the index comes in monthly pieces: count once every piece has been searched
        page.wait_for_function("!document.getElementById('status').textContent.includes('so far')")
        return results.count()

    abduction = count("abduction")
    assert abduction > 0
    assert count("abductions") == abduction  # found nothing before: no stemming
    assert count("missiles") == count("missile") > 0
    assert count("Japan OR xyzzy") == count("japan") > 0  # OR was taken as a word
    assert count("japan NOT abduction") == count("japan") - count("japan abduction")
    assert count("abduction (talks OR remains)") > 0
    page.fill("#q", "abduction AND")
    assert page.locator("#status").inner_text().startswith('Cannot search for "abduction AND"')
    assert results.count() == 0
    context.close()
    assert errors == []
