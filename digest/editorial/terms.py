"""Terms as users write them in the topic ('abduct*', 'Abe', 'north korea'), found fast in text.

A trailing '*' matches any word ending; a term written all in lower case matches in any case, one
with a capital matches exactly; a space matches spaces or hyphens, a hyphen a hyphen, a space or
nothing. All terms of a topic are compiled once into a few regular expressions whose alternatives
share prefixes, so a long text is scanned in a few passes of the regex engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["TermMatcher", "term_regex"]


@dataclass(frozen=True, slots=True)
class _Term:
    """A user-written term taken apart: its regex pieces, its case rule, its word-start rule."""

    pieces: tuple[str, ...]  # one piece per character, then the end-of-word piece
    ignore_case: bool
    word_start: bool  # must not start inside a word


_END_WORD, _END_ANY = r"(?!\w)", r"\w*"


def _parse_term(term: str, unspaced: bool = False) -> _Term:
    core = term.strip()
    wildcard = core.endswith("*")
    if wildcard:
        core = core[:-1]
    if not core or "*" in core:
        raise ValueError(f"bad term {term!r}: '*' is allowed only once, at the end of a term")
    if not any(ch.isalnum() for ch in core):
        raise ValueError(f"bad term {term!r}: it needs at least one letter or digit")
    pieces: list[str] = []
    for i, ch in enumerate(core):
        if ch == " ":
            pieces.append(r"\s*" if i and core[i - 1] == "." else r"[\s\-‐–]+")
        elif ch in "-‐–":
            pieces.append(r"[\s\-‐–]?")
        elif ch in "'’":
            pieces.append("['’]")
        else:
            pieces.append(re.escape(ch))
    if unspaced:  # the caller checks that the term starts and ends where a morpheme does
        pieces.append(_END_ANY if wildcard else "")
        return _Term(tuple(pieces), core == core.lower(), False)
    pieces.append(_END_ANY if wildcard else (_END_WORD if core[-1].isalnum() else ""))
    return _Term(tuple(pieces), core == core.lower(), core[0].isalnum())


def term_regex(term: str) -> str:
    """The regular expression for one user-written term (see `TopicSettings` for the rules)."""
    return _regex(_parse_term(term))


def _regex(parsed: _Term) -> str:
    body = (r"(?<!\w)" if parsed.word_start else "") + "".join(parsed.pieces)
    return f"(?i:{body})" if parsed.ignore_case else f"(?:{body})"


def _trie_regex(terms: list[_Term]) -> str:
    """One alternation for many terms, sharing prefixes so the regex engine stays fast."""
    root: dict[str, Any] = {}
    for term in terms:
        node = root
        for piece in filter(None, term.pieces):
            node = node.setdefault(piece, {})
        node[""] = {}  # a term ends here

    def emit(node: dict[str, Any]) -> str:
        # longer continuations first, so the longest term wins at each position
        ends = (_END_WORD, _END_ANY)
        order = sorted((p for p in node if p), key=lambda p: p in ends)
        alternatives = [piece + emit(node[piece]) for piece in order]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root) or r"(?!)"


class TermMatcher:
    """Terms in kinds (earlier kinds win a phrase), compiled once; finds them in any text."""

    def __init__(
        self, groups: list[tuple[int, tuple[str, ...]]], *, unspaced: bool = False
    ) -> None:
        """`unspaced`: match terms anywhere, word edges unchecked (for Japanese and Korean, whose
        caller keeps only the matches that start and end on morpheme boundaries)."""
        # (kind, term, its own regex) in priority order: the first kind that claims a phrase wins
        self._terms: list[tuple[int, str, re.Pattern[str], _Term]] = []
        for kind, terms in groups:
            for term in dict.fromkeys(terms):
                one = _parse_term(term, unspaced)
                self._terms.append((kind, term, re.compile(_regex(one)), one))
        parsed = [t[3] for t in self._terms]
        # (regex, runs on lower-cased text?, regex for the original text when lowering changes it)
        self._regexes: list[tuple[re.Pattern[str], bool, re.Pattern[str]]] = []
        for ignore_case in (True, False):
            for word_start in (True, False):
                group = [
                    t for t in parsed if (t.ignore_case, t.word_start) == (ignore_case, word_start)
                ]
                if not group:
                    continue
                # a look at the first character lets the engine skip most positions quickly
                firsts = {t.pieces[0] for t in group}
                lead = ""
                if word_start and all(len(f) == 1 and f.isalnum() for f in firsts):
                    lead = "(?=[" + "".join(sorted(firsts)) + "])"
                pattern = (r"\b" if word_start else "") + lead + _trie_regex(group)
                flags = re.IGNORECASE if ignore_case else 0
                self._regexes.append((re.compile(pattern), ignore_case, re.compile(pattern, flags)))
        self._known: dict[str, tuple[int, str] | None] = {}

    def _which(self, phrase: str) -> tuple[int, str] | None:
        if phrase in self._known:
            return self._known[phrase]
        found = next(
            ((kind, term) for kind, term, regex, _ in self._terms if regex.fullmatch(phrase)),
            None,
        )
        if len(self._known) > 100_000:  # wildcards make many forms; keep the cache bounded
            self._known.clear()
        self._known[phrase] = found
        return found

    def find(self, text: str, pos: int = 0) -> list[tuple[int, int, int, str]]:
        """(start, end, kind, term) of each term found, left to right, overlaps resolved."""
        hits: list[tuple[int, int, int, str]] = []
        lower = text.lower()
        for fast, on_lower, exact in self._regexes:
            if not on_lower:
                matches = fast.finditer(text, pos)
            elif len(lower) == len(text):  # lower-casing kept every offset: the fast way
                matches = fast.finditer(lower, pos)
            else:
                matches = exact.finditer(text, pos)
            for m in matches:
                start, end = m.span()
                which = self._which(text[start:end])
                if which is not None and start < end:
                    hits.append((start, end, which[0], which[1]))
        hits.sort(key=lambda h: (h[0], -h[1], h[2]))
        kept: list[tuple[int, int, int, str]] = []
        for hit in hits:
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        return kept
