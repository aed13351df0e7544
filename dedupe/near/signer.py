"""Signer: raw text to MinHash signature and exact key, with the settings of a NearConfig."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import xxhash

from dedupe.near.arrays import batch_shingle_hashes
from dedupe.near.minhash import signatures
from dedupe.text import normalise, token_hash, tokens


class Signed(NamedTuple):
    """What signing a batch gives: one row per text."""

    signatures: np.ndarray  # n × num_perm, datasketch's dtype for the scheme
    exact_keys: np.ndarray  # uint64: equal keys mean the same normalised tokens
    kinds: list[str]  # "word" | "char" | "empty"
    sizes: np.ndarray  # int64: distinct shingles per text (for containment)


class SampledShingles(NamedTuple):
    """The shingle hashes that are 0 modulo some k (Broder's MOD-k sample), with their text's
    number; `covered[i]`: text i's sample is all here (word shingles or none), else it was
    shingled by characters and is absent."""

    hashes: np.ndarray  # uint64
    owner: np.ndarray  # int64, the text's position
    covered: np.ndarray  # bool per text


_OWNER_SHIFT = np.uint64(40)  # sort key: document number in the top 24 bits, hash's top 40 bits below


def distinct_counts(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Distinct hashes in each document's slice hashes[offsets[i]:offsets[i+1]], without a loop per document.

    One sort of (document, top 40 bits of the hash) keys; two different shingles of one document
    share their top 40 bits with odds of about 1 in 10^7 for a long article, and would count once.
    """
    n = len(offsets) - 1
    if len(hashes) == 0:
        return np.zeros(n, dtype=np.int64)
    if n >= 1 << 24:
        raise ValueError(f"distinct_counts: at most {1 << 24} documents at a time, got {n}")
    owner = np.repeat(np.arange(n, dtype=np.uint64), np.diff(offsets))
    key = (owner << _OWNER_SHIFT) | (np.asarray(hashes, dtype=np.uint64) >> np.uint64(24))
    key.sort()
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    return np.bincount((key[first] >> _OWNER_SHIFT).astype(np.int64), minlength=n)


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

    def sign_all(self, texts: Sequence[str]) -> Signed:
        """Signatures, exact keys, shingle kinds and distinct shingle counts of many texts."""
        return self._sign(texts, 0)[0]

    def shingles_words_as(self, ngram: int, ta_marbuta: bool) -> bool:
        """Whether this signer's word shingles are word `ngram`-grams with that ta marbuta fold."""
        c = self.cfg
        return c.shingle == "word" and c.ngram == ngram and bool(getattr(c, "ta_marbuta", False)) == ta_marbuta

    def sign_and_sample(self, texts: Sequence[str], sample_mod: int) -> tuple[Signed, SampledShingles]:
        """sign_all, and the word shingle hashes that are 0 modulo `sample_mod` (what the
        classifier's near-duplicate context samples, when it shingles as this signer does)."""
        signed, sampled = self._sign(texts, sample_mod)
        assert sampled is not None
        return signed, sampled

    def _sign(self, texts: Sequence[str], sample_mod: int) -> tuple[Signed, SampledShingles | None]:
        c = self.cfg
        sigs, keys, kinds, sizes = [], [], [], []
        kept_hashes, kept_owner = [np.empty(0, dtype=np.uint64)], [np.empty(0, dtype=np.int64)]
        for lo in range(0, len(texts), self.batch_docs):
            bh = self._hashes(list(texts[lo : lo + self.batch_docs]))
            sigs.append(signatures(bh.hashes, bh.offsets, c.num_perm, c.seed, c.scheme))
            keys.append(bh.exact_keys)
            kinds.extend(bh.kinds)
            sizes.append(distinct_counts(bh.hashes, bh.offsets))
            if sample_mod:
                owner = np.repeat(np.arange(lo, lo + len(bh.kinds), dtype=np.int64), np.diff(bh.offsets))
                keep = bh.hashes % np.uint64(sample_mod) == 0
                keep &= np.array([k == "word" for k in bh.kinds], dtype=bool)[owner - lo]
                kept_hashes.append(bh.hashes[keep])
                kept_owner.append(owner[keep])
        sampled = None
        if sample_mod:
            sampled = SampledShingles(np.concatenate(kept_hashes), np.concatenate(kept_owner),
                                      np.array([k != "char" for k in kinds], dtype=bool))
        if not sigs:
            from dedupe.near.minhash import dtype_of

            return Signed(np.empty((0, c.num_perm), dtype=dtype_of(c.scheme)), np.empty(0, dtype=np.uint64), [],
                          np.empty(0, dtype=np.int64)), sampled
        return Signed(np.concatenate(sigs), np.concatenate(keys), kinds, np.concatenate(sizes)), sampled

    def sign_with_keys(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(signatures n × num_perm, exact keys uint64, shingle kind per text)."""
        signed = self.sign_all(texts)
        return signed.signatures, signed.exact_keys, signed.kinds

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
