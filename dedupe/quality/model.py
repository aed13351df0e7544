"""The multi-label quality model: per label, a stacked and calibrated logistic regression saved as plain JSON.

Each label (syndicated, machine_translated, low_quality) is fitted in two stages. First a
scikit-learn LogisticRegression over hashed character n-grams (its regularisation chosen per label
from a small grid by grouped cross-validation on the training rows, its weights pruned to the
strongest `keep_top`); then a second, unweighted LogisticRegression over the standardised signals
plus that first stage's out-of-fold score, which lets the few explainable signals carry their own
weight beside thousands of n-grams and calibrates the probabilities at the same time. Both stages
fold into one linear score (signal weights, n-gram weights, intercept), so the file holds only
numbers and settings (no pickle): loading a model a user was sent runs no code.

Scoring needs numpy only: scipy (sparse n-gram matrices) and scikit-learn are imported where a model
is fitted or a CSR matrix is passed in, so `dedupe filter` with the classifier does not load them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from dedupe.errors import ConfigError
from dedupe.quality.features import CLIPPED_FEATURES, FEATURE_VERSION, NUMERIC_FEATURES, HashingSettings
from dedupe.quality.split import group_folds

if TYPE_CHECKING:
    import scipy.sparse as sp

    from dedupe.config import TrainConfig

LABELS: tuple[str, ...] = ("syndicated", "machine_translated", "low_quality")
MODEL_FORMAT = "dedupe-quality-model"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrainSettings:
    """How each label's regressions are fitted; stored in the model file."""

    C: float = 10.0               # inverse regularisation of the n-gram regression (first stage)
    C_grid: tuple[float, ...] = ()  # if given (increasing), C is chosen per label by grouped cross-validation
    signal_C: float = 0.1         # inverse regularisation of the second stage (signals + n-gram score)
    signal_C_grid: tuple[float, ...] = ()  # if given, signal_C is chosen per label from these, likewise
    keep_top: int = 20000         # character n-gram weights kept per label (the rest are zero)
    folds: int = 3                # grouped folds for the out-of-fold n-gram scores and the choice of C
    seed: int = 0
    per_label: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> own C, C_grid, signal_C, keep_top
    balanced: bool = False        # the second stage weighs both classes equally (its prior is then 1:1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "C_grid", tuple(float(c) for c in self.C_grid))
        object.__setattr__(self, "signal_C_grid", tuple(float(c) for c in self.signal_C_grid))

    def to_dict(self) -> dict[str, Any]:
        return {"C": self.C, "C_grid": list(self.C_grid), "signal_C": self.signal_C,
                "signal_C_grid": list(self.signal_C_grid), "keep_top": self.keep_top,
                "folds": self.folds, "seed": self.seed, **({"balanced": True} if self.balanced else {}),
                "per_label": {k: dict(sorted(v.items())) for k, v in sorted(self.per_label.items())}}

    @classmethod
    def from_config(cls, train: TrainConfig, *, C: float | None = None, seed: int | None = None) -> TrainSettings:
        """Settings from `[quality.train]`; a fixed `C` replaces the grid, `seed` replaces the configured one."""
        return cls(C=C if C is not None else 10.0, C_grid=() if C is not None else tuple(train.C_grid),
                   signal_C_grid=tuple(train.signal_C_grid), folds=train.folds,
                   seed=train.seed if seed is None else seed,
                   per_label={label: {"keep_top": int(n), **({"balanced": True} if label in train.balanced else {})}
                              for label, n in train.keep_top.items()})

    def for_label(self, label: str) -> TrainSettings:
        """These settings with the label's own values, where it has any."""
        own = self.per_label.get(label, {})
        return TrainSettings(C=float(own.get("C", self.C)), C_grid=tuple(own.get("C_grid", self.C_grid)),
                             signal_C=float(own.get("signal_C", self.signal_C)),
                             signal_C_grid=tuple(own.get("signal_C_grid", self.signal_C_grid)),
                             keep_top=int(own.get("keep_top", self.keep_top)), folds=self.folds, seed=self.seed,
                             balanced=bool(own.get("balanced", self.balanced)))


