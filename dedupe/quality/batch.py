"""Signals and model inputs for a whole batch of documents (the near-duplicate facts need the batch)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe.document import Document
from dedupe.quality.context import NearFacts, batch_near_facts
from dedupe.quality.features import HashingSettings, char_matrix, char_scores, numeric_matrix
from dedupe.quality.signals import SignalSettings, Signals, batch_signals

if TYPE_CHECKING:
    import scipy.sparse as sp  # the n-gram matrix of training; scoring runs without scipy


@dataclass
class BatchFeatures:
    """Per document: its Signals; for the model: the numeric matrix and either the hashed n-gram matrix
    (training) or, when the weights were given, what the n-grams add to each label's score (scoring)."""

    signals: list[Signals]
    numeric: np.ndarray
    chars: sp.csr_matrix | None
    char_scores: np.ndarray | None = None


def batch_features(docs: list[Document], signal_settings: SignalSettings, hashing: HashingSettings,
                   *, ngram: int = 5, sample_mod: int = 4, facts: list[NearFacts] | None = None,
                   char_weights: np.ndarray | None = None) -> BatchFeatures:
    """Signals of every document, their near-duplicate context taken from the batch itself.

    `facts` given: the near-duplicate context was computed on a larger batch (a worker process
    labels one slice of it), so the slice is not its own context. `char_weights` given (labels x
    n_features): the n-gram scores instead of the n-gram matrix.
    """
    if facts is None:
        facts = batch_near_facts(docs, ngram=ngram, sample_mod=sample_mod)
    signals = batch_signals(docs, facts, signal_settings)
    numeric = numeric_matrix([s.values for s in signals], [s.lang for s in signals])
    texts = [d.text for d in docs]
    if char_weights is not None:
        return BatchFeatures(signals, numeric, None, char_scores(texts, hashing, char_weights))
    return BatchFeatures(signals, numeric, char_matrix(texts, hashing))
