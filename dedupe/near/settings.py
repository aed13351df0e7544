"""The settings that decide signature values and band keys: what an index must agree on."""

from __future__ import annotations

from dedupe.near.lsh import lsh_params
from dedupe.text.hashing import SHINGLE_HASH_VERSION
from dedupe.text.normalise import NORMALISER_VERSION


def index_settings(cfg) -> dict[str, str]:
    """Signature-relevant settings of a NearConfig, as strings (stored in an index's metadata)."""
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm)
    return {
        "scheme": cfg.scheme,
        "seed": str(cfg.seed),
        "num_perm": str(cfg.num_perm),
        "bands": str(bands),
        "rows": str(rows),
        "shingle": cfg.shingle,
        "ngram": str(cfg.ngram),
        "char_ngram": str(cfg.char_ngram),
        "min_words_for_word_shingles": str(cfg.min_words_for_word_shingles),
        "ta_marbuta": str(bool(cfg.ta_marbuta)).lower(),
        "normaliser_version": NORMALISER_VERSION,
        "shingle_hash": SHINGLE_HASH_VERSION,
    }
