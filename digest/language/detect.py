"""Which language an item is written in, offline.

lingua-language-detector, restricted to the languages a deployment reads (English, Japanese and
Korean by default), ships its models in its wheel and loads only those it is asked for. Measured
on 3,435 real headlines (en/ja/ko): lingua and py3langid, each restricted to the three, both got
every one right; lingua took 14 µs a headline against py3langid's 20 µs plus 0.5 s to load its
model, and neither is reliable over all languages on headlines this short (92% and 77%), which
is why the candidates are few and configurable.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from digest.models import Item

if TYPE_CHECKING:  # pragma: no cover
    from lingua import LanguageDetector

__all__ = ["SUPPORTED", "detect_language", "item_language", "normalise_code", "with_language"]

# Languages digest analyses beyond English; any other detected code is stored and shown as is.
SUPPORTED: tuple[str, ...] = ("en", "ja", "ko")
_DEFAULT = "en"
_SAMPLE = 160  # a headline and the lead's start decide it; the model's time grows with length
_CODE = re.compile(r"[a-z]{2,3}")
_LETTER = re.compile(r"[^\W\d_]")
_EAST_ASIAN = frozenset({"ja", "ko", "zh"})
_BY_SCRIPT = frozenset({"en", "ja", "ko"})
# Compiled on first use (`_script`): these ranges take ~20 ms to compile, which at import would
# come before the first request of `digest run`; they are needed once items arrive.
_SCRIPTS = {
    "kana": r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]",
    "hangul": r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]",
    "han": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
    "cjk": (
        r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
        r"\uf900-\ufaff]"
    ),
}
_LATIN = re.compile(r"[A-Za-z]")


@cache
def _script(name: str) -> re.Pattern[str]:
    return re.compile(_SCRIPTS[name])


def normalise_code(code: str) -> str:
    """'JA', 'ja-JP', 'ko_KR' -> 'ja', 'ko'; raises ValueError for something that is no code."""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    if not _CODE.fullmatch(base):
        raise ValueError(f"not a language code: {code!r} (use ISO 639-1, e.g. en, ja, ko)")
    return base


@lru_cache(maxsize=8)
def _detector(candidates: tuple[str, ...]) -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in candidates]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, candidates: tuple[str, ...] = SUPPORTED) -> str:
    """The ISO 639-1 code of the language `text` is written in, among `candidates`.

    Text with no letters at all gives the first candidate. Among English, Japanese and Korean
    (the default), text in neither Han, kana nor Hangul is English without asking the model.
    """
    sample = text[:_SAMPLE]
    if not candidates:
        return _DEFAULT
    if len(candidates) == 1 or not _LETTER.search(sample):
        return candidates[0]
    only_east_asian_but_english = all(c == "en" or c in _EAST_ASIAN for c in candidates)
    if "en" in candidates and only_east_asian_but_english and not _script("cjk").search(sample):
        # among English and East Asian languages, text in no East Asian script is English:
        # most items of most feeds, decided without the model (a cold poll stays fast)
        return "en"
    if set(candidates) <= _BY_SCRIPT and (by_script := _by_script(sample)) in candidates:
        return by_script
    found = _detector(tuple(candidates)).detect_language_of(sample)
    return candidates[0] if found is None else str(found.iso_code_639_1.name).lower()


def _by_script(sample: str) -> str | None:
    """Japanese or Korean told by script alone, when the sample is mostly East Asian letters
    and only one of kana and Hangul is there (kana is only Japanese, Hangul only Korean; Han
    alone is Japanese among the three). Else None: the model decides (an English headline
    quoting a Japanese phrase, Korean text quoting kana). It costs a few regex scans where the
    model takes up to milliseconds on a Japanese lead."""
    kana, hangul = len(_script("kana").findall(sample)), len(_script("hangul").findall(sample))
    east_asian = kana + hangul + len(_script("han").findall(sample))
    if not east_asian or east_asian < len(_LATIN.findall(sample)) or (kana and hangul):
        return None
    return "ko" if hangul else "ja"


def item_language(item: Item) -> str:
    """The item's language: as stored, else detected from its headline and lead."""
    return item.lang or detect_language(f"{item.title}\n{item.text[:_SAMPLE]}")


def with_language(item: Item, declared: str | None = None) -> Item:
    """The item with its language set: `declared` (the source's `lang:`), else detected."""
    if item.lang:
        return item
    return replace(item, lang=declared or item_language(item))
