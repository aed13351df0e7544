"""Map spans of a cleaned text back to the original text it was cut from.

A later pass (learned chrome, or a strip run on a document an earlier stage already cut) finds
spans in the *cleaned* text; `Removal` offsets must index the *original*. The cleaned text is the
original's kept segments end to end, so a cleaned span is the union of its pieces in those
segments: one original span, or several when it straddles an earlier removal.
"""

from __future__ import annotations

from bisect import bisect_right

from dedupe.document import Removal


class OffsetMap:
    """Kept segments of the original, with where each one starts in the cleaned text."""

    def __init__(self, original_length: int, removed: list[Removal]):
        self.segments: list[tuple[int, int, int]] = []  # (cleaned start, original start, length)
        cursor = 0
        cleaned = 0
        for r in sorted(removed, key=lambda r: r.start):
            if r.start < cursor:
                raise ValueError(f"overlapping removals at {r.start}")
            if r.start > cursor:
                self.segments.append((cleaned, cursor, r.start - cursor))
                cleaned += r.start - cursor
            cursor = r.end
        if original_length > cursor:
            self.segments.append((cleaned, cursor, original_length - cursor))
        self._starts = [s[0] for s in self.segments]

    def to_original(self, start: int, end: int) -> list[tuple[int, int]]:
        """The original spans making up cleaned span [start, end), in order."""
        if end <= start:
            return []
        out: list[tuple[int, int]] = []
        i = max(bisect_right(self._starts, start) - 1, 0)
        while i < len(self.segments):
            c0, o0, length = self.segments[i]
            if c0 >= end:
                break
            lo, hi = max(start, c0), min(end, c0 + length)
            if lo < hi:
                out.append((o0 + lo - c0, o0 + hi - c0))
            i += 1
        return out


def remap_removals(new: list[Removal], prior: list[Removal], original: str) -> list[Removal]:
    """Removals found in the cleaned text (`new`) as removals of the original text.

    `prior` are the removals that turned `original` into that cleaned text. A new removal that
    straddles a prior one becomes several pieces with the same rule, so none overlap.
    """
    if not prior:
        return list(new)
    mapping = OffsetMap(len(original), prior)
    out: list[Removal] = []
    for r in new:
        for s, e in mapping.to_original(r.start, r.end):
            out.append(Removal(r.rule, r.category, s, e, original[s:e]))
    return out
