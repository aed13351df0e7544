"""Similarity of candidate pairs: MinHash estimate from signatures, or exact shingle Jaccard."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.near.arrays import batch_shingle_hashes

_PAIR_CHUNK = 8192  # pairs compared per numpy call (bounds the temporary n × num_perm array)


def estimate_containment(jaccard: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Share of the smaller set inside the larger, from Jaccard and set sizes: |A∩B| = J(|A|+|B|)/(1+J)."""
    jaccard = np.asarray(jaccard, dtype=np.float64)
    a, b = np.asarray(size_a, dtype=np.float64), np.asarray(size_b, dtype=np.float64)
    smaller = np.minimum(a, b)
    inter = jaccard * (a + b) / (1.0 + jaccard)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(smaller > 0, inter / np.where(smaller > 0, smaller, 1.0), 0.0)
    return np.minimum(out, 1.0)


@dataclass(frozen=True)
class MatchRule:
    """When a pair is a duplicate: Jaccard at the threshold, or (containment on) the shorter text's
    shingles mostly inside a longer text at most 1/min_ratio times its size."""

    threshold: float
    containment: float
    min_ratio: float

    @classmethod
    def from_config(cls, cfg) -> MatchRule:
        return cls(cfg.threshold, float(getattr(cfg, "containment", 0.0)), float(getattr(cfg, "containment_min_ratio", 1.0)))

    def decide_sizes(self, jaccard: np.ndarray, containment: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
        """Boolean per pair, the sizes of both sides given (0 = unknown: Jaccard alone decides)."""
        ok = np.asarray(jaccard) >= self.threshold
        if self.containment <= 0.0:
            return ok
        a, b = np.asarray(size_a, dtype=np.float64), np.asarray(size_b, dtype=np.float64)
        known = (a > 0) & (b > 0)
        ratio = np.where(known, np.minimum(a, b) / np.maximum(np.maximum(a, b), 1.0), 0.0)
        return ok | (known & (ratio >= self.min_ratio) & (np.asarray(containment) >= self.containment))

    def decide(self, jaccard, containment, sizes, left, right) -> np.ndarray:
        if sizes is None:
            return np.asarray(jaccard) >= self.threshold
        return self.decide_sizes(jaccard, containment, sizes[left], sizes[right])


class Similarity:
    """Similarity between documents of a batch, by row number in `signatures`."""

    def __init__(self, signatures: np.ndarray, cfg, texts: list[str] | None = None,
                 sizes: np.ndarray | None = None) -> None:
        self.sigs = signatures
        self.cfg = cfg
        self.texts = texts
        self.sizes = sizes
        self.rule = MatchRule.from_config(cfg)
        self.exact = bool(getattr(cfg, "verify_exact", False)) and texts is not None
        self._sets: dict[int, np.ndarray] = {}

    @staticmethod
    def estimate(a: np.ndarray, b: np.ndarray) -> float:
        """Estimated Jaccard: the share of equal signature slots (datasketch's MinHash.jaccard)."""
        return float(np.count_nonzero(a == b)) / len(a)

    def pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Similarity of each (left[k], right[k]) pair, float64."""
        out = np.empty(len(left), dtype=np.float64)
        for lo in range(0, len(left), _PAIR_CHUNK):
            a = self.sigs[left[lo : lo + _PAIR_CHUNK]]
            b = self.sigs[right[lo : lo + _PAIR_CHUNK]]
            out[lo : lo + _PAIR_CHUNK] = np.count_nonzero(a == b, axis=1) / self.sigs.shape[1]
        if self.exact:
            # The exact Jaccard decides for pairs the estimate lets through (it can only remove pairs).
            for k in np.flatnonzero(out >= self.cfg.threshold).tolist():
                out[k] = self.exact_jaccard(int(left[k]), int(right[k]))
        return out

    def matches(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(is a duplicate, Jaccard, containment) of each (left[k], right[k]) pair."""
        jaccard = self.pairs(left, right)
        if self.sizes is None:
            containment = np.zeros(len(left))
        else:
            containment = estimate_containment(jaccard, self.sizes[left], self.sizes[right])
        return self.rule.decide(jaccard, containment, self.sizes, left, right), jaccard, containment

    def _shingle_set(self, i: int) -> np.ndarray:
        if i not in self._sets:
            c = self.cfg
            bh = batch_shingle_hashes(
                [self.texts[i]],
                shingle=c.shingle,
                ngram=c.ngram,
                char_ngram=c.char_ngram,
                min_words=c.min_words_for_word_shingles if c.shingle == "word" else 0,
                ta_marbuta=c.ta_marbuta,
            )
            self._sets[i] = np.unique(bh.hashes)
        return self._sets[i]

    def exact_jaccard(self, i: int, j: int) -> float:
        """Jaccard of the two documents' shingle hash sets."""
        a, b = self._shingle_set(i), self._shingle_set(j)
        union = len(np.union1d(a, b))
        return len(np.intersect1d(a, b, assume_unique=True)) / union if union else 1.0
