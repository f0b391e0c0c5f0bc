"""One story across languages: whether a Japanese, a Korean and an English item report one event.

Versions of one report in different languages share few words but the same figures, names and
places (`digest.language.anchors`). Two items in different languages are linked only when
they were published within `hours` of each other, the figures in their headlines do not
disagree, one headline names something the other item's lead has, and what their headlines
and leads share weighs enough: each shared figure (not a bare day of the month or a year) and
each shared Latin-script name counts two, each shared person, place or subject of the
gazetteer one, a Korean person's whole name in both headlines two (김병기 and Kim Byung-kee)
and in both leads only one (one such person at most); the countries of the topic count
nothing, since every item names them. Within 12 hours, names heard alike in other scripts
count one each (at most two), and a Japanese and a Korean lead may share enough Sino-Korean
wording to count like a figure or, closely, to link alone (their headlines and first
sentences too, for a feed that cuts its leads short). Between Japanese and Korean a name
counts two as well when the Korean text glosses it in hanja (무라야마 도미이치(村山富市)) or
spells a Japanese kanji name as it sounds (小泉 and 고이즈미, 靖国 and 야스쿠니). Between an
English item and the others, words one headline says or means that the other item's lead
means or says (`digest.language.glosses`) add one when there are two or more, each word
counted once. Versions more than 12 hours apart need one more: the next day of a thread
shares its cast and its figures.
Like the rest of grouping it errs towards keeping items apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from datetime import UTC
from itertools import combinations

from digest.language.anchors import COUNTRIES, Anchors, anchors
from digest.language.glosses import english_words, meanings, word_meanings
from digest.language.sentences import sentence_spans
from digest.language.sino import pieces, sino_words, words_shared
from digest.models import ScoredItem

__all__ = ["CrossLinks", "english_gloss", "opening_words"]

_LEAD_CHARS = 500  # the headline and lead name the event; a roundup's tail must not count
_NEEDED = 3  # weight of shared anchors that links two versions of one report
_NEEDED_APART = 4  # ... published more than _NEAR_HOURS apart: a thread's next day shares much
_NONE: frozenset[str] = frozenset()
_COMMON = 0.2  # an anchor in more than this share of the items (and more than 5) finds no pairs
_NEAR_HOURS = 12.0  # names heard alike count only for versions this close in time
_SOUNDS_COUNTED = 2  # at most this many names heard alike count (a thread shares its cast)
_WORDING = (8, 0.25)  # kanji words of the Japanese lead the Korean one has, and their part
_WORDING_ALONE = (5, 0.4)
_SIGNATURE = 3  # rarest Sino-Korean words of a headline that find candidate pairs
_EVERYDAY = 0.02  # an English word in more than this share of the leads means nothing
_MEANT = 2  # English words a Japanese or Korean lead means that the English lead has ...
# ... add one, never more: a thread's every report means them too (court, trial), so they
# tip a pair its figures and names nearly link and never carry one
_MEANT_COUNTED = 1


_Senses = tuple[tuple[str, frozenset[str]], ...]


def _marks(found: Anchors) -> frozenset[str]:
    return found.numbers | found.names | (found.concepts - COUNTRIES)


def _meet(x: Anchors, y: Anchors) -> bool:
    """Does x name something y has: a figure (perhaps rounded), a name (in any script) or a
    concept?"""
    return bool(
        x.figures_shared(y)
        or (_marks(x) - x.numbers) & (_marks(y) - y.numbers)
        or x.sounds & y.sounds
        or x.glosses_shared(y)
        or words_shared(x.sino, y.sino)
        or words_shared(y.sino, x.sino)
    )


def _persons(names: frozenset[str]) -> frozenset[str]:
    """The Korean persons' whole names among `names` (digest.language.persons)."""
    return frozenset(n for n in names if n.startswith("person:"))


def _disagree(ta: Anchors, tb: Anchors) -> bool:
    """Headline figures of one kind (percentages, or one currency, or other counts) with
    nothing in common, even rounded: 0.15% is not 0.64%, but a headline's 35% and the other's
    16.1 billion may be two figures of one report, as may a Japanese headline's yen and the
    won of the Korean one."""
    for unit in {u for _, u in ta.units} & {u for _, u in tb.units}:
        x = Anchors(frozenset(n for n, u in ta.units if u == unit), _NONE, _NONE)
        y = Anchors(frozenset(n for n, u in tb.units if u == unit), _NONE, _NONE)
        if not x.figures_shared(y):
            return True
    return False


def _wording(japanese: frozenset[str], korean: frozenset[str], near: bool) -> int:
    """Weight of the Sino-Korean words a Japanese and a Korean text share: a good part of the
    Japanese text's kanji words is the wording of one report, like a shared figure; close in
    time, a larger part is enough by itself."""
    if not (japanese and korean):
        return 0
    shared = words_shared(japanese, korean)
    part = shared / len(japanese)
    if near and shared >= _WORDING_ALONE[0] and part >= _WORDING_ALONE[1]:
        return _NEEDED
    return 2 if shared >= _WORDING[0] and part >= _WORDING[1] else 0


