"""The multi-label quality model: one calibrated logistic regression per label, saved as plain JSON.

Each label (syndicated, machine_translated, low_quality) gets a scikit-learn LogisticRegression over
standardised signals and hashed character n-grams, its character weights pruned to the strongest
`keep_top`, and Platt scaling fitted on grouped out-of-fold scores so probabilities are calibrated.
The file holds only numbers and settings (no pickle), so loading a model a user was sent runs no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from dedupe.errors import ConfigError
from dedupe.quality.features import FEATURE_VERSION, NUMERIC_FEATURES, HashingSettings
from dedupe.quality.split import group_folds

LABELS: tuple[str, ...] = ("syndicated", "machine_translated", "low_quality")
MODEL_FORMAT = "dedupe-quality-model"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrainSettings:
    """How each label's regression is fitted; stored in the model file."""

    C: float = 10.0
    keep_top: int = 20000         # character n-gram weights kept per label (the rest are zero)
    calibration_folds: int = 3
    numeric_weight: float = 0.1   # scale of the signal columns next to the l2-normalised n-grams
    seed: int = 0
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> {"C": .., "numeric_weight": ..}

    def to_dict(self) -> dict[str, Any]:
        return {"C": self.C, "keep_top": self.keep_top, "calibration_folds": self.calibration_folds,
                "numeric_weight": self.numeric_weight, "seed": self.seed,
                "per_label": {k: dict(sorted(v.items())) for k, v in sorted(self.per_label.items())}}

    def for_label(self, label: str) -> TrainSettings:
        """These settings with the label's own C and numeric_weight, if it has any."""
        own = self.per_label.get(label, {})
        return TrainSettings(C=float(own.get("C", self.C)), keep_top=self.keep_top,
                             calibration_folds=self.calibration_folds,
                             numeric_weight=float(own.get("numeric_weight", self.numeric_weight)), seed=self.seed)


@dataclass
class LabelModel:
    """One label's weights: dense over the signals, sparse over the hashed n-grams, plus calibration."""

    numeric_coef: np.ndarray
    char_index: np.ndarray
    char_coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]  # p = 1 / (1 + exp(-(a * score + b)))
    n_train: int = 0
    n_positive: int = 0

    def scores(self, numeric: np.ndarray, chars: sp.csr_matrix) -> np.ndarray:
        """Uncalibrated decision values for standardised signals and hashed n-grams."""
        char_part = chars[:, self.char_index] @ self.char_coef if len(self.char_index) else 0.0
        return numeric @ self.numeric_coef + char_part + self.intercept

    def probabilities(self, numeric: np.ndarray, chars: sp.csr_matrix) -> np.ndarray:
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.scores(numeric, chars) + b)))


