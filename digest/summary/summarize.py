"""Extractive summaries of stories, built on sumy, offline.

Text goes through sumy's `PlaintextParser` with `OfflineTokenizer` (no NLTK data) into its document
model. A sumy summariser ranks the sentences: our own `PositionalCentralitySummarizer` by default,
or any stock one. The ranking then goes through one selection step shared by all algorithms: only
clean sentences (no datelines, bylines, furniture, fragments), none too like one already chosen,
within a word budget, returned in document order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from digest.language.morphemes import ANALYSED
from digest.summary import cjk, cleaning, references
from digest.summary.scoring import PositionalCentralitySummarizer, Weights, similarity_matrix
from digest.summary.sentences import OfflineTokenizer, split_text
from digest.summary.settings import SummarySettings

__all__ = [
    "OfflineTokenizer",
    "SummarySettings",
    "split_sentences",
    "summarize",
    "summarize_many",
]

LANGUAGE = "english"


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order, paragraph by paragraph; nothing is removed."""
    return [s for paragraph in cleaning.blocks(text) for s in split_text(paragraph)]


def summarize(text: str, settings: SummarySettings, lang: str = "en") -> tuple[str, ...]:
    """The best extractive summary of one article: whole sentences of its own, in its order."""
    return summarize_many((text,), settings, lang)


def summarize_many(
    texts: Sequence[str], settings: SummarySettings, lang: str = "en"
) -> tuple[str, ...]:
    """One summary of several articles telling the same story; the first is the lead.

    Sentences come from any of the texts, the lead's are preferred, and a sentence that repeats
    one already chosen (the same fact from another outlet) is skipped. Returned in the order of
    the texts, then of the sentences within each. A sentence that leans on what comes before it
    ("But", "He said", "The two-day meeting") comes only right after the sentence it leans on,
    or after a chosen sentence that names what it refers to. Japanese and Korean texts (`lang`)
    are split and cleaned by their own rules (`digest.summary.cjk`).
    """
    lang = lang if lang in ANALYSED else "en"
    sentences, doc_ids, positions = _parse(texts, lang)
    if not sentences:
        return ()
    similarity = similarity_matrix(sentences, _stem(lang), _stop_words(lang))
    ranking = _rank(sentences, doc_ids, positions, similarity, settings, lang)
    texts = [str(s) for s in sentences]
    if settings.algorithm != "lead":
        ranking = _lede_first(ranking, texts, doc_ids, positions, settings, lang)
    needs = _names_needed(texts, doc_ids) if lang == "en" else [frozenset()] * len(texts)
    chosen = _select(sentences, ranking, similarity, doc_ids, positions, needs, settings, lang)
    chosen.sort(key=lambda i: (doc_ids[i], positions[i]))
    kept: list[int] = []
    leans = cjk.rules(lang, 0, 0).is_dangling
    for i in chosen:  # in the final order, each sentence must stand on what is shown before it
        after_its_own = bool(kept) and (doc_ids[kept[-1]], positions[kept[-1]] + 1) == (
            doc_ids[i],
            positions[i],
        )
        opening = not kept and positions[i] > 0  # an article's first sentence names its own
        if not references.names_met(needs[i], (texts[k] for k in kept)):
            continue
        if after_its_own or not leans(texts[i], () if opening else None):
            kept.append(i)
    return tuple(texts[i] for i in kept)


# Two outlets telling one fact often share its wording ("take place between August 24 and
# 31") while the rest of their sentences differ too much for the similarity bar.
_SPAN_WORDS = 5
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _TOKEN.findall(text)]


