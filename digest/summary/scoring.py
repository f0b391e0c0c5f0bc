"""Our sentence scorer: position-aware directed centrality, in the spirit of PacSum.

PacSum (Zheng & Lapata 2019, "Sentence Centrality Revisited for Unsupervised Summarization")
observes that in news a sentence is important when the sentences *after* it elaborate on it, while
similarity with sentences *before* it mostly marks repetition. So each sentence is credited by its
similarity with later sentences and debited by its similarity with earlier ones, on a graph whose
weak edges are cut. We use TF-IDF cosine over stemmed content words (no neural encoder) and add
what news writing makes cheap to know: earlier is better, the reader needs sentences that stand
alone (no "He said" openers), and quotations rarely summarise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sumy.summarizers._summarizer import AbstractSummarizer

from digest.summary import cleaning


@dataclass(frozen=True, slots=True)
class Weights:
    """The scorer's constants, chosen on the even lines of the CNN dev set (`--part tune`).

    threshold: edges weaker than min + threshold * (max - min) of the similarities are cut.
    forward / backward: credit for similarity with later / earlier sentences of the same text.
    across: credit for similarity with sentences of the other texts (multi-document).
    position / decay: a prior of position * exp(-index / decay), index within its text.
    opening: credit for similarity with the text's first sentence (the lede stands in for a
        headline: later sentences that restate it carry the story).
    length / ideal: penalty for a length away from `ideal` words, relative to it (short
        summaries read better in a digest and carry less that is off the point).
    lead: bonus for sentences of the first (lead) text (multi-document).
    dangling / quote: penalties for a backward-pointing opener and for a sentence opening a quote.
    """

    threshold: float = 0.0
    forward: float = 1.0
    backward: float = -0.5
    across: float = 0.5
    position: float = 0.25
    decay: float = 3.0
    opening: float = 0.5
    length: float = 0.4
    ideal: float = 15.0
    lead: float = 0.2
    dangling: float = 0.1
    quote: float = 0.3


def tfidf_vectors(
    sentences: Sequence[Any], stem: Callable[[str], str], stop_words: frozenset[str]
) -> np.ndarray:
    """Unit-length TF-IDF rows over stemmed content words, one per sumy sentence."""
    vocabulary: dict[str, int] = {}
    rows: list[list[int]] = []
    for sentence in sentences:
        row = []
        for word in sentence.words:
            lowered = word.lower()
            if lowered in stop_words or len(lowered) < 2:
                continue
            row.append(vocabulary.setdefault(stem(lowered), len(vocabulary)))
        rows.append(row)
    counts = np.zeros((len(rows), max(len(vocabulary), 1)))
    for i, row in enumerate(rows):
        np.add.at(counts[i], row, 1.0)
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
    vectors = counts * idf
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0))


def similarity_matrix(
    sentences: Sequence[Any], stem: Callable[[str], str], stop_words: frozenset[str]
) -> np.ndarray:
    vectors = tfidf_vectors(sentences, stem, stop_words)
    return np.asarray(vectors @ vectors.T)


def centrality_scores(
    similarity: np.ndarray,
    texts: Sequence[str],
    positions: np.ndarray,
    doc_ids: np.ndarray,
    weights: Weights,
) -> np.ndarray:
    """One score per sentence: directed centrality plus position prior, less penalties."""
    n = len(texts)
    sim = similarity.copy()
    np.fill_diagonal(sim, 0.0)
    if n > 1:
        off = sim[~np.eye(n, dtype=bool)]
        low, high = float(off.min()), float(off.max())
        edges = np.maximum(sim - (low + weights.threshold * (high - low)), 0.0)
    else:
        edges = sim
    same = doc_ids[:, None] == doc_ids[None, :]
    later = positions[None, :] > positions[:, None]
    forward = (edges * (same & later)).sum(axis=1)
    backward = (edges * (same & ~later)).sum(axis=1)
    across = (edges * ~same).sum(axis=1)
    centrality = weights.forward * forward + weights.backward * backward + weights.across * across
    top = float(np.abs(centrality).max())
    if top > 0:
        centrality = centrality / top
    scores = centrality + weights.position * np.exp(-positions / weights.decay)
    # Each text's first real sentence (not a heading or a menu line left over from a page).
    real = np.array([cleaning.ends_as_sentence(t) for t in texts], dtype=bool)
    firsts = np.array([_first(doc_ids == d, real) for d in doc_ids])
    scores += weights.opening * similarity[np.arange(n), firsts] * (positions > 0)
    lengths = np.array([cleaning.word_count(t) for t in texts], dtype=float)
    scores -= weights.length * np.abs(lengths - weights.ideal) / weights.ideal
    scores += weights.lead * (doc_ids == 0)
    dangling = np.array([cleaning.is_dangling(t) for t in texts], dtype=bool)
    quoting = np.array([t[:1] in "\"“'‘" for t in texts], dtype=bool)
    scores -= weights.dangling * dangling + weights.quote * quoting
    return np.asarray(scores)


def _first(in_text: np.ndarray, real: np.ndarray) -> int:
    found = np.flatnonzero(in_text & real)
    return int(found[0] if found.size else np.flatnonzero(in_text)[0])


class PositionalCentralitySummarizer(AbstractSummarizer):  # type: ignore[misc]
    """A sumy summariser ranking sentences by `centrality_scores` (name: "pacsum")."""

    def __init__(
        self,
        stemmer: Callable[[str], str],
        stop_words: frozenset[str],
        weights: Weights | None = None,
    ) -> None:
        super().__init__(stemmer)
        self._stop_words = frozenset(w.lower() for w in stop_words)
        self._weights = weights or Weights()

    def rate(
        self,
        sentences: Sequence[Any],
        positions: np.ndarray | None = None,
        doc_ids: np.ndarray | None = None,
        similarity: np.ndarray | None = None,
    ) -> np.ndarray:
        """Scores of sumy sentences; one text in order unless positions and doc_ids say else."""
        n = len(sentences)
        positions = np.arange(n) if positions is None else positions
        doc_ids = np.zeros(n, dtype=int) if doc_ids is None else doc_ids
        if similarity is None:
            similarity = similarity_matrix(sentences, self._stemmer, self._stop_words)
        texts = [str(s) for s in sentences]
        return centrality_scores(similarity, texts, positions, doc_ids, self._weights)

    def __call__(self, document: Any, sentences_count: Any) -> Any:
        """sumy's interface: the best `sentences_count` sentences of a document, in order."""
        sentences = document.sentences
        if not sentences:
            return ()
        ratings = dict(zip(sentences, self.rate(sentences), strict=True))
        return self._get_best_sentences(sentences, sentences_count, ratings)
