"""Extractive summaries of stories, built on sumy, offline.

Text goes through sumy's `PlaintextParser` with `OfflineTokenizer` (no NLTK data) into its document
model. A sumy summariser ranks the sentences: our own `PositionalCentralitySummarizer` by default,
or any stock one. The ranking then goes through one selection step shared by all algorithms: only
clean sentences (no datelines, bylines, furniture, fragments), none too like one already chosen,
within a word budget, returned in document order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
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

from digest.summary import cleaning
from digest.summary.scoring import PositionalCentralitySummarizer, Weights, similarity_matrix
from digest.summary.sentences import OfflineTokenizer, split_text

__all__ = [
    "OfflineTokenizer",
    "SummarySettings",
    "split_sentences",
    "summarize",
    "summarize_many",
]

Algorithm = Literal[
    "pacsum", "lead", "lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic",
    "reduction",
]  # fmt: skip
LANGUAGE = "english"


class SummarySettings(BaseModel):
    """How stories are summarised (`summary:` in feeds.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: Algorithm = Field(
        default="pacsum",
        description="Sentence ranking: 'pacsum' (position-aware directed centrality, ours), "
        "'lead' (first sentences), or a stock sumy summariser.",
    )
    sentences: int = Field(
        default=3, ge=1, le=10, description="At most this many sentences per summary."
    )
    max_words: int = Field(
        default=50,
        ge=0,
        description="Word budget per summary: a sentence is skipped if more than half of it "
        "would go past the budget (the first one chosen is always kept). 0: no budget.",
    )
    min_sentence_words: int = Field(
        default=6,
        ge=1,
        le=40,
        description="Shorter sentences are treated as fragments and never picked.",
    )
    max_sentence_words: int = Field(
        default=55, ge=10, le=200, description="Longer sentences (run-ons, lists) are never picked."
    )
    redundancy: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="A sentence whose word similarity (TF-IDF cosine) to one already chosen "
        "reaches this is skipped as redundant.",
    )


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order, paragraph by paragraph; nothing is removed."""
    return [s for paragraph in cleaning.blocks(text) for s in split_text(paragraph)]


def summarize(text: str, settings: SummarySettings) -> tuple[str, ...]:
    """The best extractive summary of one article: whole sentences of its own, in its order."""
    return summarize_many((text,), settings)


def summarize_many(texts: Sequence[str], settings: SummarySettings) -> tuple[str, ...]:
    """One summary of several articles telling the same story; the first is the lead.

    Sentences come from any of the texts, the lead's are preferred, and a sentence that repeats
    one already chosen (the same fact from another outlet) is skipped. Returned in the order of
    the texts, then of the sentences within each. A sentence that leans on what comes before it
    ("But", "He said", "The two-day meeting") comes only right after the sentence it leans on,
    or after a chosen sentence that names what it refers to.
    """
    sentences, doc_ids, positions = _parse(texts)
    if not sentences:
        return ()
    similarity = similarity_matrix(sentences, _stem(), _stop_words())
    ranking = _rank(sentences, doc_ids, positions, similarity, settings)
    chosen = _select(sentences, ranking, similarity, doc_ids, positions, settings)
    chosen.sort(key=lambda i: (doc_ids[i], positions[i]))
    texts = [str(s) for s in sentences]
    kept: list[int] = []
    for i in chosen:  # in the final order, each sentence must stand on what is shown before it
        after_its_own = bool(kept) and (doc_ids[kept[-1]], positions[kept[-1]] + 1) == (
            doc_ids[i],
            positions[i],
        )
        opening = not kept and positions[i] > 0  # an article's first sentence names its own
        if after_its_own or not cleaning.is_dangling(texts[i], () if opening else None):
            kept.append(i)
    return tuple(texts[i] for i in kept)


# -- parsing -------------------------------------------------------------------------------


def _parse(texts: Sequence[str]) -> tuple[list[Sentence], np.ndarray, np.ndarray]:
    """All sentences of all texts through sumy's parser, with their text's index and position.

    Exact and near duplicates (the same sentence syndicated twice) are kept once, first wins.
    A position counts the text's sentences only: headings, menus and datelines left over from a
    page do not push its first sentence down.
    """
    tokenizer = _tokenizer()
    sentences: list[Sentence] = []
    doc_ids: list[int] = []
    positions: list[int] = []
    seen: set[str] = set()
    for doc, text in enumerate(texts):
        body = "\n\n".join(cleaning.paragraphs(text))
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


@lru_cache(maxsize=1)
def _tokenizer() -> OfflineTokenizer:
    return OfflineTokenizer(LANGUAGE)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(get_stop_words(LANGUAGE))


@lru_cache(maxsize=1)
def _stem() -> Callable[[str], str]:
    return lru_cache(maxsize=100_000)(Stemmer(LANGUAGE))


# -- ranking -------------------------------------------------------------------------------


def _rank(
    sentences: list[Sentence],
    doc_ids: np.ndarray,
    positions: np.ndarray,
    similarity: np.ndarray,
    settings: SummarySettings,
) -> list[int]:
    """Indexes of the sentences, best first."""
    if settings.algorithm == "lead":
        return sorted(range(len(sentences)), key=lambda i: (positions[i], doc_ids[i]))
    if settings.algorithm == "pacsum":
        scorer = PositionalCentralitySummarizer(_stem(), _stop_words(), Weights())
        scores = scorer.rate(sentences, positions, doc_ids, similarity)
        return sorted(range(len(sentences)), key=lambda i: -scores[i])
    return _rank_stock(sentences, doc_ids, settings)


def _rank_stock(
    sentences: list[Sentence], doc_ids: np.ndarray, settings: SummarySettings
) -> list[int]:
    """A stock sumy summariser's full ranking, captured through its `sentences_count` hook."""
    summarizer = _stock(settings.algorithm)
    # Multi-document input: the lead text first, so position-based methods see it first.
    document = ObjectDocumentModel([Paragraph(sentences)])
    ranked: list[Any] = []

    def capture(infos: list[Any]) -> list[Any]:
        ranked.extend(infos)
        return infos

    summarizer(document, capture)
    index = {id(s): i for i, s in enumerate(sentences)}
    return [index[id(info.sentence)] for info in ranked]


