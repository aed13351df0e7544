"""Source quality: explainable signals, a calibrated multi-label classifier, per-source scores.

Public API: `Classifier.load(path=None)` (None: the default model in the package) is a stage that
sets `doc.labels`, adds signals and writes `doc.explanation`; `parse_reject_label("label=P")`;
`score_sources(docs, cfg)`; `QualityModel` (JSON model files); `SIGNALS` (every signal's meaning).
"""

from dedupe.quality.classifier import Classifier, default_model_path, parse_reject_label
from dedupe.quality.model import LABELS, QualityModel
from dedupe.quality.signals import SIGNALS
from dedupe.quality.sources import score_sources

__all__ = ["LABELS", "SIGNALS", "Classifier", "QualityModel", "default_model_path", "parse_reject_label", "score_sources"]
