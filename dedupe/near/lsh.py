"""Banded LSH: bands × rows from the threshold (as datasketch derives them), band keys, candidate pairs."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.integrate import quad

from dedupe.text.hashing import Q, fmix64_array

_MAX_ALL_PAIRS = 64  # larger buckets link members in a chain plus a star on the first, not all pairs


def _false_positive_area(threshold: float, bands: int, rows: int) -> float:
    """Probability mass of becoming a candidate below the threshold."""
    return quad(lambda s: 1.0 - (1.0 - s ** float(rows)) ** float(bands), 0.0, threshold)[0]


def _false_negative_area(threshold: float, bands: int, rows: int) -> float:
    """Probability mass of not becoming a candidate above the threshold."""
    return quad(lambda s: (1.0 - s ** float(rows)) ** float(bands), threshold, 1.0)[0]


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and false negative areas.

    The same search as datasketch.MinHashLSH does for its default weights, so an index built
    here and a MinHashLSH with the same threshold and num_perm band signatures the same way.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    best_error, best = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = fp_weight * _false_positive_area(threshold, bands, rows) + fn_weight * _false_negative_area(
                threshold, bands, rows
            )
            if error < best_error:
                best_error, best = error, (bands, rows)
    return best


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
