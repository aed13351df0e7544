"""Counters a run keeps about its documents, printed at the end and fed to reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dedupe.document import Document

LABELLED = 0.5  # a label counts as given in the summary at this probability


@dataclass
class RunSummary:
    """What happened to a batch: documents in and out, reject reasons, removals by category."""

    documents: int = 0
    kept: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    removals: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_removed: int = 0
    signals: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)  # documents with each label at p >= LABELLED

    def add(self, doc: Document) -> None:
        """Count one document after every stage has run."""
        self.documents += 1
        if doc.decision == "reject":
            self.rejected += 1
            self.reasons.update(doc.reasons)
        else:
            self.kept += 1
        self.chars_in += len(doc.original_text or "")
        for removal in doc.removed:
            self.removals[removal.category] += 1
            self.chars_removed += removal.end - removal.start
        self.signals.update(doc.signals)
        self.labels.update(label for label, p in doc.labels.items() if p >= LABELLED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "kept": self.kept,
            "rejected": self.rejected,
            "reasons": dict(sorted(self.reasons.items())),
            "removals": dict(sorted(self.removals.items())),
            "chars_in": self.chars_in,
            "chars_removed": self.chars_removed,
            "signals": dict(sorted(self.signals.items())),
            "labelled": dict(sorted(self.labels.items())),
        }

    def lines(self) -> list[str]:
        """The summary as short human-readable lines."""
        share = self.chars_removed / self.chars_in if self.chars_in else 0.0
        out = [f"documents: {self.documents}  kept: {self.kept}  rejected: {self.rejected}"]
        if sum(self.reasons.values()) > self.rejected:
            out[0] += "  (a document can have several reasons)"
        for reason, count in sorted(self.reasons.items()):
            out.append(f"  rejected {reason}: {count}")
        total = sum(self.removals.values())
        out.append(f"removals: {total}  characters removed: {self.chars_removed} of {self.chars_in} ({share:.1%})")
        for category, count in sorted(self.removals.items()):
            out.append(f"  {category}: {count}")
        return out
