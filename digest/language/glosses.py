"""What Japanese and Korean words mean in English: JMdict (the `jamdict-data` package), and for
Korean the project's glossary of news words first (`digest.language.korean_news`).

A Korean or Japanese version of a report and the English one share hardly a figure when the
report is about words: a resignation, trials merged, a fee waived. JMdict, the free
Japanese-English dictionary, gives each Japanese word its English glosses (弾道: trajectory,
ballistic; ロケット: rocket). Korean writes the same Sino words in Hangul, so each kanji word's
Korean reading (`digest.language.sino`) leads to the same glosses (탄도 -> 弾道 -> ballistic),
kept only where one dictionary word reads so (수도 is 首都 and 水道: neither is kept), unless
the glossary gives the word's sense in news (사고, 事故 and not 思考: accident).

Only the dictionary's common words (marked frequent in news or everyday use) and the first two
senses of each are used: the usual meanings, not every figurative one. Glosses and English text
are cut to stems alike ("exported", "exports": export). The dictionary is a 310 MB SQLite file
in its package, opened read-only the first time a Japanese or Korean item is compared with an
English one; English alone never opens it, and without the package only the glossary means.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from functools import lru_cache

from digest.language.korean_news import korean_glossary
from digest.language.morphemes import korean_stems
from digest.language.sino import hangul_reading

__all__ = ["english_words", "meanings", "word_meanings"]

_KANJI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]{2,}")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]{3,}")
_ALL_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,4}")
_WORD = re.compile(r"[a-z]{3,}")
_BRACKETS = re.compile(r"\([^)]*\)")
_COMMON_TAGS = ("news1", "news2", "ichi1", "ichi2", "spec1", "spec2", "gai1", "gai2")
_SENSES = 2
_LONGEST = 7  # syllables of the longest word a Korean word is looked up as (배타적경제수역)
# Words that name no event: grammar, and (the last lines) what nearly every report of the
# period's news says: its countries, offices, currencies.
_STOP_TEXT = """
    the and for with from that this into over after not all any one two its his her their
    who what which when where how why than then there here been being was were are has have
    had will would can could may might must shall should also only very much more most less
    such other some each every both either own same out off upon via per etc something
    someone somebody thing things person people way kind sort part used use esp
    korea korean japan japanese north south china chinese nation national country
    government state year day time month week today yesterday new said say says since
    president presidential minister ministry official police news report data won yen
    dollar percent announce announced unveil unveiled plan plans
    """
_STOP = frozenset(_STOP_TEXT.split())
# Hangul words of Korean grammar that a kanji word happens to read alike (대해: 大海, ocean)
_NATIVE = frozenset(
    ["대해", "위해", "통해", "대한", "위한", "통한", "가장", "지난", "이날", "이번", "또한", "다시"]
)
# Endings cut so that a word's forms meet (resigns, resigned, resignation: resign); both sides
# are cut alike, which is all that matters (nltk's stemmers take seconds to import).
_ENDINGS = re.compile(
    r"(?:ations?|itions?|ments?|ings?|ions?|ness|ies|ied|ers?|ors?|ed|es|ly|al|ic|s)$"
)


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    # a final e goes first, so that a word and its plural meet (device and devices: dev)
    word = word[:-1] if len(word) > 3 and word.endswith("e") else word
    for _ in range(2):  # trials -> trial -> tri, as trial -> tri
        if len(word) > 4:
            word = _ENDINGS.sub("", word, count=1) or word
    return word


def _stems(text: str) -> set[str]:
    words = _WORD.findall(_BRACKETS.sub(" ", text.lower()))
    return {_stem(w) for w in words if w not in _STOP}


_GENERIC = frozenset(_stem(w) for w in _STOP)


class _Dictionary:
    """Japanese forms and Korean readings of common words, each with its glosses' stems."""

    def __init__(self, path: str) -> None:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            self.forms, entries = self._forms(db)
        finally:
            db.close()
        self.readings = self._readings(entries)

    def _forms(self, db: sqlite3.Connection) -> tuple[dict[str, str], dict[str, set[int]]]:
        marks = ",".join("?" * len(_COMMON_TAGS))
        # each common kanji form, and the kana form of a word written without kanji (ロケット)
        common = f"""SELECT k.text, k.idseq FROM Kanji k JOIN KJP p ON p.kid = k.ID
            WHERE p.text IN ({marks})
            UNION SELECT k.text, k.idseq FROM Kana k JOIN KNP p ON p.kid = k.ID
            WHERE p.text IN ({marks})
            AND NOT EXISTS (SELECT 1 FROM Kanji j WHERE j.idseq = k.idseq)"""
        forms = db.execute(common, _COMMON_TAGS * 2).fetchall()
        # the glosses of each word's first senses, one row a sense
        rows = db.execute(
            f"""SELECT idseq, glosses FROM (
                SELECT s.idseq, group_concat(g.text, ' ; ') AS glosses,
                ROW_NUMBER() OVER (PARTITION BY s.idseq ORDER BY s.ID) AS n
                FROM Sense s JOIN SenseGloss g ON g.sid = s.ID
                WHERE g.lang = 'eng' AND s.idseq IN (SELECT idseq FROM ({common}))
                GROUP BY s.ID)
            WHERE n <= {_SENSES}""",
            _COMMON_TAGS * 2,
        )
        meaning: dict[int, set[str]] = defaultdict(set)
        for entry, glosses in rows:
            meaning[entry] |= _stems(glosses)
        stems: dict[str, set[str]] = defaultdict(set)
        entries: dict[str, set[int]] = defaultdict(set)
        for form, entry in forms:
            stems[form] |= meaning.get(entry, set())
            entries[form].add(entry)
        # stems joined in one string: 40,000 sets would each be walked by every garbage
        # collection of the process; a string is not
        kept = {form: " ".join(sorted(s - _GENERIC)) for form, s in stems.items() if s - _GENERIC}
        return kept, entries

    def _readings(self, entries: dict[str, set[int]]) -> dict[str, str]:
        """Korean reading -> glosses, for readings only one dictionary word has."""
        words: dict[str, set[int]] = defaultdict(set)
        stems: dict[str, str] = {}
        for form, glosses in self.forms.items():
            if _ALL_KANJI.fullmatch(form):
                reading = hangul_reading(form)
                words[reading] |= entries[form]
                stems[reading] = glosses
        return {r: stems[r] for r, found in words.items() if len(found) == 1}


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary | None:
    try:
        from jamdict_data import JAMDICT_DB_PATH  # type: ignore[import-untyped]
    except ImportError:
        return None
    return _Dictionary(str(JAMDICT_DB_PATH))


