"""The settings that decide signature values and band keys: what an index must agree on."""

from __future__ import annotations

from collections.abc import Mapping

from dedupe.near.lsh import lsh_params
from dedupe.text.hashing import SHINGLE_HASH_VERSION
from dedupe.text.normalise import NORMALISER_VERSION


def candidate_threshold(cfg) -> float:
    """The Jaccard the LSH bands are tuned for: the threshold itself, or lower when containment is on.

    A copy holding `containment` of its shingles inside a text at most 1/containment_min_ratio
    times longer has a Jaccard of at least c*r / (1 + r - c*r); candidates must reach that far.
    """
    c, r = float(getattr(cfg, "containment", 0.0)), float(getattr(cfg, "containment_min_ratio", 1.0))
    if c <= 0.0:
        return cfg.threshold
    return min(cfg.threshold, c * r / (1.0 + r - c * r))


def lsh_shape(cfg) -> tuple[int, int]:
    """(bands, rows) of a NearConfig, derived as datasketch does from the candidate threshold, with
    false negatives weighted `lsh_recall_weight` (datasketch's weights; verification removes the
    extra false candidates, nothing brings back a missed pair)."""
    w = float(getattr(cfg, "lsh_recall_weight", 0.5))
    return lsh_params(candidate_threshold(cfg), cfg.num_perm, fp_weight=1.0 - w, fn_weight=w)


def index_settings(cfg) -> dict[str, str]:
    """Signature-relevant settings of a NearConfig, as strings (stored in an index's metadata)."""
    bands, rows = lsh_shape(cfg)
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


# Index settings that are [near] keys of the config file as they are (bands and rows are derived
# from num_perm and the thresholds; normaliser_version and shingle_hash come with the code).
CONFIG_KEYS = ("scheme", "seed", "num_perm", "shingle", "ngram", "char_ngram", "min_words_for_word_shingles", "ta_marbuta")


def mismatch_advice(stored: Mapping[str, str], differing: list[str]) -> str:
    """How to proceed when an index's stored settings differ from a run's: the [near] lines that
    open it as it is, and the other way out, a new index."""
    keys = [k for k in differing if k in CONFIG_KEYS]
    if not keys:
        return "Use the settings the index was built with, or a new index path"
    lines = "; ".join(f"{k} = {_toml(stored.get(k, ''))}" for k in keys)
    return f"To use it, run with a --config TOML whose [near] has {lines}; or rebuild: a new index path"


def _toml(value: str) -> str:
    """A stored setting as a TOML value: booleans and numbers bare, words quoted."""
    if value in ("true", "false"):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return f'"{value}"'