def opening_words(title: str, text: str, lang: str) -> frozenset[str]:
    """The Sino words of a Japanese or Korean headline and its lead's first sentence: a feed
    that cuts its leads short (Yonhap's Korean ones stop at about 100 characters) is compared
    with as much of the other version as it has."""
    if lang not in ("ja", "ko"):
        return _NONE
    spans = sentence_spans(text[:_LEAD_CHARS], lang)
    first = text[spans[0][0] : spans[0][1]] if spans else ""
    return sino_words(f"{title}\n{first}", lang)


def _words(text: str, lang: str) -> frozenset[str]:
    """English stems of the text: its own words, or what its Japanese or Korean words mean."""
    return english_words(text) if lang == "en" else meanings(text, lang)


def _common(words: Sequence[frozenset[str]]) -> frozenset[str]:
    """English stems in more than `_EVERYDAY` of the items (and more than 5): the period's
    everyday words (make, work, high), which tell no two reports apart."""
    spread: dict[str, int] = defaultdict(int)
    for stems in words:
        for stem in stems:
            spread[stem] += 1
    cap = max(5, int(_EVERYDAY * len(words)))
    return frozenset(w for w, n in spread.items() if n > cap)


def _signatures(
    index: dict[str, list[int]],
    kind: str,
    words: Sequence[Sequence[Set[str]]],
    langs: Sequence[str],
    cap: int,
) -> None:
    """Index each item under the `_SIGNATURE` rarest of its words that an item in another
    language has too (and no more than `cap` items). A word is a set of keys: one glossed
    several ways (병합: merge, annex, meld) is one word, found under the rarest of them."""
    spread: dict[str, int] = defaultdict(int)
    spoken: dict[str, set[str]] = defaultdict(set)
    for item_words, lang in zip(words, langs, strict=True):
        for key in {k for word in item_words for k in word}:
            spread[key] += 1
            spoken[key].add(lang)
    for i, item_words in enumerate(words):
        best = set()
        for word in item_words:
            usable = [(spread[k], k) for k in word if spread[k] <= cap and len(spoken[k]) > 1]
            if usable:
                best.add(min(usable))
        for _, key in sorted(best)[:_SIGNATURE]:
            index[kind + key].append(i)


def _hours(s: ScoredItem) -> float:
    moment = s.item.published or s.item.seen_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 3600.0