def _segments(stem: str, readings: dict[str, str], curated: dict[str, str]) -> list[str]:
    """The words a Korean word is made of, longest first from its start: 정상회담 -> 정상회담
    (the glossary's) and 발표했다 -> 발표 (JMdict's reading). Past syllables no word reads (a
    verb's ending, a native word or a loanword: 비자수수료, visa fees), a reading is taken only
    of three syllables or more: two syllables read as a Sino word by chance too often (빨래,
    그만); the glossary's words, chosen for news, are taken at any length from two."""
    if stem in curated:
        return [stem]  # a whole word, even of one syllable (빚, debt)
    out, start, shortest = [], 0, 2
    while start < len(stem) - 1:
        for end in range(min(len(stem), start + _LONGEST), start + 1, -1):
            piece = stem[start:end]
            if piece in curated or (end - start >= shortest and piece in readings):
                out.append(piece)
                start = end
                break
        else:
            start, shortest = start + 1, 3
    return out


@lru_cache(maxsize=20_000)
def meanings(text: str, lang: str) -> frozenset[str]:
    """The English stems that the Japanese or Korean words of `text` mean; empty for English
    (see `english_words`); Japanese needs JMdict installed, Korean has the glossary too."""
    return frozenset(stem for _, stems in word_meanings(text, lang) for stem in stems)


@lru_cache(maxsize=20_000)
def word_meanings(text: str, lang: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each Japanese or Korean word of `text` that means something, with the English stems it
    means: one word glossed "death, dead, fatal" is still one word the two versions share."""
    if lang == "ko":
        found = ((stem, _korean_word(stem)) for stem in korean_stems(text))
        return tuple((word, stems) for word, stems in dict(found).items() if stems)
    dictionary = _dictionary() if lang == "ja" else None
    if dictionary is None:
        return ()
    out: dict[str, frozenset[str]] = {}
    for run in (*_KANJI_RUN.findall(text), *_KATAKANA_RUN.findall(text)):
        if run in dictionary.forms:
            out[run] = frozenset(dictionary.forms[run].split())
            continue
        for k in range(len(run) - 1):  # 輸出契約: 輸出 and 契約
            if glossed := dictionary.forms.get(run[k : k + 2]):
                out[run[k : k + 2]] = frozenset(glossed.split())
    return tuple(out.items())


@lru_cache(maxsize=1)
def _curated() -> dict[str, str]:
    """The glossary's Korean forms with their meanings cut to stems as JMdict's glosses are."""
    return {
        form: " ".join(sorted(_stems(english) - _GENERIC))
        for form, english in korean_glossary().items()
    }


@lru_cache(maxsize=50_000)
def _korean_word(stem: str) -> frozenset[str]:
    """What one Korean word means (a headline's words recur in its lead and in other items):
    the glossary's sense where it has the word, else JMdict's through the kanji reading."""
    if stem in _NATIVE:
        return frozenset()
    dictionary = _dictionary()
    readings = dictionary.readings if dictionary is not None else {}
    curated = _curated()
    return frozenset(
        " ".join(
            curated[word] if word in curated else readings[word]
            for word in _segments(stem, readings, curated)
        ).split()
    )


@lru_cache(maxsize=20_000)
def english_words(text: str) -> frozenset[str]:
    """The stems of an English text's words, cut as `meanings` cuts the glosses."""
    return frozenset(_stems(text))
