"""Screen: which lines of a text each rule group could match, found with one keyword scan.

Every rule's pattern promises literal clauses (dedupe.strip.literals): strings one of which any
match contains. All the strings of all rules go into one Aho-Corasick automaton (ahocorasick-rs,
a compiled DFA) that scans the case-folded text once; a hit tells which clauses hold on its
line. A group is then tried only on the lines where one of its rules has all its clauses, plus
the lines its clause-less rules could take (by their `where` window and, for whole-line rules,
their `max_chars`). Skipping is exact: a line is skipped only where no rule of the group could
match or be kept, so the output is the same as trying every rule on every line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import ahocorasick_rs

from dedupe.strip.layout import Line
from dedupe.strip.literals import required_literals

LINE, BLOCK, SPAN, SCAN, RUN = "line", "block", "span", "scan", "run"  # how a unit is tried


@dataclass
class _Unit:
    """One thing the engine tries: a compiled group (or a run's anchor), rule by rule, with what
    screens each rule: its clause mask, or for a clause-less rule (mask None) where it applies."""

    kind: str
    rules: list[tuple[int | None, str, int, int]] = field(default_factory=list)  # mask, where, window, limit


@dataclass
class _Key:
    """One string of the automaton: the clauses it satisfies when found (case-folded rules), and
    per case-sensitive spelling, the clauses it satisfies when found as written."""

    folded: int = 0
    raw: list[tuple[str, int]] = field(default_factory=list)


_UNBOUNDED = 1 << 30


class Screen:
    """Built once per RuleSet from its units; `plan(text, lines)` screens one text."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled  # False: every unit is tried on every line (the reference behaviour)
        self.units: list[_Unit] = []
        self._clauses: dict[tuple[frozenset[str], bool], int] = {}  # (clause, folded) -> bit
        self._strings: dict[str, _Key] = {}
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        self._keys: list[_Key] = []

    def add_unit(self, kind: str, rules: Sequence[tuple[str, bool, str, int, int]]) -> int:
        """Register a unit of (pattern, ignore_case, where, window, max_chars) rules; its id."""
        unit = _Unit(kind)
        for pattern, ignore_case, where, window, max_chars in rules:
            lit = required_literals(pattern, ignore_case)
            mask = None
            if lit is not None and (lit.within_line or kind == SCAN):
                mask = 0
                for clause in lit.clauses:
                    mask |= self._clause_bit(clause, lit.folded)
            # where a match of the rule is kept: its window, and for whole-line rules the line's length
            limit = max_chars if kind == LINE else _UNBOUNDED
            unit.rules.append((mask, "any" if kind in (SCAN, RUN) else where, window, limit))
        self.units.append(unit)
        self._automaton = None
        return len(self.units) - 1

    def _clause_bit(self, clause: frozenset[str], folded: bool) -> int:
        bit = self._clauses.get((clause, folded))
        if bit is None:
            bit = 1 << len(self._clauses)
            self._clauses[(clause, folded)] = bit
            for s in clause:
                key = self._strings.setdefault(s.casefold(), _Key())
                if folded or s.casefold() == s == s.upper():
                    key.folded |= bit  # no cased letter: found folded is found as written
                else:
                    key.raw.append((s, bit))
        return bit

    def _build(self) -> None:
        strings = sorted(self._strings)
        self._keys = [self._strings[s] for s in strings]
        if strings:
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                [s.encode("utf-8") for s in strings], matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.DFA)

    def plan(self, text: str, lines: list[Line]) -> Plan:
        """The clauses that hold on each line of `text` (its lines as split_lines gives them)."""
        if self._automaton is None and self._strings:
            self._build()
        found: dict[int, int] = {}
        if not self.enabled:
            return Plan(self, lines, found, everything=True)
        if self._automaton is not None:
            # one scan of the case-folded text's UTF-8 bytes; casefold keeps every line break and
            # makes none, so counting breaks in it gives the line of a hit
            folded = text.casefold().encode("utf-8")
            starts = _line_starts(folded)
            keys = self._keys
            for pid, start, _ in self._automaton.find_matches_as_indexes(folded, overlapping=True):
                i = bisect_right(starts, start) - 1
                key = keys[pid]
                bits = key.folded
                if key.raw:  # case-sensitive spellings: look for them as written on the line
                    ln = lines[i]
                    line = text[ln.start:ln.end]
                    for spelling, bit in key.raw:
                        if spelling in line:
                            bits |= bit
                if bits:
                    found[i] = found.get(i, 0) | bits
        return Plan(self, lines, found)


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    pos = data.find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts


class Plan:
    """One text's screen: for each unit, the content lines worth trying and the unit's rules that
    may match on each."""

    def __init__(self, screen: Screen, lines: list[Line], found: dict[int, int], everything: bool = False):
        self.screen = screen
        self.lines = lines
        self.found = found
        self.everything = everything
        self._rank: dict[int, int] | None = None  # line index -> rank among non-blank lines
        self.everywhere = 0
        for bits in found.values():
            self.everywhere |= bits

    def may_match(self, unit_id: int) -> bool:
        """Whether the unit could match anywhere in the text (for units that scan the whole text)."""
        if self.everything:
            return True
        everywhere = self.everywhere
        return any(mask is None or everywhere & mask == mask for mask, *_ in self.screen.units[unit_id].rules)

    def candidates(self, unit_id: int, content: list[Line]) -> list[tuple[Line, int]]:
        """(line, may) for the lines of `content` (the text's non-blank lines, in order) worth
        trying: some rule of the unit may match there and its match be kept (by its window and,
        for whole-line rules, the line's length). Bit i of `may` is set for every i-th rule that
        may match there, kept or not, so that trying those rules in order finds the same first
        match as the unit's alternation."""
        unit = self.screen.units[unit_id]
        if self.everything:
            every = (1 << len(unit.rules)) - 1
            return [(ln, every) for ln in content]
        spans = unit.kind == SPAN  # only span units try their rules one by one and need `may`
        may: dict[int, int] = {}
        keep: set[int] = set()
        everywhere = self.everywhere
        lines = self.lines
        for i, (mask, where, window, limit) in enumerate(unit.rules):
            if mask is None:  # no literal: it may match anywhere, and is kept where it is allowed
                if spans:
                    for ln in content:
                        may[ln.index] = may.get(ln.index, 0) | 1 << i
                if where == "any":
                    scope = content
                elif window <= 0:
                    continue
                else:
                    scope = content[:window] if where == "head" else content[-window:]
                keep.update(ln.index for ln in scope if ln.end - ln.start <= limit)
                continue
            if everywhere & mask != mask:
                continue
            hit = [index for index, bits in self.found.items() if bits & mask == mask]
            if spans:
                for index in hit:
                    may[index] = may.get(index, 0) | 1 << i
            if where == "any":
                keep.update(index for index in hit if lines[index].end - lines[index].start <= limit)
            elif window > 0:
                rank = self._ranks(content)
                last = len(content) - 1
                for index in hit:
                    r = rank.get(index)
                    if r is not None and lines[index].end - lines[index].start <= limit and (
                            r < window if where == "head" else last - r < window):
                        keep.add(index)
        if not keep:
            return []
        if spans:
            return [(ln, may[ln.index]) for ln in content if ln.index in keep]
        return [(ln, 0) for ln in content if ln.index in keep]

    def _ranks(self, content: list[Line]) -> dict[int, int]:
        if self._rank is None:
            self._rank = {ln.index: r for r, ln in enumerate(content)}
        return self._rank
