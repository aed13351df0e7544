"""The classifier's input: the numeric signals (log-scaled counts) beside hashed character n-grams.

Character n-grams are hashed (dedupe.quality.ngrams), so a model carries no vocabulary that could
drift from the code; FEATURE_VERSION changes whenever the signals or the hashing change meaning
(2: writing-style and list-likeness signals; case-sensitive character 1-5-grams across word edges;
3: the statistics read the first `text_chars` characters, batch-wise, and the n-grams are hashed by
dedupe.quality.ngrams instead of scikit-learn's HashingVectorizer; 4: the line language mix reads the
lines of the first `sample_chars` characters, not the whole text's; 5: the whole-text language mix
reads the first `text_mix_chars` characters, the language stage's sample, not `sample_chars`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe.lang import ARABIC_SCRIPT_LANGS
from dedupe.quality.listlike import LISTLIKE_STATS
from dedupe.quality.ngrams import ngram_matrix, ngram_scores
from dedupe.quality.signals import SIGNALS
from dedupe.quality.style import STYLE_STATS

if TYPE_CHECKING:
    import scipy.sparse as sp  # char_matrix's result (training); scoring needs no scipy

FEATURE_VERSION = 5
ARABIC_PREFIX = "arabic*"
# every signal, then `lang.arabic` (1 for Arabic-script languages), then the signals whose reading
# depends on the script (strip, near, Gopher-style text statistics, MT indicators) again times
# `lang.arabic`: the model can weigh them differently in Arabic than in other languages. The
# language-independent style and list-likeness rates get one weight for all languages (an Arabic
# copy of each overfits the few Arabic low-quality examples).
BASE_FEATURES: tuple[str, ...] = (*SIGNALS, "lang.arabic")
ARABIC_SIGNALS: tuple[str, ...] = tuple(n for n in SIGNALS if n not in STYLE_STATS and n not in LISTLIKE_STATS)
NUMERIC_FEATURES: tuple[str, ...] = (*BASE_FEATURES, *(ARABIC_PREFIX + n for n in ARABIC_SIGNALS))
_ARABIC_POSITIONS = tuple(i for i, n in enumerate(SIGNALS) if n in ARABIC_SIGNALS)
# rates whose long tails are noise (ten words with five parentheses), not evidence: the model reads
# them clipped to a few standard deviations. Counts of evidence (credits, calques) are never clipped:
# one rare but strong finding must keep its weight.
CLIPPED_FEATURES: frozenset[str] = frozenset((*STYLE_STATS, *LISTLIKE_STATS))

# unbounded counts are read as log(1 + count) so one long document cannot dominate
_LOG_SCALED = frozenset({
    "strip.wire_credit", "strip.prwire", "strip.autoblog", "strip.forum", "strip.site_chrome", "strip.mt_chrome",
    "mt.untranslated_ui", "mt.placeholder", "mt.calque", "mt.postposed_attribution", "text.symbol_ratio",
    "text.phone_numbers", "text.web_addresses",
})


@dataclass(frozen=True)
class HashingSettings:
    """How text becomes character n-gram columns; stored in the model file and checked on load."""

    n_features: int = 2**18  # a power of two
    analyzer: str = "char"   # n-grams run across word edges, so punctuation and spacing habits count
    ngram_min: int = 1
    ngram_max: int = 5
    max_chars: int = 3000
    sublinear: bool = True   # counts read as log(1 + count) before l2 normalising
    lowercase: bool = False  # capitals are kept: keyword lists and headings differ from prose by case

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __post_init__(self) -> None:
        if self.analyzer != "char":
            raise ValueError(f"hashing analyzer {self.analyzer!r} is not supported (only 'char')")


def numeric_row(values: dict[str, float], lang: str | None) -> list[float]:
    """One document's signals in NUMERIC_FEATURES order, counts log-scaled."""
    base = [math.log1p(max(values[n], 0.0)) if n in _LOG_SCALED else float(values[n]) for n in SIGNALS]
    arabic = 1.0 if lang in ARABIC_SCRIPT_LANGS else 0.0
    return [*base, arabic, *(base[i] * arabic for i in _ARABIC_POSITIONS)]


def signal_of(feature: str) -> str:
    """The signal a numeric feature reads (`arabic*mt.calque` -> `mt.calque`)."""
    return feature.removeprefix(ARABIC_PREFIX)


def numeric_matrix(signals: list[dict[str, float]], langs: list[str | None]) -> np.ndarray:
    """numeric_row of every document as one (documents x NUMERIC_FEATURES) array."""
    base = np.array([[values[n] for n in SIGNALS] for values in signals], dtype=np.float64).reshape(len(signals), -1)
    logged = np.array([n in _LOG_SCALED for n in SIGNALS])
    base[:, logged] = np.log1p(np.maximum(base[:, logged], 0.0))
    arabic = np.array([lang in ARABIC_SCRIPT_LANGS for lang in langs], dtype=np.float64).reshape(-1, 1)
    return np.hstack([base, arabic, base[:, list(_ARABIC_POSITIONS)] * arabic])


def char_matrix(texts: list[str], settings: HashingSettings) -> sp.csr_matrix:
    """Hashed character n-grams of the first `max_chars` characters of each text (l2-normalised rows)."""
    return ngram_matrix(texts, n_features=settings.n_features, ngram_min=settings.ngram_min,
                        ngram_max=settings.ngram_max, max_chars=settings.max_chars, sublinear=settings.sublinear,
                        lowercase=settings.lowercase)


def char_scores(texts: list[str], settings: HashingSettings, weights: np.ndarray) -> np.ndarray:
    """char_matrix(texts, settings) @ weights.T (weights: labels x n_features), without building the matrix."""
    return ngram_scores(texts, weights, ngram_min=settings.ngram_min, ngram_max=settings.ngram_max,
                        max_chars=settings.max_chars, sublinear=settings.sublinear, lowercase=settings.lowercase)
