"""The fast path from raw texts to shingle hashes: a whole batch at once as numpy code point arrays.

Normalising runs in C (NFKC, casefold) per document; folding, tokenising, token hashing and
n-gram hashing run as array arithmetic over the batch, with no Python-level loop per token or
shingle. The results equal dedupe.text's per-shingle reference functions bit for bit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import xxhash

from dedupe.text.hashing import MASK64, P, Q, fmix64_array, powers
from dedupe.text.normalise import normalise
from dedupe.text.pointwise import normalise_code_points
from dedupe.text.tables import DELETE, FOLD_SIZE, casefold_changes, fold_table, word_table


@dataclass
class BatchHashes:
    """Shingle hashes of a batch: doc i owns hashes[offsets[i]:offsets[i+1]]."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64, len n+1
    exact_keys: np.ndarray  # uint64 per document (see exact_keys below)
    kinds: list[str]  # "word" | "char" | "empty" per document


class _PowerTables:
    """Grow-on-demand tables of P**i and P**-i mod 2^64 (P is odd, so it has an inverse)."""

    def __init__(self) -> None:
        self.p = np.empty(0, dtype=np.uint64)
        self.p_inv = np.empty(0, dtype=np.uint64)

    def p_tables(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        if count > len(self.p):
            size = max(count, 2 * len(self.p), 1 << 16)
            self.p = powers(P, size)
            self.p_inv = powers(pow(P, -1, MASK64 + 1), size)
        return self.p, self.p_inv


POWER_TABLES = _PowerTables()  # shared by every array path that hashes spans (dedupe.quality.textbatch too)


POINTWISE_MIN_CHARS = 50_000  # below this a batch is normalised text by text: the lookup tables' set-up costs more


def normalised_code_points(texts: list[str], ta_marbuta: bool) -> tuple[np.ndarray, np.ndarray]:
    """All texts normalised (as dedupe.text.normalise does), as one uint32 array plus offsets (n+1).

    Large batches are looked up code point by code point where that is exact (dedupe.text.pointwise).
    """
    if sum(map(len, texts)) >= POINTWISE_MIN_CHARS:
        return normalise_code_points(texts, ta_marbuta)
    nfkc = unicodedata.normalize
    normed = [nfkc("NFKC", nfkc("NFKC", t).casefold()) for t in texts]
    lengths = np.fromiter(map(len, normed), dtype=np.int64, count=len(normed))
    offsets = np.zeros(len(normed) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    cps = np.frombuffer("".join(normed).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # The Arabic fold as a table lookup; deleted code points shift the offsets after them.
    low = cps < FOLD_SIZE
    folded = cps.copy()
    folded[low] = fold_table(ta_marbuta)[cps[low]]
    deleted = np.flatnonzero(folded == DELETE)
    if len(deleted):
        folded = np.delete(folded, deleted)
        offsets = offsets - np.searchsorted(deleted, offsets, side="left")
    # One pass is a fixed point unless casefold or NFKC would still change something (rare:
    # e.g. compatibility letters whose NFKC form is upper case). The fold's outputs are never
    # its inputs, so a second fold changes nothing by construction.
    stable = not casefold_changes()[folded].any()
    if stable:
        stable = unicodedata.is_normalized("NFKC", folded.tobytes().decode("utf-32-le", "surrogatepass"))
    if not stable:
        again = [normalise(t, ta_marbuta=ta_marbuta) for t in texts]
        lengths = np.fromiter(map(len, again), dtype=np.int64, count=len(again))
        offsets = np.zeros(len(again) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        folded = np.frombuffer("".join(again).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return folded, offsets


def windows(t: np.ndarray, n: int) -> np.ndarray:
    """Horner combination (base Q) of every n consecutive token hashes, then fmix64."""
    m = len(t) - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    q = np.uint64(Q)
    acc = t[:m].copy()
    for j in range(1, n):
        acc *= q
        acc += t[j : j + m]
    return fmix64_array(acc)


def token_spans(cps: np.ndarray, doc_off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions of word tokens (runs of \\w), never crossing a document boundary."""
    n = len(cps)
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    inside = word_table()[cps]
    # A token starts where a word character has none before it in its document, and ends likewise.
    before = np.zeros(n, dtype=bool)
    before[1:] = inside[:-1]
    doc_starts = doc_off[:-1]
    before[doc_starts[doc_starts < n]] = False
    after = np.zeros(n, dtype=bool)
    after[:-1] = inside[1:]
    after[doc_off[1:] - 1] = False  # each document's last position (-1 for leading empty ones: also a last position)
    return np.flatnonzero(inside & ~before), np.flatnonzero(inside & ~after) + 1


def token_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """fmix64(sum cp_i * P^i) per token, via prefix sums over the whole batch."""
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64)
    p, p_inv = POWER_TABLES.p_tables(len(cps) + 1)
    prefix = np.zeros(len(cps) + 1, dtype=np.uint64)
    np.cumsum(cps * p[: len(cps)], out=prefix[1:])
    raw = (prefix[ends] - prefix[starts]) * p_inv[starts]
    return fmix64_array(raw)


def exact_keys(tok_hash: np.ndarray, first_tok: np.ndarray) -> np.ndarray:
    """xxh3_64 over each document's little-endian token hashes (0 tokens: xxh3_64 of nothing)."""
    data = tok_hash.tobytes()
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter(
        (digest(data[8 * a : 8 * b]) for a, b in zip(first_tok[:-1].tolist(), first_tok[1:].tolist())),
        dtype=np.uint64,
        count=len(first_tok) - 1,
    )


def _char_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray, n: int) -> np.ndarray:
    """Char n-gram hashes of one document's tokens joined by single spaces."""
    pieces = []
    for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
        if k:
            pieces.append(np.array([32], dtype=np.uint32))
        pieces.append(cps[a:b])
    chars = fmix64_array(np.concatenate(pieces).astype(np.uint64))  # one char's polynomial is itself
    return windows(chars, n) if len(chars) > n else windows(chars, len(chars))


def batch_shingle_hashes(
    texts: list[str],
    shingle: str = "word",
    ngram: int = 5,
    char_ngram: int = 5,
    min_words: int = 0,
    ta_marbuta: bool = False,
) -> BatchHashes:
    """Shingle hashes and exact keys of a batch of raw texts, equal to the reference functions."""
    n_docs = len(texts)
    cps, doc_off = normalised_code_points(texts, ta_marbuta)
    starts, ends = token_spans(cps, doc_off)
    tok_hash = token_hashes(cps.astype(np.uint64), starts, ends)
    tok_doc = np.searchsorted(doc_off, starts, side="right") - 1
    ntok = np.bincount(tok_doc, minlength=n_docs)
    first_tok = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(ntok, out=first_tok[1:])
    keys = exact_keys(tok_hash, first_tok)

    if shingle == "char":
        kind_word = np.zeros(n_docs, dtype=bool)
    else:
        kind_word = ntok >= max(min_words, 1)
    kinds = np.where(ntok == 0, "empty", np.where(kind_word, "word", "char")).tolist()

    counts = np.zeros(n_docs, dtype=np.int64)
    full = kind_word & (ntok >= ngram)
    counts[full] = ntok[full] - ngram + 1
    win = windows(tok_hash, ngram)
    if len(win):
        first_doc = tok_doc[: len(win)]
        win = win[(first_doc == tok_doc[ngram - 1 :]) & full[first_doc]]
    pieces: dict[int, np.ndarray] = {}
    for i in np.flatnonzero(~full & (ntok > 0)).tolist():
        lo, hi = first_tok[i], first_tok[i + 1]
        if kind_word[i]:
            h = windows(tok_hash[lo:hi], hi - lo)  # fewer than n tokens: one shingle of all of them
        else:
            h = _char_hashes(cps, starts[lo:hi], ends[lo:hi], char_ngram)
        pieces[i] = h
        counts[i] = len(h)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    hashes = np.empty(int(offsets[-1]), dtype=np.uint64)
    if len(win):
        full_counts = counts[full]
        before = np.zeros(len(full_counts), dtype=np.int64)
        np.cumsum(full_counts[:-1], out=before[1:])
        shift = np.repeat(offsets[:-1][full] - before, full_counts)
        hashes[shift + np.arange(len(win), dtype=np.int64)] = win
    for i, h in pieces.items():
        hashes[offsets[i] : offsets[i + 1]] = h
    return BatchHashes(hashes=hashes, offsets=offsets, exact_keys=keys, kinds=kinds)