def _stock(name: str) -> Any:
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
    summarizer = classes[name](Stemmer(LANGUAGE))
    summarizer.stop_words = get_stop_words(LANGUAGE)
    if name == "edmundson":
        summarizer.bonus_words = PlaintextParser.SIGNIFICANT_WORDS
        summarizer.stigma_words = PlaintextParser.STIGMA_WORDS
        summarizer.null_words = get_stop_words(LANGUAGE)
    return summarizer


# -- selection -----------------------------------------------------------------------------


def _select(
    sentences: list[Sentence],
    ranking: list[int],
    similarity: np.ndarray,
    doc_ids: np.ndarray,
    positions: np.ndarray,
    settings: SummarySettings,
) -> list[int]:
    """Walk the ranking and keep clean, non-redundant sentences within the budgets.

    A sentence that leans on the one before it ("But ...", "He said ...") comes only with that
    sentence: both are taken together when they fit, else neither.
    """
    texts = [str(s) for s in sentences]
    chosen: list[int] = []
    words = 0

    def fits(group: list[int]) -> bool:
        if len(chosen) + len(group) > settings.sentences:
            return False
        for i in group:
            text = texts[i]
            if not cleaning.is_pickable(
                text, settings.min_sentence_words, settings.max_sentence_words
            ):
                return False
            if any(similarity[i, j] >= settings.redundancy for j in chosen):
                return False
        count = sum(cleaning.word_count(texts[i]) for i in group)
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
        if cleaning.is_dangling(texts[i], context):
            leans_on = i - 1
            if leans_on < 0 or doc_ids[leans_on] != doc_ids[i]:
                continue
            if leans_on not in chosen:
                if cleaning.is_dangling(texts[leans_on], context):
                    continue
                group = [leans_on, i]
        if fits(group):
            chosen.extend(group)
            words += sum(cleaning.word_count(texts[j]) for j in group)
    return chosen
