"""Explanations in words: which signals pushed a label's probability up, and the evidence behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe.quality.features import NUMERIC_FEATURES, signal_of
from dedupe.quality.model import QualityModel
from dedupe.quality.signals import SIGNALS, Signals

if TYPE_CHECKING:
    import scipy.sparse as sp  # the n-gram matrix of training; scoring runs without scipy


_SIGNAL_NAMES = list(SIGNALS)
_SIGNAL_OF = np.array([_SIGNAL_NAMES.index(signal_of(f)) if signal_of(f) in SIGNALS else -1 for f in NUMERIC_FEATURES])
_HAS_SIGNAL = _SIGNAL_OF >= 0


def _value_words(name: str, value: float) -> str:
    if name.endswith(("_share", "_ratio", "_quotes", "_comma", "_mix", "containment", "_density", "_end")) \
            or name == "mt.latin_words":
        return f"{value:.0%}"
    if name == "text.words_log":
        return f"{int(round(np.expm1(value)))} words"
    if name.endswith("_words"):  # mean words per sentence or per segment
        return f"{value:.1f} words"
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def explain(model: QualityModel, probabilities: dict[str, float], signals: Signals, numeric_row: np.ndarray,
            chars_row: sp.csr_matrix | dict[str, float], *, threshold: float = 0.5, top: int = 3) -> list[str]:
    """One line per label at or above `threshold`: its probability and its top contributing signals
    (`chars_row`: the document's n-gram row, or what its n-grams add to each label's score)."""
    lines = []
    z = None
    for label in model.labels:
        p = probabilities[label]
        if p < threshold:
            continue
        part = chars_row[label] if isinstance(chars_row, dict) else chars_row
        chars = float(part) if isinstance(part, float | np.floating) else model.contributions(label, numeric_row, part)[1]
        if z is None:  # the standardised signals, once for every label
            z = model.standardise(numeric_row.reshape(1, -1))[0]
        # each feature's contribution (coefficient times standardised value), summed per signal in
        # feature order (a signal's own feature, then its Arabic copy), as model.contributions gives them
        contributions = (model.label_models[label].numeric_coef * z)[_HAS_SIGNAL]
        per_signal = np.bincount(_SIGNAL_OF[_HAS_SIGNAL], weights=contributions, minlength=len(_SIGNAL_NAMES))
        ranked = sorted(((float(per_signal[k]), _SIGNAL_NAMES[k]) for k in np.flatnonzero(per_signal > 0.05)),
                        key=lambda t: (-t[0], t[1]))[:top]
        reasons = [f"{SIGNALS[n]} ({_value_words(n, signals.values[n])})" for _, n in ranked]
        if chars > 0.05 and (not ranked or chars >= ranked[-1][0]):
            reasons.append("character patterns typical of this label in the training data")
        lines.append(f"{label} {p:.2f}: " + ("; ".join(reasons) if reasons else "no single signal stands out"))
    evidence = signals.evidence
    if lines and evidence:
        lines.extend(f"evidence: {e}" for e in evidence[:5])
    return lines
