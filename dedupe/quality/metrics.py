"""Held-out scores of a label: precision, recall, F1 and accuracy at p = 0.5, and ROC AUC."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score


def label_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    """Scores of probabilities `p` against 0/1 truth `y` (ROC AUC is None when one class is missing)."""
    y = np.asarray(y, dtype=np.int64)
    pred = np.asarray(p) >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    auc = float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else None
    return {"n": int(len(y)), "positive": int(y.sum()), "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "accuracy": round(float(np.mean(pred == (y == 1))) if len(y) else 0.0, 4),
            "roc_auc": round(auc, 4) if auc is not None else None}


def metrics_table(rows: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Lines of a fixed-width table: label, slice, n, positives, precision, recall, F1, accuracy, ROC AUC."""
    out = [f"{'label':<20} {'slice':<10} {'n':>6} {'pos':>5} {'prec':>6} {'recall':>6} {'f1':>6} {'acc':>6} {'roc_auc':>7}"]
    for label, part, m in rows:
        auc = f"{m['roc_auc']:.3f}" if m["roc_auc"] is not None else "-"
        out.append(f"{label:<20} {part:<10} {m['n']:>6} {m['positive']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f} "
                   f"{m['f1']:>6.3f} {m['accuracy']:>6.3f} {auc:>7}")
    return out