@dataclass
class QualityModel:
    """Standardisation of the signals, hashing settings and one LabelModel per label."""

    labels: list[str]
    label_models: dict[str, LabelModel]
    numeric_mean: np.ndarray
    numeric_scale: np.ndarray
    hashing: HashingSettings
    train: TrainSettings
    metadata: dict[str, Any] = field(default_factory=dict)

    def standardise(self, numeric: np.ndarray) -> np.ndarray:
        return (np.asarray(numeric, dtype=np.float64) - self.numeric_mean) / self.numeric_scale

    def predict(self, numeric: np.ndarray, chars: sp.csr_matrix) -> np.ndarray:
        """Calibrated probabilities, one column per label in `labels` order."""
        z = self.standardise(numeric)
        return np.column_stack([self.label_models[l].probabilities(z, chars) for l in self.labels])

    def contributions(self, label: str, numeric_row: np.ndarray, chars_row: sp.csr_matrix) -> tuple[dict[str, float], float]:
        """How much each signal (relative to an average training document) and the n-grams add to a score."""
        lm = self.label_models[label]
        z = self.standardise(numeric_row.reshape(1, -1))[0]
        per_signal = {name: float(c * v) for name, c, v in zip(NUMERIC_FEATURES, lm.numeric_coef, z)}
        chars = float((chars_row[:, lm.char_index] @ lm.char_coef)[0]) if len(lm.char_index) else 0.0
        return per_signal, chars

    # ---- files -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": FORMAT_VERSION,
            "feature_version": FEATURE_VERSION,
            "labels": list(self.labels),
            "numeric_features": list(NUMERIC_FEATURES),
            "numeric_mean": _round(self.numeric_mean),
            "numeric_scale": _round(self.numeric_scale),
            "hashing": self.hashing.to_dict(),
            "train": self.train.to_dict(),
            "metadata": self.metadata,
            "label_models": {
                label: {
                    "numeric_coef": _round(lm.numeric_coef),
                    "char_index": [int(i) for i in lm.char_index],
                    "char_coef": _round(lm.char_coef),
                    "intercept": _round1(lm.intercept),
                    "calibration": [_round1(lm.calibration[0]), _round1(lm.calibration[1])],
                    "n_train": lm.n_train,
                    "n_positive": lm.n_positive,
                }
                for label, lm in self.label_models.items()
            },
        }

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (same model, same bytes), through a temporary file and a rename."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                       encoding="utf-8")
        tmp.replace(target)

    @classmethod
    def from_json(cls, data: Any, where: str) -> QualityModel:
        """Check every setting against this code before accepting a model; a mismatch is a ConfigError."""
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ConfigError(f"{where}: not a dedupe quality model")
        if data.get("format_version") != FORMAT_VERSION:
            raise ConfigError(f"{where}: model format {data.get('format_version')} is not supported (expected {FORMAT_VERSION})")
        if data.get("feature_version") != FEATURE_VERSION:
            raise ConfigError(f"{where}: model was trained with feature version {data.get('feature_version')}, "
                              f"this dedupe computes version {FEATURE_VERSION}; retrain it with `dedupe train`")
        if data.get("numeric_features") != list(NUMERIC_FEATURES):
            raise ConfigError(f"{where}: model signals differ from this dedupe's signals; retrain it")
        try:
            hashing = HashingSettings(**data["hashing"])
            train = TrainSettings(**data["train"])
            if not isinstance(train.per_label, dict):
                raise ValueError("train.per_label must be an object")
            n = len(NUMERIC_FEATURES)
            mean = np.asarray(data["numeric_mean"], dtype=np.float64)
            scale = np.asarray(data["numeric_scale"], dtype=np.float64)
            if mean.shape != (n,) or scale.shape != (n,) or np.any(scale <= 0):
                raise ValueError("signal standardisation has the wrong shape")
            models = {}
            for label in data["labels"]:
                entry = data["label_models"][label]
                index = np.asarray(entry["char_index"], dtype=np.int64)
                coef = np.asarray(entry["char_coef"], dtype=np.float64)
                numeric = np.asarray(entry["numeric_coef"], dtype=np.float64)
                if numeric.shape != (n,) or index.shape != coef.shape:
                    raise ValueError(f"weights of {label!r} have the wrong shape")
                if len(index) and (index.min() < 0 or index.max() >= hashing.n_features):
                    raise ValueError(f"n-gram index of {label!r} outside the hashing space")
                a, b = entry["calibration"]
                models[label] = LabelModel(numeric, index, coef, float(entry["intercept"]), (float(a), float(b)),
                                           int(entry.get("n_train", 0)), int(entry.get("n_positive", 0)))
            return cls(list(data["labels"]), models, mean, scale, hashing, train, dict(data.get("metadata", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: model file is damaged: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> QualityModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: model file not found") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not a JSON model file: {exc}") from None
        return cls.from_json(data, str(path))


def _round1(x: float) -> float:
    return float(f"{float(x):.7g}")


def _round(values: np.ndarray) -> list[float]:
    return [_round1(v) for v in np.asarray(values, dtype=np.float64)]


# ---- fitting ------------------------------------------------------------------------------------

def _fit_raw(z: np.ndarray, chars: sp.csr_matrix, y: np.ndarray, settings: TrainSettings) -> LabelModel:
    """One regression over signals and n-grams, then keep only the `keep_top` strongest n-gram weights."""
    x = sp.hstack([sp.csr_matrix(z * settings.numeric_weight), chars], format="csr")
    reg = LogisticRegression(C=settings.C, class_weight="balanced", solver="liblinear", max_iter=2000,
                             random_state=settings.seed)
    reg.fit(x, y)
    coef = reg.coef_[0].copy()
    n = z.shape[1]
    coef[:n] *= settings.numeric_weight  # fold the column scale into the weights: callers pass plain z
    char_coef = coef[n:]
    nonzero = np.flatnonzero(char_coef)
    if len(nonzero) > settings.keep_top:
        strongest = nonzero[np.argsort(-np.abs(char_coef[nonzero]), kind="stable")[: settings.keep_top]]
        nonzero = np.sort(strongest)
    return LabelModel(coef[:n].copy(), nonzero.astype(np.int64), char_coef[nonzero].copy(), float(reg.intercept_[0]),
                      (1.0, 0.0), int(len(y)), int(y.sum()))


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a 1-D logistic regression from decision values to probabilities."""
    reg = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    reg.fit(scores.reshape(-1, 1), y)
    return float(reg.coef_[0, 0]), float(reg.intercept_[0])


def fit_label(z: np.ndarray, chars: sp.csr_matrix, y: np.ndarray, groups: list[str],
              settings: TrainSettings) -> LabelModel:
    """A calibrated LabelModel: Platt parameters from grouped out-of-fold scores, weights from all rows."""
    folds = group_folds(groups, settings.calibration_folds, settings.seed)
    oof = np.zeros(len(y))
    usable = True
    for k in range(settings.calibration_folds):
        test = folds == k
        train = ~test
        if not test.any() or len(set(y[train])) < 2:
            usable = False
            break
        oof[test] = _fit_raw(z[train], chars[train], y[train], settings).scores(z[test], chars[test])
    model = _fit_raw(z, chars, y, settings)
    if usable and len(set(y)) == 2:
        model.calibration = _platt(oof, y)
    return model


def fit_model(numeric: np.ndarray, chars: sp.csr_matrix, targets: dict[str, np.ndarray], groups: list[str],
              hashing: HashingSettings, settings: TrainSettings, metadata: dict[str, Any] | None = None) -> QualityModel:
    """Train every label on the rows where it is known (target 0 or 1; -1 means unknown)."""
    numeric = np.asarray(numeric, dtype=np.float64)
    mean = numeric.mean(axis=0)
    scale = numeric.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (numeric - mean) / scale
    models = {}
    labels = [l for l in LABELS if l in targets] + sorted(l for l in targets if l not in LABELS)
    for label in labels:
        y = targets[label]
        rows = np.flatnonzero(y >= 0)
        known = y[rows]
        if known.min(initial=1) == known.max(initial=0) or len(rows) == 0:
            raise ConfigError(f"label {label!r} needs both positive and negative examples to train "
                              f"(found {int((known == 1).sum())} positive, {int((known == 0).sum())} negative)")
        models[label] = fit_label(z[rows], chars[rows], known.astype(np.int64), [groups[i] for i in rows],
                                  settings.for_label(label))
    return QualityModel(labels, models, mean, scale, hashing, settings, dict(metadata or {}))