class CrossLinks:
    """Cross-language links among `items` (in grouping's canonical order), computed on demand."""

    def __init__(self, items: Sequence[ScoredItem], hours: float) -> None:
        self.hours = hours
        self.langs = [s.item.lang or "en" for s in items]
        self.active = len(set(self.langs)) > 1  # one language: nothing to do, nothing computed
        self.when = [_hours(s) for s in items] if self.active else []
        self.titles: list[Anchors] = []
        self.leads: list[Anchors] = []
        self.title_words: list[frozenset[str]] = []
        self.lead_words: list[frozenset[str]] = []
        self.openings: list[frozenset[str]] = []  # Sino words of the headline and first sentence
        # each Japanese or Korean word with what it means (for English items, nothing)
        self.title_senses: list[_Senses] = []
        self.lead_senses: list[_Senses] = []
        for s in items if self.active else ():
            lang = s.item.lang or "en"
            lead = f"{s.item.title}\n{s.item.text[:_LEAD_CHARS]}"
            self.titles.append(anchors(s.item.title, lang))
            self.leads.append(anchors(lead, lang))
            title_words = _words(s.item.title, lang)  # the lead's: the headline's and the text's
            self.title_words.append(title_words)
            self.lead_words.append(title_words | _words(s.item.text[:_LEAD_CHARS], lang))
            self.openings.append(opening_words(s.item.title, s.item.text, lang))
            title_senses = word_meanings(s.item.title, lang)
            self.title_senses.append(title_senses)
            self.lead_senses.append(title_senses + word_meanings(s.item.text[:_LEAD_CHARS], lang))
        self.common = _common(self.lead_words) if self.active else _NONE

    def applies(self, i: int, j: int) -> bool:
        """Are i and j in different languages (so decided here, not by word similarity)?"""
        return self.active and self.langs[i] != self.langs[j]

    def candidates(self) -> list[tuple[int, int]]:
        """Pairs in different languages sharing a figure, a name or a word (never all pairs)."""
        if not self.active:
            return []
        index: dict[str, list[int]] = defaultdict(list)
        for i, lead in enumerate(self.leads):
            for key in _marks(lead) | lead.approx:
                index[key].append(i)
        cap = max(5, int(_COMMON * len(self.leads)))
        # a Japanese and a Korean headline may share only words: each brings its rarest few
        words = [
            {p for run in t.sino for p in pieces(run)} if lang == "ja" else t.sino
            for t, lang in zip(self.titles, self.langs, strict=True)
        ]
        _signatures(index, "sino:", [[{w} for w in item] for item in words], self.langs, cap)
        # ... and a headline and its English version what the one means and the other says
        meant = [
            [{w} for w in said] if lang == "en" else [means for _, means in senses]
            for said, senses, lang in zip(
                self.title_words, self.title_senses, self.langs, strict=True
            )
        ]
        _signatures(index, "meant:", meant, self.langs, cap)
        pairs = {
            (i, j)
            for members in index.values()
            if len(members) <= cap
            for i, j in combinations(members, 2)
            if self.langs[i] != self.langs[j]
        }
        return sorted(pairs)

    def _meant(self, i: int, j: int) -> int:
        """How many words one headline has or means that the other item's lead has or means
        (one of the two is English), less the period's everyday words; none unless the two
        headlines share one of them. Each word counts once on either side: a Korean word
        glossed "death, dead, fatal" is one word, as is an English one two Korean words mean."""
        if "en" not in (self.langs[i], self.langs[j]) or self.langs[i] == self.langs[j]:
            return 0
        if not (self.title_words[i] & self.title_words[j]) - self.common:
            return 0
        e, k = (i, j) if self.langs[i] == "en" else (j, i)
        said_title = self.title_words[e] - self.common
        said_lead = self.lead_words[e] - self.common
        stems = (said_lead & self.title_words[k]) | (said_title & self.lead_words[k])
        words = {
            w
            for senses, said in (
                (self.title_senses[k], said_lead),
                (self.lead_senses[k], said_title),
            )
            for w, means in senses
            if means & said
        }
        return min(len(stems), len(words))

    def _spelt(self, i: int, j: int) -> bool:
        """Does a Japanese headline's kanji name appear spelt in the Korean lead, or the other
        way round?"""
        if {self.langs[i], self.langs[j]} != {"ja", "ko"}:
            return False
        ja, ko = (i, j) if self.langs[i] == "ja" else (j, i)
        return bool(
            self.titles[ja].spelt_in(self.leads[ko]) or self.leads[ja].spelt_in(self.titles[ko])
        )

    def weight(self, i: int, j: int) -> tuple[int, int]:
        """What i and j share, weighed, and the weight that links them (0, 1 when they cannot
        be linked at all)."""
        if abs(self.when[i] - self.when[j]) > self.hours:
            return 0, 1
        ta, tb = self.titles[i], self.titles[j]
        a, b = self.leads[i], self.leads[j]
        if _disagree(ta, tb):
            return 0, 1  # the year's close is not the day's opening, 179 is not 180
        near = abs(self.when[i] - self.when[j]) <= _NEAR_HOURS
        meant = self._meant(i, j) if near else 0  # a thread's next day shares its words
        if not (_meet(ta, b) or _meet(tb, a) or meant >= _MEANT or self._spelt(i, j)):
            return 0, 1  # what they share must be in one of the headlines: the event, not a detail
        weight = (
            2 * a.figures_shared(b)
            + 2 * len((a.names & b.names) - _persons(a.names))
            # a person counts two named in both headlines; in the leads only, one at most: a
            # thread's events share its cast (Kim Keon Hee and her special counsel Min)
            + 2 * len(_persons(ta.names & tb.names))
            + min(1, len(_persons(a.names & b.names) - (ta.names & tb.names)))
            + 2 * a.glosses_shared(b)
            + len((a.concepts & b.concepts) - COUNTRIES)
        )
        if near:
            weight += min(_SOUNDS_COUNTED, len(a.sounds & b.sounds))
        if {self.langs[i], self.langs[j]} == {"ja", "ko"}:
            ja, ko = (i, j) if self.langs[i] == "ja" else (j, i)
            weight += 2 * self.leads[ja].spelt_in(self.leads[ko])
            weight += max(
                _wording(self.leads[ja].sino, self.leads[ko].sino, near),
                _wording(self.openings[ja], self.openings[ko], near),
            )
        weight += min(_MEANT_COUNTED, max(0, meant - _MEANT + 1))
        return weight, _NEEDED if near else _NEEDED_APART

    def link(self, i: int, j: int) -> float:
        """A positive score when i and j tell the same story in two languages, else 0."""
        weight, needed = self.weight(i, j)
        return weight / (weight + _NEEDED) if weight >= needed else 0.0


def english_gloss(
    lead: ScoredItem, others: Sequence[ScoredItem], services: Mapping[str, str]
) -> str:
    """The English headline of the lead's story: the lead's own, or its source's English
    service's.

    A source "supplies" a gloss in two ways: its feed entry carries the headline in English
    beside its own (two titles, one `xml:lang="en"`: the item's `gloss`), which wins; or the
    config names its English service (`gloss:`, e.g. Yonhap Korean -> Yonhap English) and
    grouping put that service's version of the report in the same story: the wire's own
    translation, never another outlet's headline. The version published nearest the lead
    wins; "" when the lead is English or no version is there.
    """
    if (lead.item.lang or "en") == "en":
        return ""
    if lead.item.gloss:
        return lead.item.gloss
    service = services.get(lead.item.source)
    if service is None or (lead.item.lang or "en") == "en":
        return ""
    versions = [o for o in others if o.item.source == service and o.item.lang == "en"]
    if not versions:
        return ""
    nearest = min(versions, key=lambda o: abs(_hours(o) - _hours(lead)))
    return nearest.item.title
