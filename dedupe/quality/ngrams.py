"""Hashed character n-grams of a whole batch with numpy: the classifier's sparse input.

What it computes, per text: the first `max_chars` characters, runs of two or more whitespace
characters collapsed to one space (as scikit-learn's char analyzer does), every character n-gram
for n in [ngram_min, ngram_max], each n-gram's column = 32-bit multiply-shift of its code point
polynomial (base P, mod 2^32), counts read as log(1 + count), rows l2-normalised. 32-bit arithmetic
halves the memory traffic of 64-bit, and a hashing space of 2^18 columns needs no more.
`ngram_columns` is the readable per-text reference; `ngram_matrix` gets the same matrix for a
batch from array arithmetic and one sort of packed (document, column) keys per chunk of documents.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import scipy.sparse as sp

_WHITESPACE_RUN = re.compile(r"\s\s+")
MASK32 = (1 << 32) - 1
P = 0x01000193   # odd: code point polynomial base (FNV's prime)
MIX = 0x9E3779B1  # odd multiplier of the multiply-shift column hash (2^32 / golden ratio)


def collapse(text: str, max_chars: int, lowercase: bool = False) -> str:
    """The part of a text whose n-grams are counted."""
    out = _WHITESPACE_RUN.sub(" ", text[:max_chars])
    return out.lower() if lowercase else out


def column_of(gram: str, bits: int) -> int:
    """The column of one n-gram: the top `bits` of the 32-bit MIX times its code point polynomial."""
    acc, power = 0, 1
    for ch in gram:
        acc = (acc + ord(ch) * power) & MASK32
        power = (power * P) & MASK32
    return ((acc * MIX) & MASK32) >> (32 - bits)


def _bits(n_features: int) -> int:
    bits = n_features.bit_length() - 1
    if n_features != 1 << bits or not 0 < bits <= 24:
        raise ValueError(f"n_features must be a power of two from 2 to 2^24, not {n_features}")
    return bits


def ngram_columns(text: str, *, n_features: int, ngram_min: int, ngram_max: int, max_chars: int,
                  sublinear: bool = True, lowercase: bool = False) -> dict[int, float]:
    """Reference: {column: value} of one text, as one row of `ngram_matrix`."""
    bits = _bits(n_features)
    t = collapse(text, max_chars, lowercase)
    counts = Counter(column_of(t[i : i + n], bits) for n in range(ngram_min, ngram_max + 1)
                     for i in range(len(t) - n + 1))
    values = {c: math.log1p(k) if sublinear else float(k) for c, k in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {c: v / norm for c, v in sorted(values.items())} if norm else {}


def ngram_matrix(texts: list[str], *, n_features: int, ngram_min: int, ngram_max: int, max_chars: int,
                 sublinear: bool = True, lowercase: bool = False, chunk: int = 4096) -> sp.csr_matrix:
    """The hashed n-gram rows of a batch of texts (CSR, float64, sorted columns)."""
    bits = _bits(n_features)
    parts = [_chunk_matrix([collapse(t, max_chars, lowercase) for t in texts[i : i + chunk]], bits,
                           ngram_min, ngram_max, sublinear, n_features) for i in range(0, len(texts), chunk)]
    if not parts:
        return sp.csr_matrix((0, n_features), dtype=np.float64)
    return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")


def _chunk_matrix(texts: list[str], bits: int, ngram_min: int, ngram_max: int, sublinear: bool,
                  n_features: int) -> sp.csr_matrix:
    n_docs = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n_docs)
    end = np.cumsum(lengths)
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    total = len(cps)
    key_type = np.uint64 if (n_docs << bits) >= (1 << 32) - 1 else np.uint32
    invalid = key_type(np.iinfo(key_type).max)  # sorts last: n-grams that would run into the next document
    doc_key = np.repeat((np.arange(n_docs, dtype=np.uint64) << np.uint64(bits)).astype(key_type), lengths)
    shift = np.uint32(32 - bits)
    mix = np.uint32(MIX)
    keys = []
    acc = cps.copy()
    power = 1
    for n in range(1, ngram_max + 1):
        m = total - n + 1
        if m <= 0:
            break
        if n > 1:
            acc = acc[:m]
            acc += cps[n - 1 :] * np.uint32(power)
        power = (power * P) & MASK32
        if n < ngram_min:
            continue
        k = acc * mix
        k >>= shift
        k = k.astype(key_type, copy=False)
        k |= doc_key[:m]
        for back in range(1, n):  # the last n-1 positions of each document start no n-gram
            at = end - back
            k[at[(at >= 0) & (at < m) & (lengths >= back)]] = invalid
        keys.append(k)
    if not keys:
        return sp.csr_matrix((n_docs, n_features), dtype=np.float64)
    packed = np.concatenate(keys)
    packed.sort()
    packed = packed[: np.searchsorted(packed, invalid)]
    new = np.empty(len(packed), dtype=bool)
    new[:1] = True
    np.not_equal(packed[1:], packed[:-1], out=new[1:])
    at = np.flatnonzero(new)
    counts = np.diff(at, append=len(packed)).astype(np.float64)
    uniq = packed[at]
    rows = (uniq >> key_type(bits)).astype(np.intp)
    cols = (uniq & key_type((1 << bits) - 1)).astype(np.int32)
    data = np.log1p(counts) if sublinear else counts
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs))
    data /= norms[rows]
    indptr = np.searchsorted(rows, np.arange(n_docs + 1))
    return sp.csr_matrix((data, cols, indptr), shape=(n_docs, n_features))
