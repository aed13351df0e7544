"""The n-gram scores are the same numbers whichever way they are summed: numpy's gathers and sums
(a few documents, no scipy import) and scipy's CSR product (a batch of SPARSE_MIN_DOCS or more)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import shared_path
from dedupe.quality import ngrams
from dedupe.quality.classifier import default_model_path
from dedupe.quality.model import QualityModel


def _texts() -> list[str]:
    rows = shared_path("data", "arabic-news", "articles.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(r)["text"] for r in rows[:100]]
    gold = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    texts += [v["articleBody"] for _, v in sorted(gold.items())[:100]]
    return texts + ["", "word", " \n\t  spaced   out \n"]


def _scores(texts: list[str], sparse_min: int, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    monkeypatch.setattr(ngrams, "SPARSE_MIN_DOCS", sparse_min)
    model = QualityModel.load(default_model_path())
    h = model.hashing
    return ngrams.ngram_scores(texts, model.char_weight_matrix(), ngram_min=h.ngram_min, ngram_max=h.ngram_max,
                               max_chars=h.max_chars, sublinear=h.sublinear, lowercase=h.lowercase)


def test_numpy_and_csr_scores_are_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    by_numpy = _scores(texts, len(texts) + 1, monkeypatch)
    by_csr = _scores(texts, 1, monkeypatch)
    assert by_numpy.shape == (len(texts), 3)
    assert np.array_equal(by_numpy, by_csr)  # bit for bit: both sum each row's entries in column order
    assert np.abs(by_numpy).sum() > 0 and not by_numpy[len(texts) - 3].any()  # real scores; the empty text has none


def test_a_few_documents_are_scored_without_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below SPARSE_MIN_DOCS the CSR helper is never reached (the start-up path imports no scipy)."""
    def refuse(*args: object) -> None:
        raise AssertionError("CSR built for a small batch")

    monkeypatch.setattr(ngrams, "_csr", refuse)
    few = _texts()[:3]
    assert _scores(few, ngrams.SPARSE_MIN_DOCS, monkeypatch).shape == (3, 3)
