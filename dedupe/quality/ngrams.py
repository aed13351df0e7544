"""Hashed character n-grams of a whole batch with numpy: the classifier's sparse input.

What it computes, per text: the first `max_chars` characters, runs of two or more whitespace
characters collapsed to one space (as scikit-learn's char analyzer does), every character n-gram
for n in [ngram_min, ngram_max], each n-gram's column = 32-bit multiply-shift of its code point
polynomial (base P, mod 2^32), counts read as log(1 + count), rows l2-normalised. 32-bit arithmetic
halves the memory traffic of 64-bit, and a hashing space of 2^18 columns needs no more.
`ngram_columns` is the readable per-text reference; `ngram_matrix` gets the same matrix for a
batch from array arithmetic and one sort of packed (document, column) keys per chunk of 64 documents
(small enough to stay in the CPU cache); `ngram_scores` multiplies each chunk's (document, column,
value) entries by the model's weights at once, so scoring never holds the batch's matrix: a few
texts by numpy gathers and sums (no scipy import at start-up), a batch of SPARSE_MIN_DOCS or more
by scipy's CSR product (same sums in the same order, 3-4x faster per entry).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
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
    import scipy.sparse as sp  # training and the references build the matrix; scoring does not

    bits = _bits(n_features)
    parts = [_chunk_matrix(texts[i : i + chunk], max_chars, lowercase, bits, ngram_min, ngram_max, sublinear)
             for i in range(0, len(texts), chunk)]
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
    sparse = len(texts) >= SPARSE_MIN_DOCS
    for i in range(0, len(texts), chunk):
        part = texts[i : i + chunk]
        rows, cols, data = _chunk_entries(part, max_chars, lowercase, bits, ngram_min, ngram_max, sublinear)
        if sparse:  # scipy's CSR product: one fused loop, 3-4x faster per entry than the numpy passes below
            matrix = _csr(rows, cols, data, len(part), bits)
            for label in range(n_labels):
                out[i : i + len(part), label] = matrix @ weights[label]
            continue
        for label in range(n_labels):  # each row's entries times their columns' weights, summed in column
            # order (as the CSR matrix-vector product sums them, so the scores are the same numbers)
            out[i : i + len(part), label] = np.bincount(rows, weights=data * weights[label].take(cols),
                                                        minlength=len(part))
    return out


# Scoring this many texts at once goes through scipy.sparse: its import (~0.2 s) is paid back
# after about 600 documents (0.3 ms each saved on news text); a few documents need numpy only.
SPARSE_MIN_DOCS = 512


def _csr(rows: np.ndarray, cols: np.ndarray, data: np.ndarray, n_docs: int, bits: int) -> sp.csr_matrix:
    """(document, column, value) entries sorted by document then column, as a CSR matrix."""
    import scipy.sparse as sp

    indptr = np.searchsorted(rows, np.arange(n_docs + 1, dtype=np.int32)).astype(np.int32)
    return sp.csr_matrix((data, cols, indptr), shape=(n_docs, 1 << bits))


def _chunk_matrix(texts: list[str], max_chars: int, lowercase: bool, bits: int, ngram_min: int, ngram_max: int,
                  sublinear: bool) -> sp.csr_matrix:
    """The chunk's rows as a CSR matrix (float64, sorted columns)."""
    rows, cols, data = _chunk_entries(texts, max_chars, lowercase, bits, ngram_min, ngram_max, sublinear)
    return _csr(rows, cols, data, len(texts), bits)


def _chunk_entries(texts: list[str], max_chars: int, lowercase: bool, bits: int, ngram_min: int, ngram_max: int,
                   sublinear: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chunk's rows as (document, column, value) arrays sorted by document, then column: counts of
    equal (document, column) keys, log-scaled, l2-normalised."""
    n_docs = len(texts)
    cps, lengths = _collapsed(texts, max_chars, lowercase)
    packed = _chunk_keys(cps, lengths, bits, ngram_min, ngram_max)
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
    return rows, cols, data


_LOG1P = np.log1p(np.arange(1 << 16, dtype=np.float64))  # log(1 + count) of every count a chunk can hold


@lru_cache(maxsize=1)
def _whitespace() -> np.ndarray:
    """Per BMP code point: does `_WHITESPACE_RUN`'s \\s match it (no code point above the BMP does)."""
    cps = np.arange(0x10000, dtype=np.uint32)  # the plane as one string, built by numpy, not a Python loop
    cps[(cps >= 0xD800) & (cps < 0xE000) | (cps == ord(" "))] = 1  # surrogates and the marker itself: \x01
    plane = cps.tobytes().decode("utf-32-le")
    marked = re.sub(r"\s", " ", plane)
    table = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == ord(" ")
    table[ord(" ")] = True
    return table


def _collapsed(texts: list[str], max_chars: int, lowercase: bool) -> tuple[np.ndarray, np.ndarray]:
    """(code points, length per text) of collapse(text, max_chars, lowercase) for each text: runs of two
    or more whitespace characters become one space, found as array work over the chunk."""
    if lowercase:  # str.lower() may change lengths: the string path
        done = [collapse(t, max_chars, lowercase) for t in texts]
        return (np.frombuffer("".join(done).encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
                np.fromiter(map(len, done), dtype=np.int64, count=len(done)))
    cut = [t[:max_chars] for t in texts]
    lengths = np.fromiter(map(len, cut), dtype=np.int64, count=len(cut))
    cps = np.frombuffer("".join(cut).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(cps):
        return cps, lengths
    space = _whitespace()[np.minimum(cps, 0xFFFF)] & (cps <= 0xFFFF)
    first = np.zeros(len(cps), dtype=bool)  # the first position of each text: a run never crosses texts
    starts = np.cumsum(lengths) - lengths
    first[starts[lengths > 0]] = True
    follows = space.copy()  # whitespace right after whitespace of the same text: dropped
    follows[1:] &= space[:-1]
    follows[0] = False
    follows &= ~first
    if not follows.any():
        return cps, lengths
    leads = np.zeros(len(cps), dtype=bool)  # whitespace that a dropped one follows: becomes a space
    leads[:-1] = follows[1:]
    out = cps.copy()
    out[leads] = ord(" ")
    dropped = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(follows, out=dropped[1:])
    return out[~follows], lengths - (dropped[starts + lengths] - dropped[starts])


def _chunk_keys(cps: np.ndarray, lengths: np.ndarray, bits: int, ngram_min: int, ngram_max: int) -> np.ndarray:
    """Sorted (document << bits | column) keys of every n-gram of the chunk's texts (their code points
    joined, and each one's length), one key per occurrence."""
    n_docs = len(lengths)
    end = np.cumsum(lengths)
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
