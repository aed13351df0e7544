"""Geometry of the report's two SVG charts, computed here so the template only draws rectangles.

Cluster sizes: clusters per size bucket (vertical bars). Label rates per source: the share of a
source's documents given each label at p >= 0.5 (horizontal bars, one group per source).
"""

from __future__ import annotations

from typing import Any

# (label, smallest size, largest size) of the cluster-size buckets
SIZE_BUCKETS: list[tuple[str, int, int]] = [
    ("2", 2, 2), ("3", 3, 3), ("4", 4, 4), ("5", 5, 5), ("6–10", 6, 10), ("11–20", 11, 20),
    ("21–50", 21, 50), ("51–100", 51, 100), ("101+", 101, 2**62),
]
LABEL_COLOURS = ("c0", "c1", "c2")  # CSS classes of the label bars, in LABELS order


def cluster_size_chart(sizes: dict[str, int], width: int = 560, height: int = 220) -> dict[str, Any]:
    """Bars of how many clusters fall in each size bucket (sizes: {"size": count})."""
    counts = [sum(n for size, n in sizes.items() if lo <= int(size) <= hi) for _, lo, hi in SIZE_BUCKETS]
    top = max(counts, default=0) or 1
    left, bottom, plot_h = 40, 30, height - 50
    step = (width - left - 10) / len(SIZE_BUCKETS)
    bars = []
    for k, ((label, _, _), n) in enumerate(zip(SIZE_BUCKETS, counts)):
        h = round(plot_h * n / top, 1)
        x = round(left + k * step + step * 0.15, 1)
        bars.append({"x": x, "y": round(height - bottom - h, 1), "w": round(step * 0.7, 1), "h": h,
                     "cx": round(x + step * 0.35, 1), "label": label, "count": n})
    return {"width": width, "height": height, "bars": bars, "baseline": height - bottom, "left": left,
            "total": sum(counts)}


def label_rate_chart(rows: list[dict[str, Any]], labels: tuple[str, ...] | list[str], width: int = 640) -> dict[str, Any]:
    """One group of bars per source row (its `label_rates`), scaled 0 to 100 %."""
    label_w, plot_w, bar_h, gap = 210, width - 210 - 60, 9, 10
    group_h = bar_h * len(labels) + gap
    groups = []
    for g, row in enumerate(rows):
        y0 = 24 + g * group_h
        bars = []
        for k, label in enumerate(labels):
            rate = row.get("label_rates", {}).get(label, 0.0)
            bars.append({"y": y0 + k * bar_h, "w": round(max(plot_w * rate, 0.5), 1), "rate": rate,
                         "label": label, "cls": LABEL_COLOURS[k % len(LABEL_COLOURS)]})
        groups.append({"source": row["source"], "documents": row["documents"], "y": y0, "ty": y0 + bar_h * len(labels) / 2 + 4,
                       "bars": bars})
    height = 24 + len(rows) * group_h + 10
    legend = [{"label": label, "cls": LABEL_COLOURS[k % len(LABEL_COLOURS)], "x": 10 + k * 160}
              for k, label in enumerate(labels)]
    return {"width": width, "height": height, "label_w": label_w, "plot_w": plot_w, "groups": groups,
            "legend": legend, "bar_h": bar_h - 1}
