"""Stable 64-bit shingle hashes: a per-shingle reference and the array primitives the fast path uses.

A token's hash is the MurmurHash3 64-bit finalizer of a polynomial over its code points
(base P, mod 2^64); an n-gram's hash is the finalizer of a polynomial over its token hashes
(base Q). Both are defined on strings here, and computed on whole batches with numpy in
dedupe.near.fast: the two must agree bit for bit (tests hold them together). Never Python's
salted hash(). Changing anything here means bumping SHINGLE_HASH_VERSION.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SHINGLE_HASH_VERSION = "poly64-fmix-1"

MASK64 = (1 << 64) - 1
P = 0x9E3779B97F4A7C15  # odd: code point polynomial base
Q = 0xC2B2AE3D27D4EB4F  # odd: token polynomial base

_M1 = 0xFF51AFD7ED558CCD
_M2 = 0xC4CEB9FE1A85EC53


def fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finalizer (an avalanching bijection) on a Python int."""
    h ^= h >> 33
    h = (h * _M1) & MASK64
    h ^= h >> 33
    h = (h * _M2) & MASK64
    return h ^ (h >> 33)


def fmix64_array(h: np.ndarray) -> np.ndarray:
    """fmix64 on a uint64 array (multiplication wraps, which is the intended mod 2^64)."""
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(_M1)
    h ^= h >> np.uint64(33)
    h *= np.uint64(_M2)
    h ^= h >> np.uint64(33)
    return h


def token_hash(token: str) -> int:
    """64-bit hash of one token (for char shingles, of one character)."""
    acc = 0
    power = 1
    for ch in token:
        acc = (acc + ord(ch) * power) & MASK64
        power = (power * P) & MASK64
    return fmix64(acc)


def combine(token_hashes: list[int]) -> int:
    """64-bit hash of a sequence of token hashes (Horner's rule in base Q, then fmix64)."""
    acc = 0
    for t in token_hashes:
        acc = (acc * Q + t) & MASK64
    return fmix64(acc)


def shingle_hash(shingle: str, kind: str = "word") -> int:
    """The stable 64-bit hash of one shingle string, as dedupe.text.tokens builds them.

    Word shingles are tokens joined by one space; char shingles are n characters.
    """
    parts = shingle.split(" ") if kind == "word" else list(shingle)
    return combine([token_hash(p) for p in parts])


def hashfunc_for(scheme: str, kind: str = "word") -> Callable[[str], int]:
    """The `hashfunc` to give datasketch.MinHash for `scheme` so its values equal ours.

    affine64 takes all 64 bits; affine32 and legacy take the high 32 bits (a 32-bit input).
    """
    if scheme == "affine64":
        return lambda s: shingle_hash(s, kind)
    if scheme in ("affine32", "legacy"):
        return lambda s: shingle_hash(s, kind) >> 32
    raise ValueError(f"unknown MinHash scheme {scheme!r}")


def powers(base: int, count: int) -> np.ndarray:
    """base**i mod 2^64 for i in range(count), as uint64 (by doubling: O(log count) numpy calls)."""
    out = np.empty(count, dtype=np.uint64)
    if count == 0:
        return out
    out[0] = 1
    filled = 1
    while filled < count:
        step = min(filled, count - filled)
        out[filled : filled + step] = out[:step] * np.uint64(pow(base, filled, MASK64 + 1))
        filled += step
    return out
