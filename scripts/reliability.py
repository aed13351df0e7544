"""Reliability of the default model's probabilities, per label and per language, from held-out rows.

    .venv/bin/python scripts/train_default_model.py --predictions /tmp/held-out.jsonl
    .venv/bin/python scripts/reliability.py /tmp/held-out.jsonl [--bins 5] [--min-rows 50]
                                            [--svg docs/figures/reliability.svg]

A probability is calibrated when, of the documents given about p, about a share p carry the label.
For each label, every language with at least `--min-rows` labelled held-out rows and both classes
present, and all languages together, this prints a Markdown table: per probability bin (equal
width), the rows in it, their mean predicted probability and the share that carry the label; then
the expected calibration error (ECE: the row-weighted mean gap between the two) and the Brier
score. `--svg` also draws one reliability curve per language and label (predicted against observed,
the diagonal is perfect) into a self-contained SVG file for the model card. Only rows predicted by
a model that never saw them (the training script's nested, grouped cross-validation) are read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np


def load(path: Path) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """label -> language ("all" too) -> (held-out probabilities, targets) of the labelled rows."""
    rows: dict[str, dict[str, list[tuple[float, int]]]] = defaultdict(lambda: defaultdict(list))
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for label, target in row["targets"].items():
                if target is None or label not in row["held_out"]:
                    continue
                pair = (float(row["held_out"][label]), int(target))
                rows[label][row["lang"] or "und"].append(pair)
                rows[label]["all"].append(pair)
    return {label: {lang: (np.array([p for p, _ in v]), np.array([t for _, t in v])) for lang, v in by_lang.items()}
            for label, by_lang in rows.items()}


def reliability(probs: np.ndarray, targets: np.ndarray, bins: int) -> list[tuple[int, float, float]]:
    """(rows, mean predicted, observed share) per equal-width bin of [0, 1]; empty bins left out."""
    which = np.minimum((probs * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        part = which == b
        if part.any():
            out.append((int(part.sum()), float(probs[part].mean()), float(targets[part].mean())))
    return out


def ece(curve: list[tuple[int, float, float]]) -> float:
    total = sum(n for n, _, _ in curve)
    return sum(n * abs(p - o) for n, p, o in curve) / total if total else 0.0


def chosen(data: dict[str, tuple[np.ndarray, np.ndarray]], min_rows: int) -> list[str]:
    """The languages worth a curve: enough rows and both classes; "all" first."""
    langs = [lang for lang, (p, t) in data.items()
             if lang != "all" and len(p) >= min_rows and 0 < t.sum() < len(t)]
    return ["all", *sorted(langs, key=lambda lang: -len(data[lang][0]))]


def markdown(model: dict, bins: int, min_rows: int) -> list[str]:
    lines = []
    for label in sorted(model):
        data = model[label]
        lines += [f"### {label}", "", "| language | rows | positives | ECE | Brier | bins: rows · predicted → observed |",
                  "|---|---:|---:|---:|---:|---|"]
        for lang in chosen(data, min_rows):
            probs, targets = data[lang]
            curve = reliability(probs, targets, bins)
            cells = "; ".join(f"{n} · {p:.2f} → {o:.2f}" for n, p, o in curve)
            brier = float(np.mean((probs - targets) ** 2))
            lines.append(f"| {lang} | {len(probs)} | {int(targets.sum())} | {ece(curve):.3f} | {brier:.3f} | {cells} |")
        lines.append("")
    return lines


_COLOURS = ["#222222", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
            "#7f7f7f", "#bcbd22"]


def svg(model: dict, bins: int, min_rows: int) -> str:
    """One panel per label: the diagonal and one polyline per language (points sized by rows)."""
    size, pad, gap = 260, 34, 40
    labels = sorted(model)
    width = len(labels) * (size + pad + gap) + gap
    height = size + 2 * pad + 18 * (1 + max(len(chosen(model[l], min_rows)) for l in labels))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">', f'<rect width="{width}" height="{height}" fill="white"/>']
    for k, label in enumerate(labels):
        x0, y0 = gap + k * (size + pad + gap) + pad, pad

        def at(p: float, o: float) -> tuple[float, float]:
            return x0 + p * size, y0 + (1 - o) * size

        parts.append(f'<text x="{x0}" y="{y0 - 12}" font-size="13" font-weight="bold">{label}</text>')
        parts.append(f'<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="none" stroke="#999"/>')
        parts.append(f'<line x1="{x0}" y1="{y0 + size}" x2="{x0 + size}" y2="{y0}" stroke="#bbb" stroke-dasharray="4 3"/>')
        for tick in (0, 0.5, 1):
            tx, ty = at(tick, tick)
            parts.append(f'<text x="{tx - 6}" y="{y0 + size + 14}">{tick:g}</text>')
            parts.append(f'<text x="{x0 - 24}" y="{ty + 4}">{tick:g}</text>')
        parts.append(f'<text x="{x0 + size / 2 - 40}" y="{y0 + size + 28}">predicted</text>')
        data = model[label]
        for j, lang in enumerate(chosen(data, min_rows)):
            colour = _COLOURS[j % len(_COLOURS)]
            curve = reliability(*data[lang], bins)
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(p, o) for _, p, o in curve))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{2.5 if lang == "all" else 1.3}"/>')
            for n, p, o in curve:
                x, y = at(p, o)
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{min(6.0, 1.5 + n ** 0.5 / 4):.1f}" fill="{colour}"/>')
            ly = y0 + size + 46 + 16 * j
            parts.append(f'<rect x="{x0}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
            parts.append(f'<text x="{x0 + 14}" y="{ly}">{lang}: {len(data[lang][0])} rows, ECE {ece(curve):.3f}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("predictions", type=Path, help="JSONL from train_default_model.py --predictions")
    parser.add_argument("--bins", type=int, default=5)
    parser.add_argument("--min-rows", type=int, default=50)
    parser.add_argument("--svg", type=Path)
    args = parser.parse_args()
    if not args.predictions.exists():
        print(f"error: {args.predictions}: no such file (write it with train_default_model.py --predictions)",
              file=sys.stderr)
        return 2
    model = load(args.predictions)
    print("\n".join(markdown(model, args.bins, args.min_rows)))
    if args.svg:
        args.svg.parent.mkdir(parents=True, exist_ok=True)
        args.svg.write_text(svg(model, args.bins, args.min_rows), encoding="utf-8")
        print(f"reliability curves: {args.svg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
