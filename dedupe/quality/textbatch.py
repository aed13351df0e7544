"""A batch of texts as one code point array, tokenised once, with the helpers every statistic shares.

The texts are joined with a newline after each, so lines, tokens and `(?=\\s|$)` tests end at a
document's edge by themselves; sentences and punctuation segments are cut there explicitly.
Tokens are dedupe.quality.patterns.WORD: runs of letters, marks and digits, an apostrophe between
one of them and a letter joining (don't, l'homme). Every per-document sum is one `np.add.reduceat`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dedupe.quality.codepoints import BIT, lookup
from dedupe.near.arrays import POWER_TABLES
from dedupe.text.hashing import fmix64_array

APOSTROPHES = np.array([ord("'"), ord("’")], dtype=np.uint32)


def code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts, each followed by a newline, as uint32 code points, and where each one starts (n+1)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    joined = "\n".join(texts) + "\n" if texts else ""
    return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), starts


def is_in(cps: np.ndarray, chars: str) -> np.ndarray:
    """Bool per position: is the code point one of the (few) `chars`."""
    out = cps == ord(chars[0])
    for c in chars[1:]:
        out |= cps == ord(c)
    return out


def shifted(mask: np.ndarray, by: int, fill: bool = False) -> np.ndarray:
    """mask[i + by] at position i (`fill` beyond either end)."""
    out = np.full(len(mask), fill, dtype=mask.dtype)
    if by > 0:
        out[:-by] = mask[by:]
    elif by < 0:
        out[-by:] = mask[:by]
    else:
        out[:] = mask
    return out


def span_hashes(values: np.ndarray, keep: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """fmix64(sum of kept values * P^rank) over [start, end) spans, ranks counting kept positions only:
    dedupe.text.hashing.token_hash of the span's string with the unkept characters removed."""
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64)
    rank = np.cumsum(keep) - keep  # kept positions before each position
    p, inv = POWER_TABLES.p_tables(int(rank[-1]) + 2)
    terms = np.where(keep, values.astype(np.uint64) * p[rank], np.uint64(0))
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(terms, out=prefix[1:])
    return fmix64_array((prefix[ends] - prefix[starts]) * inv[rank[starts]])


@dataclass
class TextBatch:
    """Code points, classes and tokens of a list of texts; doc i owns positions [start[i], start[i+1]-1)."""

    texts: list[str]
    cps: np.ndarray
    start: np.ndarray
    bits: np.ndarray
    scripts: np.ndarray
    fold: np.ndarray
    doc: np.ndarray = field(init=False)        # document of each position
    tok_start: np.ndarray = field(init=False)  # token spans [tok_start, tok_end)
    tok_end: np.ndarray = field(init=False)
    tok_doc: np.ndarray = field(init=False)
    tok_letters: np.ndarray = field(init=False)  # letters per token (0: a number or code, not a word)

    @classmethod
    def of(cls, texts: list[str]) -> TextBatch:
        cps, start = code_points(texts)
        bits, scripts, fold = lookup(cps)
        return cls(texts, cps, start, bits, scripts, fold)

    def __post_init__(self) -> None:
        n = len(self.texts)
        self.doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.start))
        word = self.has("L", "M", "N")
        letter = self.has("L")
        join = is_in(self.cps, "'’") & shifted(word, -1) & shifted(letter, 1)
        inside = word | join
        self.tok_start = np.flatnonzero(inside & ~shifted(inside, -1))
        self.tok_end = np.flatnonzero(inside & ~shifted(inside, 1)) + 1
        self.tok_doc = self.doc[self.tok_start]
        self.tok_letters = self.span_sums(letter, self.tok_start, self.tok_end)

    @property
    def n(self) -> int:
        return len(self.texts)

    def has(self, *names: str) -> np.ndarray:
        """Bool per position: in any of the named classes (codepoints.CLASSES, CASED, UPPER); remembered."""
        cache = self.__dict__.setdefault("_has", {})
        if names not in cache:
            mask = np.uint32(0)
            for name in names:
                mask |= BIT[name]
            cache[names] = (self.bits & mask) != 0
        return cache[names]

    def per_doc(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-position array over each document."""
        if self.n == 0:
            return np.zeros(0)
        if values.dtype == bool:  # counted in 32 bits (a document's sample is far shorter): twice as fast
            return np.add.reduceat(values.view(np.uint8), self.start[:-1], dtype=np.uint32).astype(np.int64)
        return np.add.reduceat(values, self.start[:-1])

    def count_per_doc(self, items_doc: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Per document: how many items (or the sum of their weights) belong to it."""
        return np.bincount(items_doc, weights=weights, minlength=self.n)[: self.n]

    @staticmethod
    def span_sums(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Per non-empty [start, end) span (ends before the last position): how many of `mask` are set."""
        if len(starts) == 0:
            return np.zeros(0, dtype=np.int64)
        bounds = np.empty(2 * len(starts), dtype=np.intp)
        bounds[0::2], bounds[1::2] = starts, ends
        if mask.dtype == bool:
            return np.add.reduceat(mask.view(np.uint8), bounds, dtype=np.uint32)[0::2].astype(np.int64)
        return np.add.reduceat(mask, bounds, dtype=np.int64)[0::2]

    def doc_edges(self) -> np.ndarray:
        """Bool per position: the first position of a document."""
        first = np.zeros(len(self.cps), dtype=bool)
        first[self.start[:-1][self.start[:-1] < len(self.cps)]] = True
        return first
