"""Morphemes of Japanese (SudachiPy, sudachidict-core) and Korean (Kiwi) text, loaded lazily.

Both analysers ship their dictionaries and models inside their PyPI packages; nothing is fetched.
They load on the first Japanese or Korean text (Sudachi ~0.1 s, Kiwi ~0.7 s), so English-only runs
never pay for them. Japanese uses Sudachi's shortest units (mode A), so every boundary a
longer unit has is one too: a term matches when it starts and ends on a boundary (北 in
北ミサイル, not in 北海道, a single morpheme). Korean text mixes Hanja shorthand into Hangul
words (日다카이치, 北비핵화): a change of script is always a boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

__all__ = [
    "Morpheme",
    "at_boundaries",
    "content_words",
    "japanese_proper_nouns",
    "korean_stems",
    "morphemes",
]

ANALYSED = frozenset({"ja", "ko"})
_CONTEXT = 24  # characters of context either side of a term for the analyser


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    start: int  # character offsets in the analysed text
    end: int
    lemma: str  # the dictionary form (Japanese: Sudachi's normalised form)
    content: bool  # a noun, name, verb or adjective stem, number or foreign word


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_WORD_RUN = re.compile(r"\w+")
_JA_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "代名詞")
_KO_CONTENT = ("NN", "NR", "VV", "VA", "XR", "SL", "SH", "SN", "NP")


@lru_cache(maxsize=1)
def _sudachi() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi(load_typo_dict=False, load_multi_dict=False)  # the typo models cost memory


def _japanese(text: str) -> list[Morpheme]:
    out = []
    for m in _sudachi().tokenize(text):
        pos = m.part_of_speech()[0]
        if pos == "空白":
            continue
        out.append(
            Morpheme(m.surface(), m.begin(), m.end(), m.normalized_form(), pos in _JA_CONTENT)
        )
    return out


def _korean(text: str) -> list[Morpheme]:
    out = []
    for t in _kiwi().tokenize(text):
        start, end = t.start, t.start + t.len
        content = t.tag.startswith(_KO_CONTENT)
        surface = text[start:end]
        pieces = _script_pieces(surface) if _HAN.search(surface) else [(0, len(surface))]
        for a, b in pieces:
            lemma = t.form if (a, b) == (0, len(surface)) else surface[a:b]
            if t.tag.startswith(("VV", "VA")):
                lemma += "다"
            out.append(Morpheme(surface[a:b], start + a, start + b, lemma, content))
    return out


def _script_pieces(surface: str) -> list[tuple[int, int]]:
    """Spans of `surface` cut where Hanja meets another script (日다카이치 -> 日, 다카이치)."""
    cuts = {0, len(surface)}
    for m in _HAN.finditer(surface):
        cuts.update((m.start(), m.end()))
    ordered = sorted(cuts)
    return list(pairwise(ordered))


@lru_cache(maxsize=50_000)
def _analysed(text: str, lang: str) -> tuple[Morpheme, ...]:
    return tuple(_japanese(text) if lang == "ja" else _korean(text))


def morphemes(text: str, lang: str) -> tuple[Morpheme, ...]:
    """The morphemes of a Japanese or Korean text (empty for any other language)."""
    if lang not in ANALYSED or not text.strip():
        return ()
    return _analysed(text, lang)


# Particles and endings a Korean noun takes in running text (longest first): 쿠팡은, 서열이.
_KO_PARTICLES = re.compile(
    r"(?:에서는|에서도|으로는|이라는|라는|에서|에게|으로|부터|까지|보다|처럼|과의|와의|의|은|는|이|가"
    r"|을|를|와|과|에|도|로|만|측|씨)$"
)


def korean_stems(text: str) -> list[str]:
    """The Hangul words of a Korean text with a trailing particle cut (쿠팡은 -> 쿠팡): nouns
    and names as a dictionary would list them, found without the analyser (Kiwi costs about
    2 ms a lead; this, microseconds). Verbs come out as stems of no use, and are harmless."""
    out = []
    for run in _HANGUL.findall(text):
        stem = _KO_PARTICLES.sub("", run) if len(run) > 2 else run
        out.append(stem or run)
    return out


@lru_cache(maxsize=20_000)
def japanese_proper_nouns(text: str) -> tuple[tuple[str, str], ...]:
    """The proper nouns of a Japanese text written in kanji, with their readings in katakana
    (靖国, ヤスクニ; 村山, ムラヤマ): Sudachi's dictionary knows how names are read."""
    out = []
    for m in _sudachi().tokenize(text):
        if m.part_of_speech()[1] == "固有名詞" and _HAN.search(m.surface()):
            out.append((m.surface(), m.reading_form()))
    return tuple(out)


def content_words(text: str, lang: str) -> list[str]:
    """Lemmas of the content morphemes (for sumy's word model and for grouping)."""
    return [m.lemma for m in morphemes(text, lang) if m.content]


def _same_script(a: str, b: str) -> bool:
    """Could a morpheme run on from `a` into `b`? (Both letters of one kind of script.)"""
    if not (a.isalnum() and b.isalnum()):
        return False
    kinds = ["hangul" if _HANGUL.match(c) else "han" if _HAN.match(c) else "other" for c in (a, b)]
    if "hangul" in kinds:
        return kinds[0] == kinds[1]
    return True


@lru_cache(maxsize=50_000)
def _run_boundaries(run: str, lang: str) -> frozenset[int]:
    cuts = {0, len(run)}
    for morpheme in _analysed(run, lang):
        cuts.update((morpheme.start, morpheme.end))
    for script in (_HAN if lang == "ko" else _HANGUL).finditer(run):
        cuts.update((script.start(), script.end()))
    return frozenset(cuts)


@lru_cache(maxsize=10_000)
def _inner_cuts(term: str, lang: str) -> int:
    """How many morpheme boundaries lie inside a term analysed on its own."""
    return len(_run_boundaries(term, lang)) - 2


def at_boundaries(text: str, lang: str, spans: Iterable[tuple[int, int]]) -> list[bool]:
    """For each (start, end) in `text`: is it a whole sequence of morphemes, cut no finer than
    the same characters analysed alone? (日朝 in 日朝会談 is one morpheme; in 15日朝, "on the
    morning of the 15th", it spans two and is no match.)

    Only the run of letters around a span whose edges touch letters of the same script is
    analysed (most spans touch a space, a particle's script change or punctuation), so the cost
    is a few short runs per item, not the whole text.
    """
    result = []
    for start, end in spans:
        left = start > 0 and _same_script(text[start - 1], text[start])
        right = end < len(text) and _same_script(text[end - 1], text[end])
        if lang not in ANALYSED or not (left or right):
            result.append(True)
            continue
        lo, hi = _run_at(text, start, end)
        cuts = _run_boundaries(text[lo:hi], lang)
        whole = start - lo in cuts and end - lo in cuts
        inner = sum(1 for c in cuts if start - lo < c < end - lo)
        result.append(whole and inner <= _inner_cuts(text[start:end], lang))
    return result


def _run_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of word characters around text[start:end], at most 24 characters each way
    (enough context for the analyser to cut the span as it would in the whole sentence)."""
    lo = start
    while lo > 0 and start - lo < _CONTEXT and text[lo - 1].isalnum():
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < _CONTEXT and text[hi].isalnum():
        hi += 1
    return lo, hi
