"""Training from labeled documents: read the labels, split by group, fit, score the held-out part.

A labeled record carries `labels`: either an object {label: 0|1|true|false} (a label left out is
unknown for that record and not trained on), or a list of the labels that apply (every other known
label is then 0). `group` (default: the id) keeps related documents (translations of one source,
copies of one story) on the same side of the held-out split. `batch` (optional) names the set of
documents that are neighbours of each other for the near-duplicate signals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from dedupe.document import Document
from dedupe.errors import ConfigError, InputError
from dedupe.quality.batch import batch_features
from dedupe.quality.features import HashingSettings
from dedupe.quality.metrics import label_metrics
from dedupe.quality.model import LABELS, QualityModel, TrainSettings, fit_model
from dedupe.quality.signals import SignalSettings
from dedupe.quality.split import group_folds, held_out_mask


@dataclass
class Example:
    """One labeled document: targets per label (1, 0; missing = unknown), its group and batch."""

    doc: Document
    targets: dict[str, int]
    group: str
    batch: str = ""


def parse_labels(value: Any, where: str, known: tuple[str, ...] = LABELS) -> dict[str, int]:
    """The `labels` field of a record as {label: 0 or 1}; a clear InputError when it cannot be read."""
    if isinstance(value, list):
        unknown = [v for v in value if v not in known]
        if unknown:
            raise InputError(where, f"unknown label {unknown[0]!r} (known: {', '.join(known)})")
        return {label: int(label in value) for label in known}
    if isinstance(value, dict):
        out = {}
        for label, v in value.items():
            if label not in known:
                raise InputError(where, f"unknown label {label!r} (known: {', '.join(known)})")
            if v is None:
                continue
            if isinstance(v, bool) or v in (0, 1):
                out[label] = int(v)
            else:
                raise InputError(where, f"label {label!r} must be 0, 1, true, false or null, not {v!r}")
        return out
    raise InputError(where, "field 'labels' must be a list of labels or an object {label: 0 or 1}")


def examples_from_documents(docs: list[Document], labels_field: str = "labels", group_field: str = "group",
                            batch_field: str = "batch") -> list[Example]:
    """Examples from documents read from labeled JSONL (the labels live in the input record)."""
    out = []
    for doc in docs:
        if doc.error is not None:
            raise InputError(doc.where or doc.id, doc.error)
        if labels_field not in doc.record:
            raise InputError(doc.where or doc.id, f"no {labels_field!r} field")
        targets = parse_labels(doc.record[labels_field], doc.where or doc.id)
        out.append(Example(doc, targets, str(doc.record.get(group_field) or doc.id), str(doc.record.get(batch_field) or "")))
    return out


@dataclass
class Prepared:
    """Model inputs of a list of examples, with the truth matrix (-1 = unknown)."""

    examples: list[Example]
    numeric: np.ndarray
    chars: sp.csr_matrix
    targets: dict[str, np.ndarray]
    langs: list[str]
    evidence: list[list[str]] = field(default_factory=list)
    flags: list[list[str]] = field(default_factory=list)

    def subset(self, rows: np.ndarray) -> Prepared:
        idx = np.flatnonzero(rows) if rows.dtype == bool else rows
        return Prepared([self.examples[i] for i in idx], self.numeric[idx], self.chars[idx],
                        {k: v[idx] for k, v in self.targets.items()}, [self.langs[i] for i in idx],
                        [self.evidence[i] for i in idx], [self.flags[i] for i in idx])

    @property
    def groups(self) -> list[str]:
        return [e.group for e in self.examples]


def prepare(examples: list[Example], signal_settings: SignalSettings, hashing: HashingSettings) -> Prepared:
    """Signals and n-grams of every example; near-duplicate facts computed within each batch."""
    by_batch: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_batch[e.batch].append(i)
    n = len(examples)
    numeric: list[np.ndarray | None] = [None] * n
    chars: list[sp.csr_matrix | None] = [None] * n
    langs = [""] * n
    evidence: list[list[str]] = [[] for _ in range(n)]
    flags: list[list[str]] = [[] for _ in range(n)]
    for _, idx in sorted(by_batch.items()):
        feats = batch_features([examples[i].doc for i in idx], signal_settings, hashing)
        for k, i in enumerate(idx):
            numeric[i] = feats.numeric[k]
            chars[i] = feats.chars[k]
            langs[i] = feats.signals[k].lang or "und"
            evidence[i] = feats.signals[k].evidence
            flags[i] = feats.signals[k].flags
    labels = sorted({l for e in examples for l in e.targets}, key=lambda l: (l not in LABELS, LABELS.index(l) if l in LABELS else 0, l))
    targets = {l: np.array([e.targets.get(l, -1) for e in examples], dtype=np.int64) for l in labels}
    if not examples:
        raise ConfigError("no labeled documents to train on")
    return Prepared(examples, np.vstack(numeric), sp.vstack(chars, format="csr"), targets, langs, evidence, flags)


def fit_prepared(data: Prepared, hashing: HashingSettings, settings: TrainSettings,
                 metadata: dict[str, Any] | None = None) -> QualityModel:
    return fit_model(data.numeric, data.chars, data.targets, data.groups, hashing, settings, metadata)


def held_out_predictions(data: Prepared, hashing: HashingSettings, settings: TrainSettings, *,
                         folds: int = 0, test_share: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities for rows no model saw in training: one grouped split (folds=0) or grouped k-fold.

    Returns (probabilities, mask of rows that got a held-out prediction), columns in label order.
    """
    labels = list(data.targets)
    probs = np.full((len(data.examples), len(labels)), np.nan)
    if folds:
        fold_of = group_folds(data.groups, folds, settings.seed + 1)
        parts = [fold_of == k for k in range(folds)]
    else:
        parts = [held_out_mask(data.groups, test_share, settings.seed)]
    for test in parts:
        if not test.any() or test.all():
            continue
        model = fit_prepared(data.subset(~test), hashing, settings)
        held = data.subset(test)
        p = model.predict(held.numeric, held.chars)
        probs[np.flatnonzero(test)] = p[:, [model.labels.index(l) for l in labels]]
    return probs, ~np.isnan(probs[:, 0])


def evaluate(data: Prepared, probs: np.ndarray, mask: np.ndarray,
             slices: dict[str, np.ndarray] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """Metric rows (label, slice, scores) over held-out rows where the label is known: overall and per slice."""
    rows = []
    slices = {"all": np.ones(len(data.examples), dtype=bool), **(slices or {})}
    for j, label in enumerate(data.targets):
        y = data.targets[label]
        for name, part in slices.items():
            keep = mask & part & (y >= 0)
            if keep.sum() == 0 or (name != "all" and len(set(y[keep].tolist())) < 1):
                continue
            rows.append((label, name, label_metrics(y[keep], probs[keep, j])))
    return rows


def language_slices(data: Prepared, min_rows: int = 20) -> dict[str, np.ndarray]:
    """One slice per language with at least `min_rows` held-out candidates."""
    langs = np.array(data.langs)
    out = {}
    for lang in sorted(set(data.langs)):
        part = langs == lang
        if part.sum() >= min_rows:
            out[f"lang={lang}"] = part
    return out
