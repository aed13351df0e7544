"""The documented list of reasons a document can be rejected for."""

from __future__ import annotations

UNREADABLE = "unreadable"
EXACT_DUPLICATE = "exact_duplicate"
NEAR_DUPLICATE = "near_duplicate"

REASONS: dict[str, str] = {
    UNREADABLE: "the record could not be read (invalid JSON or UTF-8, missing text, empty or too large)",
    EXACT_DUPLICATE: "the same normalised text as an earlier kept document (batch or index)",
    NEAR_DUPLICATE: "MinHash similarity to a kept document at or above the threshold",
}


def label_reason(label: str) -> str:
    """The reason given when a classifier label is above its --reject-label threshold."""
    return f"label:{label}"
