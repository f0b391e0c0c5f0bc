"""A wire's version markers on headlines, and the headline without them.

Wires re-issue a report as it develops under the same headline with a marker: Yonhap's Korean
service appends (종합), (종합2보) or puts [속보] in front, its English one "(LEAD)", "(2nd LD)",
"(URGENT)"; Reuters prefixes "UPDATE 2-", Japanese services 【速報】. One outlet's headlines that
are equal without them are versions of one report.
"""

from __future__ import annotations

import re

# A marker of the wire's own versions, at the start of a headline or at its end.
_LEADING = re.compile(
    r"^\s*(?:"
    r"\[(?:속보|\d+보|종합\d*보?)\]"
    r"|【(?:速報|更新|続報|詳報)】"
    r"|\((?:LEAD|URGENT|\d+(?:st|nd|rd|th)\s+LD)(?:,[^)]*)?\)"
    r"|UPDATE\s+\d+\s*-"
    r")\s*",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"\s*[(\[](?:종합\d*보?|\d+보|속보)[)\]]\s*$")
_NUMBER = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def _split_markers(title: str) -> tuple[list[str], str]:
    """The headline's version markers (leading ones, then a trailing one) and what is left."""
    markers = []
    plain = title
    while match := _LEADING.match(plain):
        markers.append(match.group(0))
        plain = plain[match.end() :]
    if trailing := _TRAILING.search(plain):
        markers.append(trailing.group(0))
        plain = plain[: trailing.start()]
    return markers, plain


def base_headline(title: str) -> str:
    """The headline without its version marker, for comparing versions of one report."""
    plain = _split_markers(title)[1]
    return _SPACE.sub(" ", plain).strip().casefold()


def version_rank(title: str) -> int:
    """How late a version the headline's markers say it is: 0 for none, 1 for an unnumbered
    one ((종합), (LEAD)), else its number (종합2보, 2nd LD, UPDATE 2)."""
    markers = _split_markers(title)[0]
    numbers = [int(n) for marker in markers for n in _NUMBER.findall(marker)]
    return max(numbers, default=1 if markers else 0)
