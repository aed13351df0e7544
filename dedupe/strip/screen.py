"""Screen: which lines of a text each rule group could match, found with one keyword scan.

Every rule's pattern promises literal clauses (dedupe.strip.literals): strings one of which any
match contains. All the strings of all rules go into one Aho-Corasick automaton (ahocorasick-rs,
a compiled DFA) that scans the case-folded text once; a hit tells which clauses hold on its
line, and an index from each rule's rarest clause leads from a line's hits to the rules it may
hold. A whole-line rule whose match starts with known strings ("facebook", "x", ...) gets one
more clause, those strings right after a line break, found by the same scan. A gate (a clause
with a string too frequent to look for hit by hit, like "AP" or one Arabic letter) is checked on
the few lines left. A group is then tried only on the lines where one of its rules holds all
its clauses and gates, plus the lines its clause-less rules could take (by their `where` window
and, for whole-line rules, their `max_chars`); a scanning group whose matches cannot leave a
line is scanned on those lines only. Skipping is exact: a line is skipped only where no rule of
the group could match or be kept, so the output is the same as trying every rule on every line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ahocorasick_rs
import regex

from dedupe.strip.layout import Line
from dedupe.strip.literals import Literals, clause_cost, required_literals
from dedupe.strip.reach import line_start_reach

LINE, BLOCK, SPAN, SCAN, RUN = "line", "block", "span", "scan", "run"  # how a unit is tried
_SPACE_RUN = regex.compile(r"\s+")  # a run of white space as the rules' \s sees it
_NOT_RULE_SPACE = "\x1c\x1d\x1e\x1f"  # str.split splits on these; the rules' \s does not
_HEAD = 160  # how much of a long stretch `_more_runs` looks at first


def _more_runs(text: str, start: int, end: int, most: int) -> bool:
    """Whether text[start:end] holds more than `most` runs of white space (as the rules' `\\s`
    sees it). str.split stops after most + 1 cuts, so a long line costs little."""
    if end - start > _HEAD and most < _HEAD // 4:
        # a long stretch (a line whose character comes late): its head often settles it, and
        # every run between the head's words is one between the stretch's words
        head = text[start:start + _HEAD]
        if len(head.split(None, most + 1)) > most + 1 and not any(c in head for c in _NOT_RULE_SPACE):
            return True
    part = text[start:end]
    if len(part.split(None, most + 1)) <= most + 1:
        return False  # at most `most` runs between its words (a run before or after: kept anyway)
    if any(c in part for c in _NOT_RULE_SPACE):  # split saw space the rules do not: count exactly
        return len(_SPACE_RUN.findall(part)) > most
    return True


@dataclass
class _Rule:
    """How one rule of a unit is screened: its clause mask (None: no literal, it may match on any
    line), where its match is kept (window, line length limit), and the strings one of which its
    match starts with (after the line's leading space; None when unknown or not a line unit)."""

    mask: int | None
    where: str
    window: int
    limit: int
    lead: tuple[str, ...] | None = None
    folded: bool = True  # its strings are case-folded (compare them with the folded line)
    gates: tuple[int, ...] = ()  # gate clause bits: each met by a hit of its strong strings or a weak one on the line
    reach: tuple[str, int, bool] | None = None  # (characters, n, after leading space): see `Plan._reached`


@dataclass
class _Unit:
    """One thing the engine tries: a compiled group (or a run's anchor), rule by rule."""

    kind: str
    rules: list[_Rule] = field(default_factory=list)
    masks: tuple[int, ...] | None = None  # every rule's clause mask, when each has one (a quick test)
    lined: bool = True  # a scanned unit whose every match lies on one line holding its rule's clauses
    open: tuple[int, ...] = ()  # the rules with no clause mask (tried on any line their window holds)


@dataclass
class _Key:
    """One string of the automaton: the clauses it satisfies when found (case-folded rules), and
    per case-sensitive spelling, the clauses it satisfies when found as written."""

    folded: int = 0
    raw: list[tuple[str, int]] = field(default_factory=list)


_UNBOUNDED = 1 << 30
# what a whole-line regex lets precede a line's content (rules.HSPACE)
LEAD_SPACE = " \t\u00a0\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_LEAD_KINDS = (LINE, BLOCK, RUN)  # units whose regex matches a whole line from its start
_SPACE_LED = frozenset("\n" + c for c in LEAD_SPACE)  # a line starting with space


def fold_text(text: str) -> bytes:
    """What the automaton scans: a line break standing for the text's start, then the
    case-folded text as UTF-8 (an ASCII text folds as it lowers, and str.lower is the faster)."""
    return b"\n" + (text.lower().encode("ascii") if text.isascii() else text.casefold().encode("utf-8"))


class Screen:
    """Built once per RuleSet from its units; `plan(text, lines)` screens one text."""

    def __init__(self, enabled: bool = True,
                 literals: Callable[[str, bool], Literals | None] = required_literals) -> None:
        self.enabled = enabled  # False: every unit is tried on every line (the reference behaviour)
        self.literals = literals  # how a pattern's literals are read (a cache may stand in)
        self.units: list[_Unit] = []
        self._clauses: dict[tuple[frozenset[str], bool, bool], int] = {}  # (clause, folded, gate) -> bit
        self._strings: dict[str, _Key] = {}
        self._weak: dict[int, tuple[str, ...]] = {}  # a gate clause's bit -> its weak strings
        self._weak_leads: dict[int, tuple[tuple[str, bytes], ...]] = {}  # ... with their first byte (b"" for ASCII)
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        self._keys: list[_Key] = []
        self._bits: list[int] = []  # per automaton string: the clauses it satisfies, found folded
        self._lead_chars = 0  # the longest leading string: how much of a line's head to look at
        # one bit of each rule's clause mask -> (unit, rule number, mask): from a line's hits to the
        # rules whose clauses it may hold, without looking at every rule of every unit
        self._trigger: dict[int, list[tuple[tuple[int, int], int]]] = {}
        self._open_units: set[int] = set()  # units with a rule that needs no clause: always live
        self._triggers = 0  # every trigger bit
        self._batch_tables: object | None = None  # batchscreen's arrays of these bits (built on first use)

    def add_unit(self, kind: str, rules: Sequence[tuple[str, bool, str, int, int]]) -> int:
        """Register a unit of (pattern, ignore_case, where, window, max_chars) rules; its id."""
        unit = _Unit(kind)
        for pattern, ignore_case, where, window, max_chars in rules:
            lit = self.literals(pattern, ignore_case)
            mask = None
            lead = None
            gates: tuple[int, ...] = ()
            if lit is not None and (lit.within_line or kind == SCAN) and (lit.clauses or lit.gates):
                mask = 0
                for clause in lit.clauses:
                    mask |= self._clause_bit(clause, lit.folded)
                if lit.within_line:
                    gates = tuple(self._clause_bit(clause, lit.folded, gate=True) for clause in lit.gates)
                if not mask and not gates:
                    mask = None
            if kind == SCAN and (lit is None or not lit.within_line or not lit.looks_within_line or mask is None):
                unit.lined = False
            if lit is not None and lit.leading is not None and kind in _LEAD_KINDS:
                lead = tuple(sorted(lit.leading))
                self._lead_chars = max(self._lead_chars, max(len(s) for s in lead))
                if lit.folded:
                    # a line starting with a leading string (a break before it), or with space (then
                    # `_leading` looks past the space): a clause the automaton finds like any other
                    clause = frozenset("\n" + s for s in lead) | _SPACE_LED
                    mask = (mask or 0) | self._clause_bit(clause, True)
            reach = None
            if kind in (SPAN, *_LEAD_KINDS) and lit is not None and lit.within_line:  # matched at a line start
                for clause in lit.clauses:
                    if all(len(c) == 1 and c.casefold() == c == c.upper() for c in clause):
                        bound = line_start_reach(pattern, clause)
                        if bound is not None and (reach is None or bound < reach[1]):
                            # a whole-line regex lets space precede the pattern: count after it
                            reach = ("".join(sorted(clause)), bound, kind != SPAN)
            # where a match of the rule is kept: its window, and for whole-line rules the line's length
            limit = max_chars if kind == LINE else _UNBOUNDED
            unit.rules.append(_Rule(mask, "any" if kind in (SCAN, RUN) else where, window, limit, lead,
                                    lit.folded if lit is not None else True, gates, reach))
        unit.open = tuple(i for i, r in enumerate(unit.rules) if not r.mask)
        if all(r.mask for r in unit.rules):
            unit.masks = tuple(r.mask for r in unit.rules if r.mask)
        else:
            self._open_units.add(len(self.units))
        for i, r in enumerate(unit.rules):
            if r.mask:  # triggered by its rarest clause (the fewest, longest strings)
                bit = self._rarest(r.mask)
                self._trigger.setdefault(bit, []).append(((len(self.units), i), r.mask))
                self._triggers |= bit
        self.units.append(unit)
        self._automaton = None
        self._batch_tables = None
        return len(self.units) - 1

    def _clause_bit(self, clause: frozenset[str], folded: bool, gate: bool = False) -> int:
        if not folded and all(s.casefold() == s == s.upper() for s in clause):
            folded = True  # no cased letter: one clause whether the rule ignores case or not
        bit = self._clauses.get((clause, folded, gate))
        if bit is None:
            bit = 1 << len(self._clauses)
            self._clauses[(clause, folded, gate)] = bit
            if gate:  # weak strings are looked for on a line the other clauses leave, not hit by hit
                weak = sorted(s for s in clause if Literals.weak(s))
                self._weak[bit] = tuple(weak)
                # the first UTF-8 byte of each weak string beyond ASCII: when the text has none of it
                # (an English text and one Arabic letter), the string is on no line
                self._weak_leads[bit] = tuple((s, s.casefold().encode("utf-8")[:1] if not s.isascii() else b"")
                                              for s in weak)
            for s in clause:
                if gate and Literals.weak(s):
                    continue
                key = self._strings.setdefault(s.casefold(), _Key())
                if folded or s.casefold() == s == s.upper():
                    key.folded |= bit  # no cased letter: found folded is found as written
                else:
                    key.raw.append((s, bit))
        return bit

    def _rarest(self, mask: int) -> int:
        best, cost = mask & -mask, float("inf")
        for (clause, _, gate), bit in self._clauses.items():
            if mask & bit and not gate:
                c = sum(clause_cost(s) for s in clause)
                if c < cost:
                    best, cost = bit, c
        return best

    def _build(self) -> None:
        strings = sorted(self._strings)
        self._keys = [self._strings[s] for s in strings]
        self._bits = [k.folded for k in self._keys]
        self._skip = [1 if s.startswith("\n") else 0 for s in strings]  # a line-start string: its line follows the break
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
            return Plan(self, text, lines, found, everything=True)
        folded = b""
        if self._automaton is not None:
            # one scan of the case-folded text's UTF-8 bytes, after a line break standing for the
            # text's start; casefold keeps every line break and makes none, so counting breaks in
            # it gives the line of a hit
            # (an ASCII text folds as it lowers, and str.lower is the faster)
            folded = fold_text(text)
            hits = self._automaton.find_matches_as_indexes(folded, overlapping=True)
            if hits:
                keys = self._keys
                table = self._bits
                skip = self._skip
                i = -1
                acc = 0  # the clauses held on line i so far (hits come line by line)
                line, line_at = "", -1
                nxt = 0  # where line i ends
                for pid, start, _ in hits:
                    start += skip[pid]
                    if 0 <= nxt < start:
                        if acc:
                            found[i] = acc
                            acc = 0
                        while 0 <= nxt < start:
                            i += 1
                            nxt = folded.find(b"\n", nxt + 1)
                    acc |= table[pid]
                    raw = keys[pid].raw
                    if raw:  # case-sensitive spellings: look for them as written on the line
                        if i != line_at:
                            ln = lines[i]
                            line, line_at = text[ln.start:ln.end], i
                        for spelling, bit in raw:
                            if spelling in line:
                                acc |= bit
                if acc:
                    found[i] = acc
        return Plan(self, text, lines, found, folded=folded)


class Plan:
    """One text's screen: for each unit, the content lines worth trying and the unit's rules that
    may match on each."""

    def __init__(self, screen: Screen, text: str, lines: list[Line], found: dict[int, int],
                 everything: bool = False, folded: bytes = b""):
        self.screen = screen
        self.text = text
        self.lines = lines
        self.found = found
        self.everything = everything
        self._rank: dict[int, int] | None = None  # line index -> rank among non-blank lines
        self._heads: dict[int, tuple[str, str]] = {}  # line index -> (head as written, folded)
        everywhere = 0
        for bits in found.values():
            everywhere |= bits
        self.everywhere = everywhere
        self._hits: dict[int, dict[int, list[int]]] | None = None  # unit -> rule number -> lines holding its clauses
        self._met: dict[tuple[int, int], bool] = {}  # (line, gate) -> a weak string of the gate is on the line
        self.folded = folded  # the case-folded text as the automaton scanned it (UTF-8)
        self._weak: dict[int, tuple[str, ...]] = {}  # gate -> its weak strings that may be in this text
        self._in_text: dict[str, bool] = {}  # an ASCII weak string -> whether the text holds it
        self._shut_gates: dict[int, bool] = {}  # gate -> met on no line of the text (see `_shut`)
        self._shut_rules: dict[tuple[int, ...], bool] = {}  # a rule's gates -> one of them is shut
        self._firsts: dict[tuple[int, str, bool], tuple[int, int]] = {}  # see `_reached`

    def _index(self) -> dict[int, dict[int, list[int]]]:
        """For each unit, each rule's lines that hold all its clauses (lines in text order)."""
        flat: dict[tuple[int, int], list[int]] = {}  # (unit, rule number) -> lines
        trigger = self.screen._trigger
        triggers = self.screen._triggers
        for index, bits in self.found.items():
            rest = bits & triggers
            while rest:
                low = rest & -rest
                rest ^= low
                for key, mask in trigger[low]:
                    if bits & mask == mask:
                        at = flat.get(key)
                        if at is None:
                            flat[key] = [index]
                        else:
                            at.append(index)
        out: dict[int, dict[int, list[int]]] = {}
        for (unit_id, i), indexes in flat.items():
            by_rule = out.get(unit_id)
            if by_rule is None:
                out[unit_id] = {i: indexes}
            else:
                by_rule[i] = indexes
        self._hits = out
        return out

    def live(self, unit_id: int) -> bool:
        """False when the unit has no candidate line for sure (every rule needs clauses no line
        holds): a quick test before `candidates`."""
        if self.everything or self.screen.units[unit_id].masks is None:
            return True
        hits = self._hits if self._hits is not None else self._index()
        return unit_id in hits

    def live_units(self) -> set[int] | None:
        """The units `live` is true of, or None for every unit (the screen is off)."""
        if self.everything:
            return None
        hits = self._hits if self._hits is not None else self._index()
        return self.screen._open_units | hits.keys()

    def lined(self, unit_id: int) -> bool:
        """Whether a scanned unit may be scanned line by line, on its `candidates` among all lines
        (every match of its rules lies on one line and holds their clauses and gates there)."""
        return not self.everything and self.screen.units[unit_id].lined

    def may_match(self, unit_id: int) -> bool:
        """Whether the unit could match anywhere in the text (for units that scan the whole text)."""
        if self.everything:
            return True
        everywhere = self.everywhere
        return any(r.mask is None or everywhere & r.mask == r.mask for r in self.screen.units[unit_id].rules)

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
        hits = self._hits if self._hits is not None else self._index()
        by_rule = hits.get(unit_id)
        if by_rule is None and unit.masks is not None:
            return []  # every rule needs clauses no line holds
        spans = unit.kind == SPAN  # only span units try their rules one by one and need `may`
        may: dict[int, int] = {}
        keep: set[int] = set()
        lines = self.lines
        shut_rules = self._shut_rules
        rules = unit.rules
        for i in unit.open:  # no clause (or only gates): it may match on any line
            rule = rules[i]
            if spans:
                for ln in content:
                    may[ln.index] = may.get(ln.index, 0) | 1 << i
            if rule.gates:
                shut = shut_rules.get(rule.gates)
                if shut is None:
                    shut = shut_rules[rule.gates] = self._shut(rule.gates)
                if shut:
                    continue  # a gate met nowhere in the text: no line can keep the rule
            where, window = rule.where, rule.window
            if where == "any":
                scope = content
            elif window <= 0:
                continue
            else:
                scope = content[:window] if where == "head" else content[-window:]
            limit = rule.limit
            hit = [ln.index for ln in scope if ln.end - ln.start <= limit]
            if hit:
                keep.update(self._filtered(hit, rule))
        for i, hit in by_rule.items() if by_rule is not None else ():  # the rules whose clauses a line holds
            rule = rules[i]
            if spans:
                for index in hit:
                    may[index] = may.get(index, 0) | 1 << i
            if rule.gates:
                shut = shut_rules.get(rule.gates)
                if shut is None:
                    shut = shut_rules[rule.gates] = self._shut(rule.gates)
                if shut:
                    continue
            limit = rule.limit
            if rule.where == "any":
                if limit < _UNBOUNDED:
                    hit = [index for index in hit if lines[index].end - lines[index].start <= limit]
            elif rule.window > 0:
                rank = self._ranks(content)
                last = len(content) - 1
                window = rule.window
                head = rule.where == "head"
                hit = [index for index in hit if index in rank and lines[index].end - lines[index].start <= limit
                       and (rank[index] < window if head else last - rank[index] < window)]
            else:
                continue
            if hit:
                keep.update(self._filtered(hit, rule))
        if not keep:
            return []
        # the kept lines in text order, blank ones left out (content holds no blank line)
        chosen = [lines[index] for index in sorted(keep)]
        if spans:
            return [(ln, may[ln.index]) for ln in chosen if not ln.blank]
        return [(ln, 0) for ln in chosen if not ln.blank]

    def _filtered(self, hit: list[int], rule: _Rule) -> list[int]:
        """The lines of `hit` that pass the rule's leading strings, gates and reach."""
        if rule.lead is not None:
            hit = self._leading(hit, rule)
        if hit and rule.gates:
            hit = self._gated(hit, rule)
        if hit and rule.reach is not None:
            hit = self._reached(hit, rule.reach)
        return hit

    def _shut(self, gates: tuple[int, ...]) -> bool:
        """Whether one of the gates is met on no line of the text: none of its strong strings is
        hit anywhere and none of its weak strings is in the text (then `_gated` keeps no line)."""
        shut = self._shut_gates
        for gate in gates:
            closed = shut.get(gate)
            if closed is None:
                if self.everywhere & gate:
                    closed = False
                else:
                    weak = self._weak.get(gate)
                    if weak is None:
                        weak = self._weak[gate] = self._present(gate)
                    closed = not weak
                shut[gate] = closed
            if closed:
                return True
        return False

    def _gated(self, indexes: list[int], rule: _Rule) -> list[int]:
        """The lines that meet every gate of the rule: a hit of a gate's strong strings, or one of
        its weak strings on the line (as written: a folded gate's weak strings have no case)."""
        found = self.found
        met = self._met
        present = self._weak
        out = []
        for index in indexes:
            bits = found.get(index, 0)
            for gate in rule.gates:
                if bits & gate:
                    continue
                weak = present.get(gate)
                if weak is None:
                    weak = present[gate] = self._present(gate)
                if not weak:  # none of its weak strings is in the text: only its hits count
                    break
                ok = met.get((index, gate))
                if ok is None:  # the rules of a group often share their gates: once per line
                    ln = self.lines[index]
                    line = self.text[ln.start:ln.end]
                    ok = False
                    for s in weak:
                        if s in line:
                            ok = True
                            break
                    met[(index, gate)] = ok
                if not ok:
                    break
            else:
                out.append(index)
        return out

    def _reached(self, indexes: list[int], reach: tuple[str, int, bool]) -> list[int]:
        """The lines whose first of the characters comes after at most n runs of space (counted
        from the line's start, or after its leading space for a whole-line regex, whose pattern
        starts there or later: counting from there never counts more than the match holds)."""
        chars, most, after_space = reach
        text = self.text
        firsts = self._firsts  # several units look for the same characters on a line (":")
        out = []
        for index in indexes:
            key = (index, chars, after_space)
            got = firsts.get(key)
            if got is None:
                ln = self.lines[index]
                start = ln.start
                if after_space:
                    while start < ln.end and text[start] in LEAD_SPACE:
                        start += 1
                first = -1
                for ch in chars:
                    at = text.find(ch, start, ln.end)
                    if at >= 0 and (first < 0 or at < first):
                        first = at
                got = firsts[key] = (start, first)
            start, first = got
            if first >= 0 and not _more_runs(text, start, first, most):
                out.append(index)
        return out

    def _present(self, gate: int) -> tuple[str, ...]:
        """The gate's weak strings that are in the text: one beyond ASCII needs its first byte in
        the (case-folded, UTF-8) text, an ASCII one is looked for in the whole text once."""
        folded = self.folded
        seen = self._in_text
        out = []
        for s, lead in self.screen._weak_leads[gate]:
            if lead:
                if folded and lead not in folded:
                    continue
            else:
                there = seen.get(s)
                if there is None:
                    there = seen[s] = s in self.text
                if not there:
                    continue
            out.append(s)
        return tuple(out)

    def _leading(self, indexes: list[int], rule: _Rule) -> list[int]:
        """The lines whose content (after leading space) starts with one of the rule's strings."""
        lead = rule.lead
        assert lead is not None
        heads = self._heads
        text = self.text
        size = 2 * self.screen._lead_chars + 8
        out = []
        for index in indexes:
            pair = heads.get(index)
            if pair is None:
                ln = self.lines[index]
                raw = text[ln.start:ln.end].lstrip(LEAD_SPACE)[:size]
                pair = heads[index] = (raw, raw.lower() if raw.isascii() else raw.casefold())
            if pair[1 if rule.folded else 0].startswith(lead):
                out.append(index)
        return out

    def _ranks(self, content: list[Line]) -> dict[int, int]:
        if self._rank is None:
            self._rank = {ln.index: r for r, ln in enumerate(content)}
        return self._rank
