"""The Document that flows through every stage, and what the stages add to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Removal:
    """One span the strip stage removed: offsets index into the document's original text."""

    rule: str
    category: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "category": self.category, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Cluster:
    """The near-duplicate cluster a document belongs to (a singleton has size 1)."""

    id: str
    size: int
    representative: str
    similarity: float  # estimated Jaccard with the representative
    containment: float | None = None  # estimated share of the shorter text's shingles found in the other

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "size": self.size, "representative": self.representative, "similarity": self.similarity}
        if self.containment is not None:
            out["containment"] = self.containment
        return out


@dataclass
class Document:
    """One input record: its identity, its text as cleaned so far, and every stage's findings.

    `record` is the input record unchanged; `original_text` is the text as read (after HTML
    extraction), so `removed` offsets can always rebuild it from `text`.
    """

    id: str
    text: str
    url: str | None = None
    source: str | None = None
    published: str | None = None
    lang: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    where: str = ""
    original_text: str | None = None
    removed: list[Removal] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    cluster: Cluster | None = None
    duplicate_of: str | None = None
    labels: dict[str, float] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    decision: str | None = None
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    input_order: int = 0

    def __post_init__(self) -> None:
        if self.original_text is None:
            self.original_text = self.text

    def add_signal(self, name: str) -> None:
        """Record a signal once, keeping first-seen order."""
        if name not in self.signals:
            self.signals.append(name)

    def reject(self, reason: str) -> None:
        """Mark the document rejected for `reason` (one of dedupe.reasons.REASONS)."""
        self.decision = "reject"
        if reason not in self.reasons:
            self.reasons.append(reason)

    def dedupe_fields(self) -> dict[str, Any]:
        """The `dedupe` object written beside the input record."""
        out: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "source": self.source,
            "removed": [r.to_dict() for r in self.removed],
            "signals": list(self.signals),
            "cluster": self.cluster.to_dict() if self.cluster else None,
            "labels": dict(self.labels),
            "decision": self.decision or "keep",
            "reasons": list(self.reasons),
        }
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        if self.explanation:
            out["explanation"] = list(self.explanation)
        if self.error is not None:
            out["error"] = self.error
            out["where"] = self.where
        return out

    def to_record(self, text_field: str = "text") -> dict[str, Any]:
        """The input record with its text replaced by the cleaned text, plus the `dedupe` object."""
        out = dict(self.record)
        if self.error is None:
            out[text_field] = self.text
        out["dedupe"] = self.dedupe_fields()
        return out


def rebuild_original(text: str, removed: list[Removal]) -> str:
    """Put every removed span back into the cleaned text: the inverse of stripping."""
    pieces: list[str] = []
    cursor = 0  # position in the cleaned text
    original_pos = 0
    for r in sorted(removed, key=lambda r: r.start):
        keep = r.start - original_pos
        pieces.append(text[cursor : cursor + keep])
        cursor += keep
        pieces.append(r.text)
        original_pos = r.end
    pieces.append(text[cursor:])
    return "".join(pieces)
