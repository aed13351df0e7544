"""Deterministic grouped splits: every document of one group (translations of one source text, one
story's copies) lands in the same fold, so no group leaks between training and held-out data."""

from __future__ import annotations

import numpy as np
import xxhash


def group_folds(groups: list[str], folds: int, seed: int = 0) -> np.ndarray:
    """Fold number (0..folds-1) of each row, from a stable hash of its group and the seed."""
    return np.array([xxhash.xxh64_intdigest(str(g).encode("utf-8"), seed=seed) % folds for g in groups], dtype=np.int64)


def held_out_mask(groups: list[str], test_share: float, seed: int = 0) -> np.ndarray:
    """True for rows whose group falls in the held-out share (by a stable hash, not at random)."""
    buckets = np.array([xxhash.xxh64_intdigest(str(g).encode("utf-8"), seed=seed) % 10_000 for g in groups])
    return buckets < int(round(test_share * 10_000))
