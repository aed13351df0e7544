"""The classify stage: calibrated label probabilities, quality signals and an explanation per document.

`Classifier.load()` reads the default model shipped in the package (or a file from `dedupe train`);
calling the stage on documents sets `doc.labels`, adds the raised flags to `doc.signals` and writes
`doc.explanation`. It holds the batch, because containment and first-publisher rank compare
documents with each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from dedupe.config import QualityConfig, load_config
from dedupe.document import Document
from dedupe.errors import ConfigError
from dedupe.near.signer import SampledShingles
from dedupe.quality.batch import batch_features
from dedupe.quality.context import NearFacts, batch_near_facts
from dedupe.quality.explain import explain
from dedupe.quality.model import QualityModel
from dedupe.quality.signals import SignalSettings

DEFAULT_MODEL = "models/quality-default.json"


def default_model_path() -> Path:
    """Where the model shipped in the package lives."""
    return Path(str(resources.files("dedupe").joinpath(DEFAULT_MODEL)))


def signal_settings(cfg: QualityConfig) -> SignalSettings:
    return SignalSettings(sample_chars=cfg.sample_chars, text_mix_chars=cfg.text_mix_chars,
                          text_chars=cfg.text_chars, seed=cfg.seed,
                          line_min_letters=cfg.line_min_letters,
                          line_max_lines=cfg.line_max_lines, flags=dict(cfg.flags))


class Classifier:
    """Stage: sets `doc.labels` (probabilities), adds quality signals, sets `doc.explanation`."""

    def __init__(self, model: QualityModel, cfg: QualityConfig | None = None, chunk: int = 512):
        self.model = model
        self.cfg = cfg or load_config().quality
        self.settings = signal_settings(self.cfg)
        self.chunk = chunk

    @classmethod
    def load(cls, path: str | Path | None = None, cfg: QualityConfig | None = None) -> Classifier:
        """The model at `path`; None: the config's `quality.model`, or the default model in the package."""
        cfg = cfg or load_config().quality
        chosen = path or cfg.model or default_model_path()
        if not path and not cfg.model and not Path(chosen).exists():
            raise ConfigError(f"{chosen}: the default model is missing from this installation; "
                              "rebuild it with scripts/train_default_model.py")
        return cls(QualityModel.load(chosen), cfg)

    def near_facts(self, docs: list[Document], sample: SampledShingles | None = None) -> list[NearFacts]:
        """The near-duplicate context of each document within `docs` (containment, first publisher);
        `sample`: the Signer's sampled shingles of their texts, when it shingles as the context does."""
        return batch_near_facts(docs, ngram=self.cfg.containment_ngram, sample_mod=self.cfg.containment_sample_mod,
                                sample=sample)

    def classify(self, docs: list[Document], facts: list[NearFacts] | None = None) -> list[Document]:
        """Label a list of documents in place (they are each other's near-duplicate context, unless
        `facts` from `near_facts` on a larger batch are given)."""
        if not docs:
            return docs
        feats = batch_features(docs, self.settings, self.model.hashing, ngram=self.cfg.containment_ngram,
                               sample_mod=self.cfg.containment_sample_mod, facts=facts,
                               char_weights=self.model.char_weight_matrix())
        labels = self.model.labels
        char_parts = feats.char_scores
        probs = self.model.predict(feats.numeric, None, char_parts)
        for i, doc in enumerate(docs):
            signals = feats.signals[i]
            doc.labels = {label: round(p, 4) for label, p in zip(labels, probs[i].tolist())}
            for flag in signals.flags:
                doc.add_signal(flag)
            if not doc.lang and signals.lang:
                doc.lang = signals.lang
            if max(doc.labels.values(), default=0.0) < self.cfg.explain_threshold:
                doc.explanation = []  # what explain() says when no label reaches the threshold
                continue
            doc.explanation = explain(self.model, doc.labels, signals, feats.numeric[i],
                                      dict(zip(labels, char_parts[i].tolist())),
                                      threshold=self.cfg.explain_threshold, top=self.cfg.explain_top)
        return docs

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        batch = [d for d in docs]
        readable = [d for d in batch if d.error is None]
        self.classify(readable)
        yield from batch


def parse_reject_label(spec: str, default_probability: float | None = None,
                       labels: Iterable[str] | None = None) -> tuple[str, float]:
    """`machine_translated=0.8` -> ("machine_translated", 0.8); without `=P` the config's reject_probability."""
    from dedupe.quality.model import LABELS

    known = tuple(labels) if labels is not None else LABELS
    name, sep, value = spec.partition("=")
    name = name.strip()
    if name not in known:
        raise ConfigError(f"--reject-label {spec!r}: unknown label {name!r} (known: {', '.join(known)})")
    if not sep:
        p = default_probability if default_probability is not None else load_config().quality.reject_probability
        return name, float(p)
    try:
        p = float(value)
    except ValueError:
        raise ConfigError(f"--reject-label {spec!r}: probability {value!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise ConfigError(f"--reject-label {spec!r}: probability must be between 0 and 1")
    return name, p
