"""Containment: truncated copies found (in the batch and through the index), excerpts left alone."""

from __future__ import annotations

import json

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.config import load_config
from dedupe.document import Document
from dedupe.index import open_index
from dedupe.near import band_keys, find_clusters, index_settings
from dedupe.near.settings import candidate_threshold, lsh_shape
from dedupe.near.signer import Signer, distinct_counts
from dedupe.near.verify import MatchRule, estimate_containment
from dedupe.text import normalise, tokens, word_shingles
from tests.conftest import shared_path


def articles(n: int = 40) -> list[str]:
    """Long real Arabic news articles (at least 300 words)."""
    path = shared_path("data", "arabic-news", "articles.jsonl")
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    return [t for t in texts if len(t.split()) >= 300][:n]


def first_words(text: str, share: float) -> str:
    """The text cut after `share` of its words, as a site that truncates copies does."""
    kept = text.split(" ")
    return " ".join(kept[: int(len(kept) * share)])


def shingle_set(text: str) -> set[str]:
    return set(word_shingles(tokens(normalise(text)), 5))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), max_size=40), min_size=1, max_size=8))
def test_distinct_counts_equal_set_sizes(docs: list[list[int]]) -> None:
    """Small integers stand for shingles; their 64-bit hashes are what gets counted."""
    hashes = np.array([xxhash.xxh3_64_intdigest(str(h).encode()) for d in docs for h in d], dtype=np.uint64)
    offsets = np.cumsum([0] + [len(d) for d in docs])
    assert distinct_counts(hashes, offsets).tolist() == [len(set(d)) for d in docs]


def test_containment_from_jaccard_and_sizes_is_exact_on_real_pairs() -> None:
    texts = articles(6)
    for text in texts:
        a, b = shingle_set(first_words(text, 0.7)), shingle_set(text)
        jaccard = len(a & b) / len(a | b)
        expected = len(a & b) / min(len(a), len(b))
        got = estimate_containment(np.array([jaccard]), np.array([len(a)]), np.array([len(b)]))[0]
        assert abs(got - expected) < 1e-9


def test_candidate_threshold_reaches_the_weakest_containment_match() -> None:
    near = load_config().near
    c, r = near.containment, near.containment_min_ratio
    weakest = c * r / (1 + r - c * r)  # Jaccard of a copy with containment c at length ratio r
    assert abs(candidate_threshold(near) - weakest) < 1e-12
    rule = MatchRule.from_config(near)
    assert rule.decide_sizes(np.array([weakest + 1e-9]), np.array([c]), np.array([60]), np.array([100])).all()
    assert not rule.decide_sizes(np.array([0.3]), np.array([1.0]), np.array([30]), np.array([100])).any()


def _docs(texts: list[str]) -> list[Document]:
    return [Document(id=f"d{i}", text=t, input_order=i) for i, t in enumerate(texts)]


def test_truncated_copies_join_their_original_and_excerpts_do_not() -> None:
    cfg = load_config()
    originals = articles(20)
    truncated = [first_words(t, 0.7) for t in originals[:10]]
    excerpts = [first_words(t, 0.3) for t in originals[10:]]
    docs = _docs(originals + truncated + excerpts)
    find_clusters(docs, cfg.near, cfg.keep_policy)
    n = len(originals)
    for k in range(10):
        copy = docs[n + k]
        assert copy.duplicate_of == docs[k].id, (k, copy.cluster)
        assert copy.cluster.containment >= cfg.near.containment
    assert all(d.duplicate_of is None for d in docs[n + 10 :])  # excerpts: below the length ratio
    assert all(d.duplicate_of is None for d in docs[:n])

    cfg.near.containment = 0.0  # Jaccard alone misses most truncated copies
    docs = _docs(originals + truncated)
    find_clusters(docs, cfg.near, cfg.keep_policy)
    assert sum(d.duplicate_of is not None for d in docs) < 10


def test_truncated_copy_found_through_the_index(tmp_path) -> None:
    cfg = load_config()
    originals = articles(8)
    signer = Signer(cfg.near)
    signed = signer.sign_all(originals)
    keys = band_keys(signed.signatures, *lsh_shape(cfg.near))
    with open_index(tmp_path / "index.sqlite", index_settings(cfg.near)) as index:
        index.add_batch((f"o{i}", int(signed.exact_keys[i]), signed.signatures[i], keys[i], int(signed.sizes[i]))
                        for i in range(len(originals)))
        copies = _docs([first_words(t, 0.7) for t in originals])
        find_clusters(copies, cfg.near, cfg.keep_policy, index=index, update_index=False)
    assert [d.duplicate_of for d in copies] == [f"o{i}" for i in range(len(originals))]
