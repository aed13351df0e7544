"""The keyword screen of many texts at once: one Aho-Corasick scan per chunk of texts, hits
turned into per-line clause bits and per-rule candidate lines with numpy.

`Screen.plan` screens one text with a Python loop over its hits (dozens a text) and another over
its lines' bits to find the rules each line may hold. Here the texts of a chunk are joined, each
after a line break, case-folded at once (casefold works character by character, so this is each
text folded as `Screen.plan` folds it) and scanned once; every hit is given its line by a binary
search over the chunk's line breaks, each line's clauses are OR-ed together as 64-bit words, and
each rule's clause mask is tested on every line of the chunk in one array operation. A second
automaton finds case-sensitive spellings and the gates' weak ASCII strings as written. The
`Plan`s returned hold the same `found`, rule index (`Plan._hits`) and folded text as
`Screen.plan` gives each text alone, so stripping is unchanged (tests/test_strip_batch.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import ahocorasick_rs
import numpy as np

from dedupe.strip.layout import Line
from dedupe.strip.screen import Plan, Screen, fold_text

_WORD = 64


def _words(value: int, count: int) -> list[int]:
    """`value` as `count` 64-bit words, lowest first."""
    return [(value >> (_WORD * k)) & 0xFFFFFFFFFFFFFFFF for k in range(count)]


class _Tables:
    """The screen's per-string and per-rule bits as arrays of 64-bit words (built once)."""

    def __init__(self, screen: Screen) -> None:
        nbits = max((bit.bit_length() for bit in screen._clauses.values()), default=1)
        self.count = max(1, -(-nbits // _WORD))
        self.bits = np.array([_words(b, self.count) for b in screen._bits] or [[0] * self.count],
                             dtype=np.uint64).reshape(-1, self.count)
        self.skip = np.array(screen._skip or [0], dtype=np.int64)
        # case-sensitive spellings, looked for as written by an automaton of their own: a
        # spelling on a line as written is there case-folded too, so this is Screen.plan's test
        spellings: dict[str, int] = {}
        for key in screen._keys:
            for spelling, bit in key.raw:
                spellings[spelling] = spellings.get(spelling, 0) | bit
        self.spellings = sorted(spellings)
        # the gates' weak ASCII strings ("AP", "Re"): which texts hold them, found by the same scan
        # (str.find over a text of wide characters is slow; Plan._present asks it of every text)
        self.weak = sorted({w for weak in screen._weak.values() for w in weak if w.isascii()})
        self.raw_bits = np.array([_words(spellings[s], self.count) for s in self.spellings]
                                 + [[0] * self.count] * (len(self.weak) + 1), dtype=np.uint64).reshape(-1, self.count)
        patterns = self.spellings + self.weak
        self.raw_automaton = ahocorasick_rs.BytesAhoCorasick(
            [s.encode("utf-8") for s in patterns], matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA) if patterns else None
        # every rule with a clause mask: (unit, rule number, mask words)
        rules = [(unit, i, mask) for entries in screen._trigger.values() for (unit, i), mask in entries]
        rules.sort()
        self.rules = [(unit, i) for unit, i, _ in rules]
        self.masks = np.array([_words(m, self.count) for _, _, m in rules] or [[0] * self.count],
                              dtype=np.uint64).reshape(-1, self.count)


def plans(screen: Screen, texts: Sequence[str], lines_of: Sequence[list[Line]]) -> list[Plan]:
    """The Plan of each text (its lines as split_lines gives them), equal to `screen.plan`'s."""
    if screen._automaton is None and screen._strings:
        screen._build()
    if not screen.enabled or screen._automaton is None or not texts:
        return [screen.plan(t, ls) for t, ls in zip(texts, lines_of)]
    tables = screen._batch_tables
    if not isinstance(tables, _Tables):
        tables = screen._batch_tables = _Tables(screen)
    # the texts joined, each after a line break, folded at once: casefold works character by
    # character, so this is fold_text of each text end to end
    buf = fold_text("\n".join(texts))
    hits = screen._automaton.find_matches_as_indexes(buf, overlapping=True)
    data = np.frombuffer(buf, dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)  # every text starts with one: line g begins after break g
    # the first break (global line number) of each text: its own lines are g - first
    counts = np.fromiter((t.count("\n") + 1 for t in texts), dtype=np.int64, count=len(texts))
    first = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    bounds = breaks[first].tolist() + [len(buf)]
    folded = [buf[a:b] for a, b in zip(bounds, bounds[1:])]
    found: list[dict[int, int]] = [{} for _ in texts]
    raw = _raw_scan(tables, "\n" + "\n".join(texts)) if tables.raw_automaton is not None else None
    hit_rules: list[dict[int, dict[int, list[int]]]] = [{} for _ in texts]
    if hits:
        flat = np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=3 * len(hits)).reshape(-1, 3)
        pid = flat[:, 0]
        line = np.searchsorted(breaks, flat[:, 1] + tables.skip[pid], side="right") - 1
        if len(line) > 1 and (np.diff(line) < 0).any():  # hits come by end; keep lines in order
            order = np.argsort(line, kind="stable")
            line, pid = line[order], pid[order]
        starts = np.flatnonzero(np.diff(line)) + 1
        starts = np.concatenate(([0], starts))
        ulines = line[starts]
        words = np.bitwise_or.reduceat(tables.bits[pid], starts, axis=0)
        doc = np.searchsorted(first, ulines, side="right") - 1
        local = ulines - first[doc]
        if raw is not None:  # spellings found as written: their bits join their lines'
            spelled = raw[1] < len(tables.spellings)
            at = np.searchsorted(ulines, raw[0][spelled])  # its line holds its folded hit: it is in ulines
            assert (at < len(ulines)).all() and (ulines[at] == raw[0][spelled]).all(), "a spelling without its hit"
            np.bitwise_or.at(words, at, tables.raw_bits[raw[1][spelled]])
        # per line, the clause bits as one Python int (as Screen.plan finds them)
        columns = [words[:, k].tolist() for k in range(tables.count)]
        values = columns[0]
        for k in range(1, tables.count):
            values = [v | w << (_WORD * k) for v, w in zip(values, columns[k])]
        locals_ = local.tolist()
        # the lines of text d are ulines[cut[d]:cut[d + 1]] (lines in order, so texts too)
        cut = np.searchsorted(doc, np.arange(len(texts) + 1)).tolist()
        for d in range(len(texts)):
            lo, hi = cut[d], cut[d + 1]
            if lo < hi:
                part = values[lo:hi]
                if 0 in part:  # a line of raw spellings none of which is there as written
                    found[d] = {i: v for i, v in zip(locals_[lo:hi], part) if v}
                else:
                    found[d] = dict(zip(locals_[lo:hi], part))
        # each rule's lines: those whose bits hold its whole mask (lines in text order)
        if tables.rules:
            held = np.ones((len(tables.rules), len(ulines)), dtype=bool)
            for k in range(tables.count):
                m = tables.masks[:, k:k + 1]
                held &= (words[:, k][None, :] & m) == m
            rr, cc = np.nonzero(held)  # by rule, then line
            if len(rr):
                # grouped by (text, rule), lines in order within each group
                key = doc[cc] * len(tables.rules) + rr
                order = np.argsort(key, kind="stable")
                key = key[order]
                where = local[cc][order].tolist()
                edges = np.concatenate(([0], np.flatnonzero(np.diff(key)) + 1, [len(key)])).tolist()
                rules = tables.rules
                for k, lo, hi in zip(key[edges[:-1]].tolist(), edges, edges[1:]):
                    d, r = divmod(k, len(rules))
                    unit, i = rules[r]
                    by_rule = hit_rules[d].get(unit)
                    if by_rule is None:
                        hit_rules[d][unit] = {i: where[lo:hi]}
                    else:
                        by_rule[i] = where[lo:hi]
    present: list[set[str]] = [set() for _ in texts]  # the weak ASCII strings each text holds
    if raw is not None and tables.weak:
        weak = raw[1] >= len(tables.spellings)
        docs = np.searchsorted(first, raw[0][weak], side="right") - 1
        names = tables.weak
        for d, p in set(zip(docs.tolist(), (raw[1][weak] - len(tables.spellings)).tolist())):
            present[d].add(names[p])
    out = []
    for t, ls, f, h, fb, there in zip(texts, lines_of, found, hit_rules, folded, present):
        plan = Plan(screen, t, ls, f, folded=fb)
        plan._hits = h
        plan._in_text = {w: w in there for w in tables.weak}
        out.append(plan)
    return out


def _raw_scan(tables: _Tables, joined: str) -> tuple[np.ndarray, np.ndarray]:
    """(line, pattern) of every case-sensitive spelling and weak ASCII string found as written
    in `joined` (the texts as `plans` joins them: its lines are numbered as the folded scan's)."""
    assert tables.raw_automaton is not None
    raw = joined.encode("utf-8")
    hits = tables.raw_automaton.find_matches_as_indexes(raw, overlapping=True)
    if not hits:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=3 * len(hits)).reshape(-1, 3)
    breaks = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
    return np.searchsorted(breaks, flat[:, 1], side="right") - 1, flat[:, 0]
