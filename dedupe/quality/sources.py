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


class _Tally:
    """What one source's documents add up to."""

    def __init__(self) -> None:
        self.documents = 0
        self.later = 0
        self.first = 0
        self.signals: Counter[str] = Counter()
        self.label_sums: dict[str, float] = defaultdict(float)
        self.label_counts: Counter[str] = Counter()


class SourceTally:
    """Per-source counts built one document at a time, so a run of any size is scored in bounded memory."""

    def __init__(self) -> None:
        self._by_source: dict[str, _Tally] = defaultdict(_Tally)

    def add(self, doc: Document) -> None:
        """Count one classified document (unreadable ones are left out)."""
        if doc.error is not None:
            return
        t = self._by_source[source_of(doc)]
        t.documents += 1
        t.later += _later_copy(doc)
        t.first += "near:first-publisher" in doc.signals
        t.signals.update(doc.signals)
        for label in LABELS:
            if label in doc.labels:
                t.label_sums[label] += doc.labels[label]
                t.label_counts[label] += 1

    def rows(self, cfg: Config, top_signals: int = 5) -> list[dict[str, Any]]:
        """One row per source, sorted by source name."""
        rows = []
        for source in sorted(self._by_source):
            t = self._by_source[source]
            row: dict[str, Any] = {
                "source": source,
                "documents": t.documents,
                "duplicate_rate": round(t.later / t.documents, 4),
                "first_publisher_rate": round(t.first / (t.first + t.later), 4) if t.first + t.later else None,
            }
            for label in LABELS:
                n = t.label_counts[label]
                row[f"p_{label}"] = round(t.label_sums[label] / n, 4) if n else None
            row["top_signals"] = [f"{name} ({count})" for name, count in
                                  sorted(t.signals.items(), key=lambda c: (-c[1], c[0]))[:top_signals]]
            row["verdict"], row["findings"] = verdict(row, cfg.quality.verdict)
            rows.append(row)
        return rows


def score_sources(docs: Iterable[Document], cfg: Config, top_signals: int = 5) -> list[dict[str, Any]]:
    """One row per source, sorted by source name; documents must have been classified (labels set)."""
    tally = SourceTally()
    for doc in docs:
        tally.add(doc)
    return tally.rows(cfg, top_signals)
