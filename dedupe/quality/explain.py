"""Explanations in words: which signals pushed a label's probability up, and the evidence behind them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from dedupe.quality.features import signal_of
from dedupe.quality.model import QualityModel
from dedupe.quality.signals import SIGNALS, Signals


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
    for label in model.labels:
        p = probabilities[label]
        if p < threshold:
            continue
        part = chars_row[label] if isinstance(chars_row, dict) else chars_row
        per_feature, chars = model.contributions(label, numeric_row, part)
        per_signal: dict[str, float] = {}
        for name, c in per_feature.items():
            base = signal_of(name)
            if base in SIGNALS:
                per_signal[base] = per_signal.get(base, 0.0) + c
        ranked = sorted(((c, n) for n, c in per_signal.items() if c > 0.05), key=lambda t: (-t[0], t[1]))[:top]
        reasons = [f"{SIGNALS[n]} ({_value_words(n, signals.values[n])})" for _, n in ranked]
        if chars > 0.05 and (not ranked or chars >= ranked[-1][0]):
            reasons.append("character patterns typical of this label in the training data")
        lines.append(f"{label} {p:.2f}: " + ("; ".join(reasons) if reasons else "no single signal stands out"))
    evidence = signals.evidence
    if lines and evidence:
        lines.extend(f"evidence: {e}" for e in evidence[:5])
    return lines
