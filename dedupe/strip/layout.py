"""Lines of a text, and turning "these lines and spans go" into exact removal spans.

Whitespace policy (the seeds' gold files follow it):
- a removed line takes its line break with it; the text between two kept lines keeps the
  original separator when nothing between them was removed;
- when lines between two kept lines were removed, one separator is kept: a paragraph break
  (two line breaks) if the original gap held any blank line, else a single line break;
- a removal at the start or end of the text also absorbs the blank lines and line breaks
  around it, so the cleaned text never starts or ends with whitespace left by a removal
  (a text nobody removed anything from is returned unchanged);
- a span removed inside a kept line absorbs the spaces after it (or before it when it ends
  the line), so no double or dangling spaces are left.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

import regex

from dedupe.document import Removal

_BLANK = regex.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]*")
_TRAIL_SPACE = regex.compile(r"[ \t\u00a0\u200e\u200f\ufeff]*")


class Line(NamedTuple):
    """One line: its content is text[start:end], its break (\\n, \\r\\n or nothing) text[end:stop].

    A named tuple, not a dataclass: a text has many lines and a tuple is built much faster."""

    index: int
    start: int
    end: int
    stop: int
    blank: bool


class Mark(NamedTuple):
    """Why a line goes: the rule, its category, and a key shared by the lines of one block."""

    rule: str
    category: str
    key: int


def split_lines(text: str) -> list[Line]:
    """Every line of `text` with its offsets (a trailing break gives no extra empty line)."""
    parts = text.split("\n")
    last = len(parts) - 1
    if last and not parts[last]:  # the text ends with a break: no empty line after it
        parts.pop()
        last = len(parts)  # every part kept is ended by a break
    lines: list[Line] = []
    append = lines.append
    new = tuple.__new__  # Line(...) without the named tuple's Python-level __new__
    pos = 0
    blank = _BLANK.fullmatch
    if "\r" not in text:  # no line ends with "\r": each line's content is its part
        for i, part in enumerate(parts):
            end = pos + len(part)
            # a line starting with a letter or digit is not blank (no such character is blank space)
            append(new(Line, (i, pos, end, end if i == last else end + 1,
                              not part or (not part[0].isalnum() and blank(part) is not None))))
            pos = end + 1
        return lines
    for i, part in enumerate(parts):
        size = len(part)
        end = pos + size
        stop = end if i == last else end + 1
        if stop > end and size and part[-1] == "\r":
            end -= 1
        append(new(Line, (i, pos, end, stop, not size or (not part[0].isalnum() and blank(text, pos, end) is not None))))
        pos = stop
    return lines


def plan_removals(text: str, lines: list[Line], marks: dict[int, Mark],
                  spans: list[tuple[int, int, Mark]]) -> list[Removal]:
    """Exact, non-overlapping removals (offsets into `text`) for marked lines and in-line spans.

    `spans` must lie inside unmarked lines and not overlap; a line whose content is all spans
    and spaces is removed whole under its first span's rule.
    """
    marks = dict(marks)
    by_line: dict[int, list[tuple[int, int, Mark]]] = {}
    starts = [ln.start for ln in lines]
    for s, e, mark in sorted(spans, key=lambda x: x[0]):
        idx = _line_at(starts, s)
        by_line.setdefault(idx, []).append((s, e, mark))
    kept_spans: list[tuple[int, int, Mark]] = []
    for idx, items in by_line.items():
        ln = lines[idx]
        if idx in marks:
            continue
        rest = []
        cursor = ln.start
        for s, e, _ in items:
            rest.append(text[cursor:s])
            cursor = e
        rest.append(text[cursor:ln.end])
        if _BLANK.fullmatch("".join(rest)):
            marks[idx] = items[0][2]
        else:
            kept_spans.extend(_absorb_clusters(text, ln, items))

    removals: list[Removal] = []
    kept = [ln for ln in lines if not ln.blank and ln.index not in marks]
    if not marks:
        pass
    elif not kept:
        removals.extend(_partition(text, lines, marks, 0, len(text)))
    else:
        first, last = kept[0], kept[-1]
        if any(i in marks for i in range(0, first.index)):
            removals.extend(_partition(text, lines, marks, 0, first.start))
        for a, b in zip(kept, kept[1:]):
            between = range(a.index + 1, b.index)
            if not any(i in marks for i in between):
                continue
            start, stop = _gap_region(text, lines, a, b)
            removals.extend(_partition(text, lines, marks, start, stop))
        if any(i in marks for i in range(last.index + 1, len(lines))):
            removals.extend(_partition(text, lines, marks, last.end, len(text)))
    for s, e, mark in kept_spans:
        removals.append(Removal(mark.rule, mark.category, s, e, text[s:e]))
    removals.sort(key=lambda r: r.start)
    return removals


def cleaned_text(text: str, removals: list[Removal]) -> str:
    """`text` without the removed spans (which must be sorted and non-overlapping)."""
    out: list[str] = []
    cursor = 0
    for r in removals:
        out.append(text[cursor:r.start])
        cursor = r.end
    out.append(text[cursor:])
    return "".join(out)


def _line_at(starts: list[int], pos: int) -> int:
    return bisect_right(starts, pos) - 1


def _absorb_clusters(text: str, ln: Line, items: list[tuple[int, int, Mark]]) -> list[tuple[int, int, Mark]]:
    """Spans of one line, each widened over the spaces it leaves; spans separated only by
    spaces are widened together (as one), then cut back into one piece per span."""
    clusters: list[list[tuple[int, int, Mark]]] = []
    for item in items:
        if clusters and _BLANK.fullmatch(text, clusters[-1][-1][1], item[0]):
            clusters[-1].append(item)
        else:
            clusters.append([item])
    out: list[tuple[int, int, Mark]] = []
    floor = ln.start
    for c, cluster in enumerate(clusters):
        ceiling = clusters[c + 1][0][0] if c + 1 < len(clusters) else ln.end
        start, end = _absorb_spaces(text, ln, cluster[0][0], cluster[-1][1], floor, ceiling)
        bounds = [start] + [item[0] for item in cluster[1:]] + [end]
        out.extend((bounds[k], bounds[k + 1], item[2]) for k, item in enumerate(cluster))
        floor = end
    return out


def _absorb_spaces(text: str, ln: Line, s: int, e: int, floor: int, ceiling: int) -> tuple[int, int]:
    """Widen an in-line span over the spaces after it (or before it, at the end of the line),
    staying within [floor, ceiling) so neighbouring spans never overlap."""
    after = _TRAIL_SPACE.match(text, e, ceiling).end()
    if after < ln.end:
        return s, after
    before = s
    while before > floor and text[before - 1] in " \t\u00a0\u200e\u200f\ufeff":
        before -= 1
    return before, ln.end


def _gap_region(text: str, lines: list[Line], a: Line, b: Line) -> tuple[int, int]:
    """The part of the gap between kept lines a and b to remove, leaving one separator."""
    inner = lines[a.index + 1:b.index]
    if not any(ln.blank for ln in inner):
        return a.stop, b.start  # keep a's line break only
    nxt, prv = lines[a.index + 1], lines[b.index - 1]
    if nxt.blank and nxt.start == nxt.end:
        return nxt.stop, b.start  # keep a's break and the empty line after it
    if prv.blank and prv.start == prv.end:
        before_prv = lines[prv.index - 1]
        return a.end, before_prv.end  # keep the empty line before b and the break before it
    # blank lines carry spaces: keep a's break and the break before b, drop all between
    return a.stop, prv.end


def _partition(text: str, lines: list[Line], marks: dict[int, Mark], start: int, stop: int) -> list[Removal]:
    """Split the region [start, stop) into one removal per marked line or block inside it."""
    inside = [ln for ln in lines if ln.index in marks and ln.start >= start and ln.end <= stop]
    pieces: list[tuple[int, int, Mark]] = []
    cursor = start
    for i, ln in enumerate(inside):
        mark = marks[ln.index]
        end = stop if i == len(inside) - 1 else ln.end
        if pieces and pieces[-1][2] == mark:
            begin = pieces.pop()[0]  # the next line of the same block: one removal
        else:
            begin = cursor
        pieces.append((begin, end, mark))
        cursor = end
    return [Removal(m.rule, m.category, b, e, text[b:e]) for b, e, m in pieces]
