"""Banded LSH: bands × rows from the threshold (as datasketch derives them), band keys, candidate pairs."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dedupe.text.hashing import Q, fmix64_array

_MAX_ALL_PAIRS = 64  # larger buckets link members in a chain plus a star on the first, not all pairs


def _areas(threshold: float, num_perm: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every (bands, rows) with bands * rows <= num_perm, in datasketch's search order: the
    false positive area (candidate below the threshold) and false negative area (not a candidate above).

    Both integrands, 1 - (1 - s^r)^b and (1 - s^r)^b, are polynomials of degree r*b <= num_perm, so
    Gauss-Legendre quadrature with num_perm//2 + 1 nodes integrates them exactly (up to rounding):
    the areas datasketch gets from scipy's adaptive `quad`, without importing scipy at start-up.
    """
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([b for b, _ in pairs], dtype=np.float64)[:, None]
    rows = np.array([r for _, r in pairs], dtype=np.float64)[:, None]
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(lo: float, hi: float, below: bool) -> np.ndarray:
        s = (hi - lo) / 2.0 * nodes + (hi + lo) / 2.0
        miss = (1.0 - s[None, :] ** rows) ** bands
        values = 1.0 - miss if below else miss
        return (values * weights[None, :]).sum(axis=1) * (hi - lo) / 2.0

    return bands[:, 0], rows[:, 0], integral(0.0, threshold, True), integral(threshold, 1.0, False)


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and false negative areas.

    The same search as datasketch.MinHashLSH does for its default weights, so an index built
    here and a MinHashLSH with the same threshold and num_perm band signatures the same way
    (tests/test_lsh.py holds the choice against scipy's quadrature over a grid of settings).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    bands, rows, fp, fn = _areas(threshold, num_perm)
    best = int(np.argmin(fp_weight * fp + fn_weight * fn))  # the first minimum, as datasketch's strict `<` keeps
    return int(bands[best]), int(rows[best])


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (document, band): a hash of the band's rows and of the band number."""
    n = signatures.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    q = np.uint64(Q)
    for band in range(bands):
        acc = np.full(n, band + 1, dtype=np.uint64)
        for col in range(band * rows, (band + 1) * rows):
            acc *= q
            acc += signatures[:, col].astype(np.uint64)
        out[:, band] = fmix64_array(acc)
    return out


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """Unique (i, j) pairs, i < j, of rows sharing a band key (k × 2 int64, sorted)."""
    n, bands = keys.shape
    found: list[np.ndarray] = []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        if not same.any():
            continue
        # Runs of equal keys: [run_start, run_end) in sorted order.
        starts = np.flatnonzero(np.diff(np.concatenate(([False], same)).astype(np.int8)) == 1)
        ends = np.flatnonzero(np.diff(np.concatenate((same, [False])).astype(np.int8)) == -1) + 2
        two = (ends - starts) == 2  # the common case, vectorised
        if two.any():
            pair = np.stack((order[starts[two]], order[starts[two] + 1]), axis=1)
            found.append(np.sort(pair, axis=1))
        for a, b in zip(starts[~two].tolist(), ends[~two].tolist()):
            found.append(_bucket_pairs(np.sort(order[a:b])))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    return np.unique(pairs, axis=0)


def _bucket_pairs(members: np.ndarray) -> np.ndarray:
    """Pairs to verify inside one bucket: all of them when small, else a star plus a chain."""
    k = len(members)
    if k <= _MAX_ALL_PAIRS:
        i, j = np.triu_indices(k, 1)
        return np.stack((members[i], members[j]), axis=1)
    star = np.stack((np.full(k - 1, members[0]), members[1:]), axis=1)
    chain = np.stack((members[:-1], members[1:]), axis=1)
    return np.concatenate((star, chain))
