"""LSH parameters equal datasketch's; band keys and candidate pairs."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from datasketch.lsh import _optimal_param

from dedupe.config import load_config
from dedupe.near import Signer, band_keys, candidate_pairs, lsh_params


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_params_equal_datasketch(threshold, num_perm):
    assert lsh_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


@pytest.mark.parametrize("threshold", [0.1, 0.35, 0.63, 0.72, 0.95])
@pytest.mark.parametrize("weights", [(0.2, 0.8), (0.9, 0.1)])
def test_weighted_params_equal_datasketch(threshold, weights):
    """Our exact quadrature (no scipy import) chooses what datasketch's scipy quad chooses."""
    assert lsh_params(threshold, 128, *weights) == _optimal_param(threshold, 128, *weights)


def test_default_params_equal_minhashlsh():
    cfg = load_config().near
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm)
    assert lsh_params(cfg.threshold, cfg.num_perm) == (lsh.b, lsh.r) == (14, 9)


def test_candidates_agree_with_datasketch_lsh():
    # Variants of one text that keep 40-100 % of it: many pairs near the threshold, where
    # whether a pair shares a band is decided by single hash values.
    cfg = load_config().near
    base = [f"w{i}" for i in range(200)]
    texts = [" ".join(base[: 200 - 3 * k] + [f"v{k}x{i}" for i in range(3 * k)]) for k in range(40)]
    sigs = Signer(cfg).sign_many(texts)
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm)
    pairs = {tuple(p) for p in candidate_pairs(band_keys(sigs, bands, rows)).tolist()}
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm)
    hashes = [MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=cfg.scheme, hashvalues=sig) for sig in sigs]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    expected = {(min(i, j), max(i, j)) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i}
    assert pairs == expected
    assert 20 < len(pairs) < 40 * 39 // 2  # the case is not trivial either way


def test_big_buckets_stay_linear():
    keys = np.zeros((1000, 2), dtype=np.uint64)  # everything in one bucket
    keys[:, 1] = np.arange(1000)
    pairs = candidate_pairs(keys)
    assert len(pairs) < 2 * 1000  # a star on the first member plus a chain, not 499,500 pairs
    linked = {int(x) for p in pairs.tolist() for x in p}
    assert linked == set(range(1000))
