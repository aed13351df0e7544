"""Hashed character n-grams of a whole batch with numpy: the classifier's sparse input.

What it computes, per text: the first `max_chars` characters, runs of two or more whitespace
characters collapsed to one space (as scikit-learn's char analyzer does), every character n-gram
for n in [ngram_min, ngram_max], each n-gram's column = 32-bit multiply-shift of its code point
polynomial (base P, mod 2^32), counts read as log(1 + count), rows l2-normalised. 32-bit arithmetic
halves the memory traffic of 64-bit, and a hashing space of 2^18 columns needs no more.
`ngram_columns` is the readable per-text reference; `ngram_matrix` gets the same matrix for a
batch from array arithmetic and one sort of packed (document, column) keys per chunk of 64 documents
(small enough to stay in the CPU cache); `ngram_scores` multiplies each chunk by the model's weights
at once, so scoring never holds the batch's matrix.
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


CHUNK_DOCS = 64  # documents counted per pass: their keys stay in the CPU cache (4x faster than 4,096 at once)


def ngram_matrix(texts: list[str], *, n_features: int, ngram_min: int, ngram_max: int, max_chars: int,
                 sublinear: bool = True, lowercase: bool = False, chunk: int = CHUNK_DOCS) -> sp.csr_matrix:
    """The hashed n-gram rows of a batch of texts (CSR, float64, sorted columns)."""
    bits = _bits(n_features)
    parts = [_chunk_matrix([collapse(t, max_chars, lowercase) for t in texts[i : i + chunk]], bits, ngram_min,
                           ngram_max, sublinear) for i in range(0, len(texts), chunk)]
    if not parts:
        return sp.csr_matrix((0, n_features), dtype=np.float64)
    return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")


def ngram_scores(texts: list[str], weights: np.ndarray, *, ngram_min: int, ngram_max: int, max_chars: int,
                 sublinear: bool = True, lowercase: bool = False, chunk: int = CHUNK_DOCS) -> np.ndarray:
    """`ngram_matrix(texts) @ weights.T` (weights: labels x n_features, C-contiguous rows), one chunk's
    matrix at a time: what the classifier needs to score a batch (one row per text, one column per label)."""
    n_labels, n_features = weights.shape
    bits = _bits(n_features)
    out = np.zeros((len(texts), n_labels), dtype=np.float64)
    for i in range(0, len(texts), chunk):
        matrix = _chunk_matrix([collapse(t, max_chars, lowercase) for t in texts[i : i + chunk]], bits, ngram_min,
                               ngram_max, sublinear)
        for label in range(n_labels):  # one sparse-times-vector product per label: faster than times a matrix
            out[i : i + matrix.shape[0], label] = matrix @ weights[label]
    return out


def _chunk_matrix(texts: list[str], bits: int, ngram_min: int, ngram_max: int, sublinear: bool) -> sp.csr_matrix:
    """The chunk's rows: counts of equal (document, column) keys, log-scaled, l2-normalised."""
    n_docs = len(texts)
    packed = _chunk_keys(texts, bits, ngram_min, ngram_max)
    new = np.empty(len(packed), dtype=bool)
    new[:1] = True
    np.not_equal(packed[1:], packed[:-1], out=new[1:])
    at = np.flatnonzero(new)
    counts = np.diff(at, append=len(packed))
    uniq = packed[at]
    rows = (uniq >> bits).astype(np.int32)
    cols = (uniq & ((1 << bits) - 1)).astype(np.int32)
    if not sublinear:
        data = counts.astype(np.float64)
    elif len(counts) and counts.max() < len(_LOG1P):
        data = _LOG1P[counts]
    else:
        data = np.log1p(counts.astype(np.float64))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs))
    data /= norms[rows]
    indptr = np.searchsorted(rows, np.arange(n_docs + 1, dtype=np.int32)).astype(np.int32)
    return sp.csr_matrix((data, cols, indptr), shape=(n_docs, 1 << bits))


_LOG1P = np.log1p(np.arange(1 << 16, dtype=np.float64))  # log(1 + count) of every count a chunk can hold


def _chunk_keys(texts: list[str], bits: int, ngram_min: int, ngram_max: int) -> np.ndarray:
    """Sorted (document << bits | column) keys of every n-gram of the chunk, one per occurrence."""
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
    sizes = [max(total - n + 1, 0) for n in range(ngram_min, ngram_max + 1)]
    packed = np.empty(sum(sizes), dtype=key_type)  # every n's keys written in place: no concatenation
    hashed = np.empty(total, dtype=np.uint32)
    filled = 0
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
        k = hashed[:m]
        np.multiply(acc, mix, out=k)
        k >>= shift
        out = packed[filled : filled + m]
        np.bitwise_or(k, doc_key[:m], out=out, casting="unsafe")
        for back in range(1, n):  # the last n-1 positions of each document start no n-gram
            at = end - back
            out[at[(at >= 0) & (at < m) & (lengths >= back)]] = invalid
        filled += m
    packed.sort()
    return packed[: np.searchsorted(packed, invalid)]
