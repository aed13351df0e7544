"""Per-source scores: documents, duplicate and first-publisher rates, mean label probabilities,
the most frequent signals and a verdict, one row per source (the registered domain by default).

Verdicts (thresholds from the [quality.verdict] config table): `machine-translating`, `low-quality`
and `syndicator` (later copies or syndicated label); a source passing none is `original`, one
passing several is `mixed`. A source that is mostly the first publisher of the copies in the batch
is their origin: the syndicated label alone does not make it a syndicator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from dedupe.config import Config
from dedupe.document import Document
from dedupe.quality.model import LABELS
from dedupe.source import registered_domain

UNKNOWN_SOURCE = "(unknown)"


def source_of(doc: Document) -> str:
    """The document's source: as read (--source-field), else its URL's registered domain."""
    return doc.source or registered_domain(doc.url) or UNKNOWN_SOURCE


def _later_copy(doc: Document) -> bool:
    return doc.duplicate_of is not None or "near:later-copy" in doc.signals


def verdict(row: dict[str, Any], thresholds: Any) -> tuple[str, list[str]]:
    """The verdict of one source row and the findings behind it."""
    found = []
    if row["p_machine_translated"] is not None and row["p_machine_translated"] >= thresholds.machine_translated:
        found.append("machine-translating")
    if row["p_low_quality"] is not None and row["p_low_quality"] >= thresholds.low_quality:
        found.append("low-quality")
    origin = row["first_publisher_rate"] is not None and row["first_publisher_rate"] >= thresholds.first_publisher_rate
    if row["duplicate_rate"] >= thresholds.duplicate_rate or (
            not origin and row["p_syndicated"] is not None and row["p_syndicated"] >= thresholds.syndicated):
        found.append("syndicator")
    if not found:
        return "original", found
    return (found[0] if len(found) == 1 else "mixed"), found


def score_sources(docs: Iterable[Document], cfg: Config, top_signals: int = 5) -> list[dict[str, Any]]:
    """One row per source, sorted by source name; documents must have been classified (labels set)."""
    by_source: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.error is None:
            by_source[source_of(doc)].append(doc)
    rows = []
    for source in sorted(by_source):
        group = by_source[source]
        n = len(group)
        later = sum(_later_copy(d) for d in group)
        first = sum("near:first-publisher" in d.signals for d in group)
        signals = Counter(s for d in group for s in d.signals)
        row: dict[str, Any] = {
            "source": source,
            "documents": n,
            "duplicate_rate": round(later / n, 4),
            "first_publisher_rate": round(first / (first + later), 4) if first + later else None,
        }
        for label in LABELS:
            values = [d.labels[label] for d in group if label in d.labels]
            row[f"p_{label}"] = round(sum(values) / len(values), 4) if values else None
        row["top_signals"] = [f"{name} ({count})" for name, count in
                              sorted(signals.items(), key=lambda t: (-t[1], t[0]))[:top_signals]]
        row["verdict"], row["findings"] = verdict(row, cfg.quality.verdict)
        rows.append(row)
    return rows
