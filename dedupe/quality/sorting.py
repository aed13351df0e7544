"""Sorts of a batch's integer keys, as numpy's but faster: a plain sort of keys packed with positions.

numpy's stable argsort and lexsort of 64-bit keys are several times slower than its plain sort
(a vectorised quicksort); packing each key with its position into one 64-bit word gets the same
permutation from a plain sort whenever the packing loses nothing, and falls back otherwise.
"""

from __future__ import annotations

import numpy as np


def stable_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") of uint64 keys, 5-10x faster: one plain sort of each key's high
    bits packed with its position in the low bits. Keys that share those high bits but differ (rare)
    would be ordered by position instead of by key; then the stable argsort answers."""
    n = len(keys)
    bits = max(int(n - 1).bit_length(), 1)
    if n < 2 or bits > 32 or keys.dtype != np.uint64:
        return np.argsort(keys, kind="stable")
    low = np.uint64((1 << bits) - 1)
    packed = keys & ~low
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & low).astype(np.intp)
    sk = keys[order]
    high_same = (packed[1:] ^ packed[:-1]) <= low
    if np.any(high_same & (sk[1:] != sk[:-1])):
        return np.argsort(keys, kind="stable")
    return order


def sort_by(*keys: np.ndarray) -> np.ndarray:
    """np.lexsort(keys[::-1]) (the first key most significant) of non-negative integer keys: one sort of
    the keys packed into 64 bits with the position, when they fit (they do for a chunk of documents)."""
    n = len(keys[0])
    widths = [max(int(k.max(initial=0)).bit_length(), 1) for k in keys] + [max(int(n - 1).bit_length(), 1)]
    if n < 2 or sum(widths) > 64 or any(k.min(initial=0) < 0 for k in keys):
        return np.lexsort(keys[::-1])
    packed = np.zeros(n, dtype=np.uint64)
    for k, width in zip((*keys, np.arange(n)), widths):
        packed <<= np.uint64(width)
        packed |= k.astype(np.uint64)
    packed.sort()
    return (packed & np.uint64((1 << widths[-1]) - 1)).astype(np.intp)