def _word_spans(words: list[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(words[k : k + _SPAN_WORDS]) for k in range(len(words) - _SPAN_WORDS + 1))


def _same_fact(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    """Do two sentences share a run of words long enough to be one fact said twice?"""
    return not a.isdisjoint(b)


# A sentence whose content words are this share or more of what is shown already tells the
# reader nothing new (0.7: checked by reading every sentence it drops in 243 stories of all
# weeks under a broad topic; at 0.6 it still drops only near-repeats).
_SEEN_SHARE = 0.7


def _content_words(words: list[str], lang: str) -> frozenset[str]:
    stop = _stop_words(lang)
    return frozenset(w for w in words if w not in stop)


def _adds_little(words: frozenset[str], shown: set[str]) -> bool:
    """Is nearly every content word of a sentence shown already (the same report told again,
    perhaps with one detail changed)?"""
    return bool(words) and len(words & shown) >= _SEEN_SHARE * len(words)


def _names_needed(texts: list[str], doc_ids: np.ndarray) -> list[frozenset[str]]:
    """For each sentence, the full names of people it calls by one name after its own text
    named them in full ("Masao Okonogi" ... "echoed Okonogi's views")."""
    needs: list[frozenset[str]] = []
    earlier: dict[str, str] = {}
    for i, text in enumerate(texts):
        if i and doc_ids[i] != doc_ids[i - 1]:
            earlier = {}
        needs.append(references.unmet_names(text, earlier))
        for word, name in references.full_names(text).items():
            earlier.setdefault(word, name)
    return needs


# -- parsing -------------------------------------------------------------------------------


def _parse(texts: Sequence[str], lang: str) -> tuple[list[Sentence], np.ndarray, np.ndarray]:
    """All sentences of all texts through sumy's parser, with their text's index and position.

    Exact and near duplicates (the same sentence syndicated twice) are kept once, first wins.
    A position counts the text's sentences only: headings, menus and datelines left over from a
    page do not push its first sentence down.
    """
    tokenizer = _tokenizer(lang)
    sentences: list[Sentence] = []
    doc_ids: list[int] = []
    positions: list[int] = []
    seen: set[str] = set()
    for doc, text in enumerate(texts):
        blocks = cleaning.paragraphs(text) if lang == "en" else cjk.paragraphs(text)
        body = "\n\n".join(blocks)
        document = PlaintextParser.from_string(body, tokenizer).document
        position = 0
        for sentence in document.sentences:
            key = " ".join(w.lower() for w in sentence.words)
            text = str(sentence)
            if key and key in seen:
                position += cleaning.ends_as_sentence(text)
                continue
            seen.add(key)
            sentences.append(sentence)
            doc_ids.append(doc)
            positions.append(position)
            position += cleaning.ends_as_sentence(text)
    return sentences, np.array(doc_ids, dtype=int), np.array(positions, dtype=int)


@lru_cache(maxsize=4)
def _tokenizer(lang: str) -> OfflineTokenizer | cjk.CjkTokenizer:
    return OfflineTokenizer(LANGUAGE) if lang == "en" else cjk.CjkTokenizer(lang)


@lru_cache(maxsize=4)
def _stop_words(lang: str) -> frozenset[str]:
    # Japanese and Korean words are content morphemes already: nothing to stop
    return frozenset(get_stop_words(LANGUAGE)) if lang == "en" else frozenset()


def _same(word: str) -> str:
    return word


@lru_cache(maxsize=4)
def _stem(lang: str) -> Callable[[str], str]:
    # Japanese and Korean words come in dictionary form from the analysers
    return lru_cache(maxsize=100_000)(Stemmer(LANGUAGE)) if lang == "en" else _same


# -- ranking -------------------------------------------------------------------------------


def _rank(
    sentences: list[Sentence],
    doc_ids: np.ndarray,
    positions: np.ndarray,
    similarity: np.ndarray,
    settings: SummarySettings,
    lang: str,
) -> list[int]:
    """Indexes of the sentences, best first."""
    if settings.algorithm == "lead":
        return sorted(range(len(sentences)), key=lambda i: (positions[i], doc_ids[i]))
    if settings.algorithm == "pacsum":
        scorer = PositionalCentralitySummarizer(_stem(lang), _stop_words(lang), Weights())
        scores = scorer.rate(sentences, positions, doc_ids, similarity)
        return sorted(range(len(sentences)), key=lambda i: -scores[i])
    return _rank_stock(sentences, doc_ids, settings, lang)


def _rank_stock(
    sentences: list[Sentence], doc_ids: np.ndarray, settings: SummarySettings, lang: str
) -> list[int]:
    """A stock sumy summariser's full ranking, captured through its `sentences_count` hook."""
    summarizer = _stock(settings.algorithm, lang)
    # Multi-document input: the lead text first, so position-based methods see it first.
    document = ObjectDocumentModel([Paragraph(sentences)])
    ranked: list[Any] = []

    def capture(infos: list[Any]) -> list[Any]:
        ranked.extend(infos)
        return infos

    summarizer(document, capture)
    index = {id(s): i for i, s in enumerate(sentences)}
    return [index[id(info.sentence)] for info in ranked]


def _stock(name: str, lang: str) -> Any:
    classes: dict[str, Any] = {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer,
        "edmundson": EdmundsonSummarizer,
        "kl": KLSummarizer,
        "sumbasic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
    }
    summarizer = classes[name](_stem(lang))
    summarizer.stop_words = _stop_words(lang)
    if name == "edmundson":
        summarizer.bonus_words = PlaintextParser.SIGNIFICANT_WORDS
        summarizer.stigma_words = PlaintextParser.STIGMA_WORDS
        summarizer.null_words = _stop_words(lang)
    return summarizer


# -- selection -----------------------------------------------------------------------------


def _lede_first(
    ranking: list[int],
    texts: list[str],
    doc_ids: np.ndarray,
    positions: np.ndarray,
    settings: SummarySettings,
    lang: str,
) -> list[int]:
    """The ranking with the lead text's lede first, when the lede may be shown at all.

    An editor opens a story with its lead report's own first sentence: the reporter's summary
    of the news. Centrality favours instead the shorter sentences that restate it (in one text)
    or that most outlets share (in several), which may be the one outlet's that got a detail
    wrong. ROUGE on the summaries set is level with and without it (tune half R-2 -0.07, test
    half +0.17).
    """
    pickable = cjk.rules(lang, settings.min_sentence_words, settings.max_sentence_words)
    lede = next(
        (
            i
            for i in range(len(texts))
            if doc_ids[i] == 0
            and positions[i] == 0
            and cleaning.ends_as_sentence(texts[i])
            and pickable.is_pickable(texts[i])
        ),
        None,
    )
    if lede is None:
        return ranking
    return [lede, *(i for i in ranking if i != lede)]


def _select(
    sentences: list[Sentence],
    ranking: list[int],
    similarity: np.ndarray,
    doc_ids: np.ndarray,
    positions: np.ndarray,
    needs: Sequence[frozenset[str]],
    settings: SummarySettings,
    lang: str = "en",
) -> list[int]:
    """Walk the ranking and keep clean, non-redundant sentences within the budgets.

    A sentence that leans on the one before it ("But ...", "He said ...") comes only with that
    sentence: both are taken together when they fit, else neither.
    """
    texts = [str(s) for s in sentences]
    rules = cjk.rules(lang, settings.min_sentence_words, settings.max_sentence_words)
    count_words, dangling, pickable = rules.word_count, rules.is_dangling, rules.is_pickable
    words_of = [_words(text) for text in texts]  # each sentence tokenised once
    spans = [_word_spans(words) for words in words_of]
    contents = [_content_words(words, lang) for words in words_of]
    seen_words: set[str] = set()
    chosen: list[int] = []
    words = 0

    def fits(group: list[int]) -> bool:
        if len(chosen) + len(group) > settings.sentences:
            return False
        for i in group:
            text = texts[i]
            if not pickable(text):
                return False
            if any(
                similarity[i, j] >= settings.redundancy or _same_fact(spans[i], spans[j])
                for j in chosen
            ):
                return False
            if _adds_little(contents[i], seen_words):
                return False
        count = sum(count_words(texts[i]) for i in group)
        return not (chosen and settings.max_words and words + count / 2 > settings.max_words)

    for i in ranking:
        if len(chosen) == settings.sentences:
            break
        if i in chosen:
            continue
        group = [i]
        # What opens the summary may not lean at all, unless it opens its article too: there
        # "The death toll rose to 12" is a first mention, not a reference back.
        context = None if chosen or positions[i] == 0 else ()
        if dangling(texts[i], context):
            leans_on = i - 1
            if leans_on < 0 or doc_ids[leans_on] != doc_ids[i]:
                continue
            if leans_on not in chosen:
                if dangling(texts[leans_on], context):
                    continue
                group = [leans_on, i]
        # "Okonogi's views" only after a chosen sentence that named Masao Okonogi
        if any(needs[j] for j in group):
            shown = [texts[j] for j in chosen + group[:-1]]
            if not all(references.names_met(needs[j], shown) for j in group):
                continue
        if fits(group):
            chosen.extend(group)
            seen_words.update(*(contents[j] for j in group))
            words += sum(count_words(texts[j]) for j in group)
    return chosen