@dataclass
class LabelModel:
    """One label's weights: dense over the signals, sparse over the hashed n-grams, plus calibration."""

    numeric_coef: np.ndarray
    char_index: np.ndarray
    char_coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]  # p = 1 / (1 + exp(-(a * score + b))); (1, 0) when the second stage calibrated
    n_train: int = 0
    n_positive: int = 0
    chosen_C: float | None = None     # the first stage's C (chosen by cross-validation when a grid was given)
    chosen_signal_C: float | None = None  # the second stage's C, likewise

    def char_weights(self, n_features: int) -> np.ndarray:
        """The n-gram weights as one dense vector over the hashing space (cached), so scoring a batch
        is one sparse-times-dense product instead of selecting columns."""
        cached = getattr(self, "_dense", None)
        if cached is None or len(cached) != n_features:
            cached = np.zeros(n_features, dtype=np.float64)
            cached[self.char_index] = self.char_coef
            self._dense = cached
        return cached

    def char_scores(self, chars: sp.csr_matrix) -> np.ndarray:
        """What the hashed n-grams add to each row's score."""
        if not len(self.char_index):
            return np.zeros(chars.shape[0])
        return np.asarray(chars @ self.char_weights(chars.shape[1])).reshape(-1)

    def scores(self, numeric: np.ndarray, chars: sp.csr_matrix) -> np.ndarray:
        """Decision values (log-odds before `calibration`) for standardised signals and hashed n-grams."""
        return numeric @ self.numeric_coef + self.char_scores(chars) + self.intercept

    def probabilities(self, numeric: np.ndarray, chars: sp.csr_matrix | np.ndarray) -> np.ndarray:
        """Calibrated probabilities (`chars` may be the rows' char_scores, already computed)."""
        a, b = self.calibration
        char_part = chars if isinstance(chars, np.ndarray) else self.char_scores(chars)
        score = numeric @ self.numeric_coef + char_part + self.intercept
        return sigmoid(a * score + b)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) (scipy.special.expit's values without importing scipy), from e^-|x| so that no
    exponential overflows however large |x| is."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


Z_LIMIT = 4.0  # the CLIPPED_FEATURES are read at most this many standard deviations from the mean
_CLIP = np.array([name in CLIPPED_FEATURES for name in NUMERIC_FEATURES])


def standardise(numeric: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Signals in standard deviations from the training mean, the long-tailed rates clipped to +-Z_LIMIT."""
    z = (np.asarray(numeric, dtype=np.float64) - mean) / scale
    limit = np.where(_CLIP, Z_LIMIT, np.inf)
    return np.clip(z, -limit, limit)


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
        return standardise(numeric, self.numeric_mean, self.numeric_scale)

    def char_weight_matrix(self) -> np.ndarray:
        """Every label's n-gram weights as one dense (labels x n_features) array (cached): a batch's
        n-gram scores in one pass (dedupe.quality.features.char_scores)."""
        cached = getattr(self, "_char_weights", None)
        if cached is None:
            n = self.hashing.n_features
            cached = np.vstack([self.label_models[l].char_weights(n) for l in self.labels]) if self.labels \
                else np.zeros((0, n))
            self._char_weights = cached
        return cached

    def predict(self, numeric: np.ndarray, chars: sp.csr_matrix | None, char_scores: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities, one column per label in `labels` order (`char_scores`: the
        n-gram parts of the scores, one column per label, when already computed)."""
        z = self.standardise(numeric)
        return np.column_stack([self.label_models[l].probabilities(z, chars if char_scores is None else char_scores[:, k])
                                for k, l in enumerate(self.labels)])

    def contributions(self, label: str, numeric_row: np.ndarray, chars_row: sp.csr_matrix | float) -> tuple[dict[str, float], float]:
        """How much each signal (relative to an average training document) and the n-grams add to a score
        (`chars_row` may be that n-gram part already computed, LabelModel.char_scores)."""
        lm = self.label_models[label]
        z = self.standardise(numeric_row.reshape(1, -1))[0]
        per_signal = {name: float(c * v) for name, c, v in zip(NUMERIC_FEATURES, lm.numeric_coef, z)}
        chars = float(chars_row) if isinstance(chars_row, (float, np.floating)) else float(lm.char_scores(chars_row)[0])
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
                    "char_coef": _round(lm.char_coef, CHAR_DIGITS),
                    "intercept": _round1(lm.intercept),
                    "calibration": [_round1(lm.calibration[0]), _round1(lm.calibration[1])],
                    "n_train": lm.n_train,
                    "n_positive": lm.n_positive,
                    "C": lm.chosen_C,
                    "signal_C": lm.chosen_signal_C,
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
                chosen, chosen_signal = entry.get("C"), entry.get("signal_C")
                models[label] = LabelModel(numeric, index, coef, float(entry["intercept"]), (float(a), float(b)),
                                           int(entry.get("n_train", 0)), int(entry.get("n_positive", 0)),
                                           float(chosen) if chosen is not None else None,
                                           float(chosen_signal) if chosen_signal is not None else None)
            return cls(list(data["labels"]), models, mean, scale, hashing, train, dict(data.get("metadata", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: model file is damaged: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> QualityModel:
        try:
            data = _parse(Path(path).read_bytes())
        except FileNotFoundError:
            raise ConfigError(f"{path}: model file not found") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not a JSON model file: {exc}") from None
        return cls.from_json(data, str(path))


def _parse(raw: bytes) -> Any:
    """The model file's JSON, read by orjson (the default model in a quarter of json's 0.1 s at
    start-up); what orjson refuses (NaN or Infinity, which json.dumps may write) is read by json."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw.decode("utf-8"))


CHAR_DIGITS = 4  # significant digits of n-gram weights (the file stays small; the fitted model is rounded alike)


def _round1(x: float, digits: int = 7) -> float:
    return float(f"{float(x):.{digits}g}")


def _round(values: np.ndarray, digits: int = 7) -> list[float]:
    return [_round1(v, digits) for v in np.asarray(values, dtype=np.float64)]


# ---- fitting ------------------------------------------------------------------------------------

@dataclass
class _CharModel:
    """The first stage: pruned n-gram weights and an intercept."""

    index: np.ndarray
    coef: np.ndarray
    intercept: float

    def scores(self, chars: sp.csr_matrix) -> np.ndarray:
        return (chars[:, self.index] @ self.coef if len(self.index) else np.zeros(chars.shape[0])) + self.intercept


def _fit_chars(chars: sp.csr_matrix, y: np.ndarray, C: float, keep_top: int, seed: int) -> _CharModel:
    """Balanced logistic regression over the n-grams, keeping only the `keep_top` strongest weights."""
    from sklearn.linear_model import LogisticRegression  # only fitting needs scikit-learn

    reg = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=seed)
    reg.fit(chars, y)
    coef = reg.coef_[0]
    nonzero = np.flatnonzero(coef)
    if len(nonzero) > keep_top:
        strongest = nonzero[np.argsort(-np.abs(coef[nonzero]), kind="stable")[:keep_top]]
        nonzero = np.sort(strongest)
    return _CharModel(nonzero.astype(np.int64), coef[nonzero].copy(), float(reg.intercept_[0]))


def _out_of_fold(chars: sp.csr_matrix, y: np.ndarray, folds: np.ndarray, n_folds: int, C: float,
                 settings: TrainSettings) -> np.ndarray:
    """First-stage scores of every row from a model that did not see the row's group."""
    oof = np.zeros(len(y))
    for k in range(n_folds):
        test = folds == k
        oof[test] = _fit_chars(chars[~test], y[~test], C, settings.keep_top, settings.seed).scores(chars[test])
    return oof


def _weights(settings: TrainSettings) -> str | None:
    return "balanced" if settings.balanced else None


def _choose_signal_C(stacked: np.ndarray, y: np.ndarray, folds: np.ndarray, settings: TrainSettings) -> float:
    """The second stage's C with the lowest grouped out-of-fold log loss (ties keep the smaller C)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    grid = settings.signal_C_grid or (settings.signal_C,)
    if len(grid) == 1:
        return grid[0]
    best, chosen = np.inf, grid[0]
    for C in grid:
        p = np.zeros(len(y))
        for k in range(settings.folds):
            test = folds == k
            reg = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, class_weight=_weights(settings))
            reg.fit(stacked[~test], y[~test])
            p[test] = reg.predict_proba(stacked[test])[:, 1]
        loss = float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1]))
        if loss < best - 1e-6:
            best, chosen = loss, C
    return chosen


def fit_label(z: np.ndarray, chars: sp.csr_matrix, y: np.ndarray, groups: list[str],
              settings: TrainSettings) -> LabelModel:
    """A calibrated LabelModel: n-gram regression (C chosen by grouped CV), then signals + out-of-fold score.

    With too few groups for grouped folds (every fold needs both classes to train on), the second
    stage reads the in-sample n-gram score instead, which is overconfident; real training sets have
    the groups.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    folds = group_folds(groups, settings.folds, settings.seed)
    usable = all((folds == k).any() and len(set(y[folds != k].tolist())) == 2 for k in range(settings.folds))
    grid = settings.C_grid or (settings.C,)
    chosen, oof = grid[0], None
    if usable:
        best = -1.0
        for C in grid:
            scores = _out_of_fold(chars, y, folds, settings.folds, C, settings)
            auc = float(roc_auc_score(y, scores))
            if auc > best + 1e-6:  # ties keep the stronger regularisation (the grid is in increasing C)
                best, chosen, oof = auc, C, scores
    first = _fit_chars(chars, y, chosen, settings.keep_top, settings.seed)
    if oof is None:
        oof = first.scores(chars)
    stacked = np.column_stack([z, oof])
    signal_C = _choose_signal_C(stacked, y, folds, settings) if usable else settings.signal_C
    second = LogisticRegression(C=signal_C, solver="lbfgs", max_iter=5000, class_weight=_weights(settings))
    second.fit(stacked, y)
    weights = second.coef_[0]
    scale = float(weights[-1])  # the first stage's score enters the second stage with this weight
    char_coef = np.array(_round(scale * first.coef, CHAR_DIGITS), dtype=np.float64)
    return LabelModel(weights[:-1].copy(), first.index, char_coef,
                      float(scale * first.intercept + second.intercept_[0]), (1.0, 0.0), int(len(y)), int(y.sum()),
                      float(chosen), float(signal_C))


def fit_model(numeric: np.ndarray, chars: sp.csr_matrix, targets: dict[str, np.ndarray], groups: list[str],
              hashing: HashingSettings, settings: TrainSettings, metadata: dict[str, Any] | None = None) -> QualityModel:
    """Train every label on the rows where it is known (target 0 or 1; -1 means unknown)."""
    numeric = np.asarray(numeric, dtype=np.float64)
    mean = numeric.mean(axis=0)
    scale = numeric.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = standardise(numeric, mean, scale)
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
