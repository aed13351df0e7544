"""The fast signature path equals datasketch.MinHash fed our shingles, bit for bit, per scheme."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.config import load_config
from dedupe.near import Signer
from dedupe.near.arrays import batch_shingle_hashes
from dedupe.text import char_shingles, hashfunc_for, normalise, shingle_hash, tokens, word_shingles
from tests.conftest import shared_path

SCHEMES = ("affine32", "affine64", "legacy")


def near_cfg(**changes):
    cfg = load_config().near
    for key, value in changes.items():
        setattr(cfg, key, value)
    return cfg


def reference(text: str, cfg) -> np.ndarray:
    """datasketch's hash values for the shingles dedupe.text builds from `text`."""
    toks = tokens(normalise(text, ta_marbuta=cfg.ta_marbuta))
    if cfg.shingle == "char" or len(toks) < cfg.min_words_for_word_shingles:
        kind, shingles = "char", char_shingles(toks, cfg.char_ngram)
    else:
        kind, shingles = "word", word_shingles(toks, cfg.ngram)
    m = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=hashfunc_for(cfg.scheme, kind), scheme=cfg.scheme)
    m.update_batch(shingles)
    return m.hashvalues


def real_texts() -> list[str]:
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    news = shared_path("data", "arabic-news", "articles.jsonl")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    with news.open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for _, line in zip(range(40), fh)]
    return texts


@pytest.mark.parametrize("scheme", SCHEMES)
def test_real_documents_equal_datasketch(scheme):
    cfg = near_cfg(scheme=scheme)
    texts = real_texts()
    sigs = Signer(cfg, batch_docs=16).sign_many(texts)  # several batches
    for text, sig in zip(texts, sigs):
        ref = reference(text, cfg)
        assert sig.dtype == ref.dtype
        assert np.array_equal(sig, ref)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_random_strings_equal_datasketch(scheme):
    rng = random.Random(7)
    alphabet = "abc أإآابتثىيؤئة ً ٌ ـ ٣٤ ،؟ \n" + "ﻻÄℌǰ\u0654\u0301\ud800"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(60)]
    for cfg in (near_cfg(scheme=scheme), near_cfg(scheme=scheme, min_words_for_word_shingles=0, num_perm=64, seed=3)):
        sigs = Signer(cfg).sign_many(texts)
        for text, sig in zip(texts, sigs):
            assert np.array_equal(sig, reference(text, cfg)), text


def test_char_shingles_and_ta_marbuta_options_equal_datasketch():
    texts = real_texts()[:4]
    for cfg in (near_cfg(shingle="char"), near_cfg(ta_marbuta=True), near_cfg(ngram=3, char_ngram=7, shingle="char")):
        for text, sig in zip(texts, Signer(cfg).sign_many(texts)):
            assert np.array_equal(sig, reference(text, cfg))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=6))
def test_array_shingle_hashes_equal_reference(texts):
    bh = batch_shingle_hashes(texts, ngram=3, min_words=0)
    for i, text in enumerate(texts):
        toks = tokens(normalise(text))
        expected = [shingle_hash(s) for s in word_shingles(toks, 3)]
        got = bh.hashes[bh.offsets[i] : bh.offsets[i + 1]].tolist()
        assert got == expected


def test_exact_key_ignores_layout_and_punctuation_only():
    signer = Signer(near_cfg())
    a = "الخبر الأول، في سطر\n\nوسطر آخر."
    assert signer.exact_key(a) == signer.exact_key("الخبر الاول في   سطر وسطر اخر")
    assert signer.exact_key(a) != signer.exact_key("الخبر الثاني في سطر وسطر اخر")
    _, keys, _ = signer.sign_with_keys([a, "x"])
    assert int(keys[0]) == signer.exact_key(a)


def test_empty_text_gives_datasketch_empty_signature():
    for scheme in SCHEMES:
        sig = Signer(near_cfg(scheme=scheme)).sign("  ... ؟ ")
        assert np.array_equal(sig, MinHash(num_perm=128, seed=1, scheme=scheme).hashvalues)


@pytest.mark.parametrize("scheme", ["affine32", "affine64", "legacy"])
@pytest.mark.parametrize("num_perm, seed", [(128, 1), (64, 7), (256, 0), (1, 3)])
def test_permutations_equal_datasketch(scheme, num_perm, seed):
    """Drawn without importing datasketch (start-up), but the very values (and dtype) datasketch draws."""
    from dedupe.near.minhash import permutations

    a, b = permutations(num_perm, seed, scheme)
    ref_a, ref_b = (np.asarray(x) for x in MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations)
    assert a.dtype == ref_a.dtype and b.dtype == ref_b.dtype
    assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)
