"""Searching every stored item: a forgiving query language translated to SQLite FTS5.

Words match anywhere (stemmed: `abduction` finds `abductions`), `"two words"` is a phrase,
`abduct*` a prefix, `AND`/`OR`/`NOT` and parentheses combine terms; all words must match by
default; a parenthesised group beside a word is joined to it by AND. Anything else a user types
(hyphens, apostrophes, colons) is taken as text, never as FTS5 syntax, so only unbalanced quotes
or misplaced operators are errors. The browser search (templates/_query.js.j2) reads the same
language the same way.
"""

from __future__ import annotations

import re
import sqlite3

from digest.errors import DigestError
from digest.store import SearchFilters, SearchHit, Store

OPERATORS = frozenset({"AND", "OR", "NOT"})
_TOKEN = re.compile(r'\s*(?:(")|(\()|(\))|([^\s()"]+))')


class SearchError(DigestError):
    """The query cannot be understood; nothing was searched."""

    exit_code = 2


def to_fts(query: str) -> str:
    """The FTS5 MATCH expression for a user's query; SearchError when it is malformed."""
    parts: list[str] = []
    position = 0
    text = query.strip()
    if not text:
        raise SearchError("empty query: give one or more words to search for")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing spaces remain
            break
        quote, opening, closing, word = match.groups()
        position = match.end()
        if quote:
            end = text.find('"', position)
            if end == -1:
                raise SearchError(f"unbalanced quote in {query!r}: close the phrase with '\"'")
            phrase = text[position:end]
            position = end + 1
            prefix = text[position : position + 1] == "*"
            position += prefix
            if phrase.strip():
                parts.append(_quoted(phrase) + ("*" if prefix else ""))
        elif opening or closing:
            parts.append(opening or closing)
        elif word in OPERATORS:
            parts.append(word)
        elif word.endswith("*") and word.strip("*"):
            parts.append(_quoted(word.rstrip("*")) + "*")
        elif word.strip("*"):
            parts.append(_quoted(word))
    if not parts:
        raise SearchError(f"nothing to search for in {query!r}")
    return " ".join(_joined(parts))


def _joined(parts: list[str]) -> list[str]:
    """`parts` with AND where a parenthesised group meets a phrase or another group.

    FTS5 joins only adjacent phrases implicitly (`a (b OR c)` is a syntax error there), while
    people write `japan (missile OR launch)`; the browser search joins them the same way.
    """
    joined: list[str] = []
    for part in parts:
        previous = joined[-1] if joined else None
        after_term = previous is not None and previous not in OPERATORS and previous != "("
        term_after_group = previous == ")" and part not in OPERATORS and part != ")"
        if after_term and (part == "(" or term_after_group):
            joined.append("AND")
        joined.append(part)
    return joined


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# Japanese and Korean characters: their words are looked up in the trigram index too
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORDS = re.compile(r"[^\s()\"*]+")


def search(store: Store, query: str, filters: SearchFilters) -> list[SearchHit]:
    """Matching items, best first; SearchError for a query FTS5 refuses.

    A Japanese or Korean word matches inside longer runs of text too (北朝鮮 in 北朝鮮が, 납치 in
    납치피해자): the same query runs on the trigram index of those items, or, when one of its
    words is shorter than three characters, as a plain substring search for all its words.
    """
    expression = to_fts(query)
    words = [w for w in _WORDS.findall(query) if w not in OPERATORS]
    try:
        hits = store.search(expression, filters)
        if any(_CJK.search(w) for w in words):
            if all(len(w) >= 3 for w in words if _CJK.search(w)):
                more = store.search(expression, filters, cjk=True)
            else:
                more = store.search_substrings(words, filters)
            known = {hit.item.id for hit in hits}
            hits = [*hits, *(hit for hit in more if hit.item.id not in known)][: filters.limit]
        return hits
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "fts5" in message or "syntax" in message or "malformed" in message:
            raise SearchError(
                f"cannot search for {query!r}: check quotes, parentheses and AND/OR/NOT"
            ) from None
        raise
