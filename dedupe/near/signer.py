"""Signer: raw text to MinHash signature and exact key, with the settings of a NearConfig."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

from dedupe.near.arrays import batch_shingle_hashes
from dedupe.near.minhash import signatures
from dedupe.text import normalise, token_hash, tokens


class Signer:
    """Signs texts (normalise, tokenise, shingle, hash, MinHash) in batches of whole arrays."""

    def __init__(self, cfg, batch_docs: int | None = None) -> None:
        self.cfg = cfg
        self.batch_docs = max(1, batch_docs or getattr(cfg, "sign_batch_docs", 256))

    def _hashes(self, texts: list[str]):
        c = self.cfg
        return batch_shingle_hashes(
            texts,
            shingle=c.shingle,
            ngram=c.ngram,
            char_ngram=c.char_ngram,
            min_words=c.min_words_for_word_shingles if c.shingle == "word" else 0,
            ta_marbuta=getattr(c, "ta_marbuta", False),
        )

    def sign_with_keys(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(signatures n × num_perm, exact keys uint64, shingle kind per text)."""
        c = self.cfg
        sigs, keys, kinds = [], [], []
        for lo in range(0, len(texts), self.batch_docs):
            bh = self._hashes(list(texts[lo : lo + self.batch_docs]))
            sigs.append(signatures(bh.hashes, bh.offsets, c.num_perm, c.seed, c.scheme))
            keys.append(bh.exact_keys)
            kinds.extend(bh.kinds)
        if not sigs:
            from dedupe.near.minhash import dtype_of

            return np.empty((0, c.num_perm), dtype=dtype_of(c.scheme)), np.empty(0, dtype=np.uint64), []
        return np.concatenate(sigs), np.concatenate(keys), kinds

    def sign_many(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures of many texts (n × num_perm), datasketch's dtype for the scheme."""
        return self.sign_with_keys(texts)[0]

    def sign(self, text: str) -> np.ndarray:
        """Signature of one text (num_perm values)."""
        return self.sign_many([text])[0]

    def exact_key(self, text: str) -> int:
        """64-bit key of the normalised tokens: equal keys mean the same text up to layout and punctuation."""
        toks = tokens(normalise(text, ta_marbuta=getattr(self.cfg, "ta_marbuta", False)))
        data = np.array([token_hash(t) for t in toks], dtype=np.uint64).tobytes()
        return xxhash.xxh3_64_intdigest(data)
