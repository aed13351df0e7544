"""Similarity of candidate pairs: MinHash estimate from signatures, or exact shingle Jaccard."""

from __future__ import annotations

import numpy as np

from dedupe.near.arrays import batch_shingle_hashes

_PAIR_CHUNK = 8192  # pairs compared per numpy call (bounds the temporary n × num_perm array)


class Similarity:
    """Similarity between documents of a batch, by row number in `signatures`."""

    def __init__(self, signatures: np.ndarray, cfg, texts: list[str] | None = None) -> None:
        self.sigs = signatures
        self.cfg = cfg
        self.texts = texts
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
