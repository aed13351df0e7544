"""The batch-wise signals, n-grams and near-duplicate facts equal the per-document references on real texts."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from conftest import FIXTURES, real_quality_documents
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.pipeline import run_pipeline
from dedupe.quality.classifier import signal_settings
from dedupe.quality.context import NearFacts, _order_key, batch_near_facts, batch_sampled_shingles, sampled_shingles
from dedupe.quality.features import HashingSettings, char_matrix
from dedupe.quality.ngrams import ngram_columns
from dedupe.quality.prepare import preparation_stages
from dedupe.quality.signals import batch_signals, compute_signals


def _real_documents() -> list[Document]:
    """Seeds, Arabic news, English web articles, German-English MT and HPLT snippets in many languages."""
    return real_quality_documents(seeds=True, news=40, articles=40, translations=30, hplt_every=25, extra=[
        Document(id="empty", text=""), Document(id="digits", text="12 345 678 90 -- 555-1234\n\n"),
        Document(id="one-word", text="word")])


@pytest.fixture(scope="module")
def prepared() -> list[Document]:
    return list(run_pipeline(_real_documents(), preparation_stages(load_config())))


def test_batch_signals_equal_the_per_document_reference(prepared):
    settings = signal_settings(load_config().quality)
    facts = batch_near_facts(prepared)
    batch = batch_signals(prepared, facts, settings)
    assert len({d.lang for d in prepared}) > 10
    for doc, fact, got in zip(prepared, facts, batch):
        want = compute_signals(doc, fact, settings)
        assert got.lang == want.lang
        assert got.flags == want.flags, doc.id
        assert got.evidence == want.evidence, doc.id
        assert list(got.values) == list(want.values)
        for name, value in want.values.items():
            assert got.values[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (doc.id, name)


def test_the_seeds_evidence_is_found_batch_wise(prepared):
    settings = signal_settings(load_config().quality)
    seeds = [d for d in prepared if d.id in ("003", "004")]
    signals = batch_signals(seeds, [None, None], settings)
    assert signals[0].values["mt.untranslated_ui"] >= 1
    assert signals[1].values["mt.calque"] >= 1 and signals[1].values["mt.placeholder"] >= 1


def test_ngram_rows_equal_the_per_text_reference(prepared):
    hashing = HashingSettings()
    texts = [d.text for d in prepared]
    matrix = char_matrix(texts, hashing)
    assert matrix.shape == (len(texts), hashing.n_features)
    for i, text in enumerate(texts):
        want = ngram_columns(text, n_features=hashing.n_features, ngram_min=hashing.ngram_min,
                             ngram_max=hashing.ngram_max, max_chars=hashing.max_chars)
        row = matrix[i]
        assert row.indices.tolist() == list(want)
        np.testing.assert_allclose(row.data, list(want.values()), rtol=1e-12)


def test_ngram_rows_do_not_depend_on_the_batch(prepared):
    hashing = HashingSettings()
    texts = [d.text for d in prepared]
    whole = char_matrix(texts, hashing)
    parts = [char_matrix(texts[i : i + 7], hashing) for i in range(0, len(texts), 7)]
    assert all((whole[i : i + 7] != p).nnz == 0 for i, p in zip(range(0, len(texts), 7), parts))


def _reference_near_facts(docs: list[Document], max_postings: int = 50) -> list[tuple[int, str | None, int, int]]:
    """(best, contained_in, shared, sampled) per document, counted with dicts, one shingle at a time."""
    rank = {i: r for r, i in enumerate(sorted(range(len(docs)), key=lambda i: _order_key(docs[i])))}
    shingles = [sampled_shingles(d.text) for d in docs]
    postings: dict[int, list[int]] = {}
    for i in sorted(range(len(docs)), key=rank.get):
        for h in shingles[i]:
            postings.setdefault(h, []).append(i)
    out = []
    for i in range(len(docs)):
        earlier: Counter[int] = Counter()
        anywhere: Counter[int] = Counter()
        for h in shingles[i]:
            if len(postings[h]) > max_postings:
                continue
            for j in postings[h]:
                if j != i:
                    anywhere[j] += 1
                    if rank[j] < rank[i]:
                        earlier[j] += 1
        best_j, best = min(earlier.items(), key=lambda t: (-t[1], rank[t[0]])) if earlier else (None, 0)
        out.append((best, docs[best_j].id if best_j is not None and best else None,
                    max(anywhere.values(), default=0), len(shingles[i])))
    return out


def test_near_facts_equal_the_one_shingle_at_a_time_reference():
    corpus = [json.loads(line) for line in (FIXTURES / "sample" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = [Document(id=r["id"], text=r["text"], published=r.get("published"), input_order=i) for i, r in enumerate(corpus)]
    docs += [Document(id="again-" + d.id, text=d.text, input_order=len(docs) + i) for i, d in enumerate(docs[:5])]
    facts = batch_near_facts(docs)
    assert any(f.containment > 0.5 for f in facts)
    for doc, fact, (best, contained_in, shared, sampled) in zip(docs, facts, _reference_near_facts(docs)):
        assert isinstance(fact, NearFacts)
        assert fact.containment == pytest.approx(best / sampled if sampled else 0.0), doc.id
        assert fact.contained_in == contained_in, doc.id
        assert fact.shared_copy == pytest.approx(shared / sampled if sampled else 0.0), doc.id


def test_batch_sampled_shingles_equal_the_per_text_sets(prepared):
    texts = [d.text for d in prepared]
    hashes, owner = batch_sampled_shingles(texts)
    for i, text in enumerate(texts):
        assert set(hashes[owner == i].tolist()) == sampled_shingles(text)


def test_ngram_scores_equal_the_matrix_times_the_weights(prepared):
    from dedupe.quality.classifier import default_model_path
    from dedupe.quality.features import char_scores
    from dedupe.quality.model import QualityModel

    model = QualityModel.load(default_model_path())
    texts = [d.text for d in prepared]
    weights = model.char_weight_matrix()
    want = np.column_stack([model.label_models[l].char_scores(char_matrix(texts, model.hashing)) for l in model.labels])
    np.testing.assert_allclose(char_scores(texts, model.hashing, weights), want, rtol=1e-12, atol=1e-15)
    in_sevens = np.vstack([char_scores(texts[i : i + 7], model.hashing, weights) for i in range(0, len(texts), 7)])
    assert np.array_equal(in_sevens, char_scores(texts, model.hashing, weights))  # a row never depends on its batch


def test_the_packed_sorts_are_numpys_stable_argsort_and_lexsort():
    from dedupe.quality.sorting import sort_by, stable_order

    rng = np.random.default_rng(8)
    for trial in range(300):
        vocab = rng.integers(0, 2**64 - 1, int(rng.integers(1, 400)), dtype=np.uint64)
        if trial % 3 == 0:
            vocab &= np.uint64(0xFF)  # keys that differ only in the low bits, where positions are packed
        keys = vocab[rng.integers(0, len(vocab), int(rng.integers(0, 3000)))]
        assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable")), trial
        columns = [rng.integers(0, int(rng.integers(1, 60)), len(keys)) for _ in range(1 + trial % 3)]
        if trial % 7 == 0:
            columns[0] = columns[0] << 40  # too wide to pack: numpy's lexsort answers
        assert np.array_equal(sort_by(*columns), np.lexsort(columns[::-1])), trial


def test_whitespace_runs_collapse_as_the_regex_does_batch_wise():
    import random

    from dedupe.quality.ngrams import _collapsed, collapse

    rng = random.Random(3)
    alphabet = [" ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "a", "é", "\U0001F600", "ب"]
    for _ in range(2000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(0, 6))]
        cps, lengths = _collapsed(texts, 9, False)
        bounds = np.r_[0, np.cumsum(lengths)]
        got = [cps[a:b].tobytes().decode("utf-32-le") for a, b in zip(bounds[:-1], bounds[1:])]
        assert got == [collapse(t, 9) for t in texts] and bounds[-1] == len(cps), texts


def test_sampled_shingles_do_not_depend_on_the_hashing_chunk(prepared, monkeypatch):
    from dedupe.quality import context

    texts = [d.text for d in prepared]
    whole = batch_sampled_shingles(texts)
    monkeypatch.setattr(context, "SHINGLE_CHUNK", 7)
    chunked = batch_sampled_shingles(texts)
    assert all(np.array_equal(a, b) for a, b in zip(whole, chunked))


def test_distinct_pairs_by_document_equal_lexsort_then_dedup():
    """context._distinct_by_doc (two stable sorts) gives np.lexsort's order, each pair once."""
    from dedupe.quality.context import _distinct_by_doc

    rng = np.random.default_rng(11)
    for trial in range(200):
        n = int(rng.integers(0, 4000))
        vocab = rng.integers(0, 2**64 - 1, int(rng.integers(1, 300)), dtype=np.uint64)
        if trial % 3 == 0:
            vocab &= np.uint64(0xFFF)  # hashes equal in their high bits
        hashes = vocab[rng.integers(0, len(vocab), n)]
        high = 70_000 if trial % 5 == 0 else int(rng.integers(1, 50))  # beyond 16 bits: the general sort
        doc = rng.integers(0, high, n).astype(np.int64)
        order = np.lexsort((hashes, doc))
        h, d = hashes[order], doc[order]
        keep = np.ones(n, dtype=bool)
        keep[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
        got_h, got_d = _distinct_by_doc(hashes, doc)
        assert np.array_equal(got_h, h[keep]) and np.array_equal(got_d, d[keep]), trial
