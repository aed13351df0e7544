"""MinHash signatures from shingle hashes, equal bit for bit to datasketch.MinHash's hash values.

The permutation parameters are drawn as datasketch draws them (numpy's RandomState(seed), in
its order; tests/test_minhash_exact.py holds them equal to datasketch's own, which is not
imported here: it loads scipy), and the arithmetic follows its definition: affine32/affine64 pre-mix the input hash with the
MurmurHash3 finalizer of the scheme's width then take min(a*h + b mod 2^w); legacy takes
min((a*h + b) mod (2^61 - 1)) truncated to 32 bits. We loop over permutations (num_perm numpy
calls per chunk), not over shingles: each call works on tens of thousands of shingles.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SCHEMES = ("affine32", "affine64", "legacy")
_CHUNK = 1 << 16  # shingles per block: keeps each permutation pass inside the CPU cache
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's (a, b) permutation parameters for these settings."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown MinHash scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    gen = np.random.RandomState(seed)
    if scheme == "legacy":  # per permutation: a in [1, p), then b in [0, p), p the Mersenne prime 2^61 - 1
        draws = [(gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
                 for _ in range(num_perm)]
        pairs = np.array(draws, dtype=np.uint64).reshape(num_perm, 2)
        return np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    width = 32 if scheme == "affine32" else 64
    dtype = dtype_of(scheme)
    a = gen.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)  # odd: a bijection mod 2^w
    b = gen.randint(0, 1 << width, num_perm, dtype=dtype)
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


def dtype_of(scheme: str) -> type:
    """Storage dtype of a scheme's hash values (as datasketch stores them)."""
    return np.uint32 if scheme == "affine32" else np.uint64


def empty_value(scheme: str) -> int:
    """The value of an untouched signature slot (datasketch's initial hash value)."""
    return (1 << 64) - 1 if scheme == "affine64" else (1 << 32) - 1


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def scheme_input(shingle_hashes: np.ndarray, scheme: str) -> np.ndarray:
    """What datasketch's hashfunc returns for each 64-bit shingle hash (see text.hashfunc_for)."""
    if scheme == "affine64":
        return shingle_hashes
    high = shingle_hashes >> np.uint64(32)
    return high.astype(np.uint32) if scheme == "affine32" else high


def signatures(shingle_hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, scheme: str) -> np.ndarray:
    """One MinHash signature per document; doc i owns shingle_hashes[offsets[i]:offsets[i+1]]."""
    a, b = permutations(num_perm, seed, scheme)
    n_docs = len(offsets) - 1
    out = np.full((n_docs, num_perm), empty_value(scheme), dtype=dtype_of(scheme))
    hv = scheme_input(shingle_hashes, scheme)
    if scheme == "affine32":
        hv = _fmix32(hv)
    elif scheme == "affine64":
        hv = _fmix64(hv)
    counts = np.diff(offsets)
    docs = np.flatnonzero(counts > 0)
    i = 0
    while i < len(docs):
        # A block of whole documents holding about _CHUNK shingles (at least one document).
        j = int(np.searchsorted(offsets[docs], offsets[docs[i]] + _CHUNK, side="left"))
        j = max(j, i + 1)
        block_docs = docs[i:j]
        start, end = int(offsets[block_docs[0]]), int(offsets[block_docs[-1] + 1])
        h = hv[start:end]
        starts = offsets[block_docs] - start
        tmp = np.empty_like(h)
        for k in range(num_perm):
            if scheme == "legacy":
                np.multiply(h, a[k], out=tmp)
                tmp += b[k]
                tmp %= _MERSENNE
                tmp &= _MAX32
            else:
                np.multiply(h, a[k], out=tmp)
                tmp += b[k]
            out[block_docs, k] = np.minimum.reduceat(tmp, starts)
        i = j
    return out
