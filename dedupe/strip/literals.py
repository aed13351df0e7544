"""Required literals of a rule pattern: strings that every match must contain.

`required_literals(pattern)` reads the pattern's syntax (the `regex` module's, as the packs use
it) and returns up to two clauses (and two gates), each a set of strings one of which every match contains, or
None when it cannot promise anything (a class, `.`, `\\p{..}`, an optional part, a construct it
does not know). A clause holding a string found nearly everywhere in some script (a single
Arabic letter, "AP") is a *gate*: too frequent to look for hit by hit in the whole text, but
cheap to check on the few lines the other clauses leave. `leading` is the set of
strings one of which every match starts with, when the reader can tell. Of a sequence it keeps the clauses least likely to occur in text (long strings,
punctuation rather than single letters); of an alternation, the pairwise unions of its branches'
clauses. Lookarounds promise nothing (they may look past the line). The strip engine uses the
clauses to skip the rules that cannot match a line; every step keeps the promise or gives up,
so a screen built from them can only skip lines where the pattern cannot match.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

Clause = frozenset[str]  # one of these strings occurs in the match
Req = tuple[Clause, ...]  # every clause holds; () promises nothing
_MAX_CLAUSES = 2  # the most selective clauses kept of a sequence


class _Unsupported(Exception):
    """A construct the reader does not know: no promise for the whole pattern."""


_ZERO_WIDTH_ESCAPES = set("bBAZzG")
_CLASS_ESCAPES = set("dDwWsShHvVRXNpPmM")  # \N{NAME} and \p{..} are handled before this set
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}
_BREAK_ESCAPES = set("DWHVRX")  # escapes whose class includes a line break
_MAX_CLASS_CHARS = 6  # a class of up to this many plain characters is a small set of literals


@dataclass
class _Atom:
    req: Req  # what the atom requires when it occurs once (() for nothing)
    char: str | None = None  # a single literal character (for joining runs)
    zero_width: bool = False
    lead: frozenset[str] | None = None  # strings one of which its every match starts with (None: unknown)


class _Reader:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0
        self.case_insensitive = False
        self.crosses_lines = False  # some part outside lookarounds may match a line break
        self.look_crosses = False  # some lookaround may match a line break (look past its line)
        self.look = 0  # depth inside lookarounds

    def cross(self) -> None:
        if not self.look:
            self.crosses_lines = True
        else:
            self.look_crosses = True

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    # grammar ------------------------------------------------------------------------------

    def alternation(self) -> Req:
        req, lead = self.alternation_lead()
        return req

    def alternation_lead(self) -> tuple[Req, frozenset[str] | None]:
        """What every match requires, and the strings one of which it starts with (None: unknown)."""
        req, lead = self.sequence()
        while self.peek() == "|":
            self.i += 1
            more, other = self.sequence()
            req = _either(req, more)
            lead = None if lead is None or other is None else lead | other
        return req, lead

    def sequence(self) -> tuple[Req, frozenset[str] | None]:
        clauses: list[Clause] = []
        run: list[str] = []
        lead: frozenset[str] | None = None
        leading = True  # no atom that consumes text seen yet: the next one decides `lead`
        lead_run = False  # `run` is still the start of every match

        def close_run() -> None:
            nonlocal lead, lead_run
            if run:
                if lead_run:
                    lead = frozenset({"".join(run)})
                    lead_run = False
                clauses.append(frozenset({"".join(run)}))
                run.clear()

        while self.i < len(self.p) and self.peek() not in "|)":
            atom = self.atom()
            lo, exact = self.quantifier()
            if atom.zero_width:
                continue
            if atom.char is not None and exact and lo == 1:
                if leading:
                    leading, lead_run = False, True
                run.append(atom.char)
                continue
            close_run()
            if leading:
                leading = False
                lead = atom.lead if lo >= 1 else None
            if lo >= 1:
                clauses.extend(atom.req)
        close_run()
        return _best(clauses), lead

    def quantifier(self) -> tuple[int, bool]:
        """(minimum count, whether the count is exactly one) of the quantifier after an atom."""
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            self._lazy_or_possessive()
            return (1 if c == "+" else 0), False
        if c == "{":
            j = self.p.find("}", self.i)
            body = self.p[self.i + 1:j] if j > 0 else ""
            parts = body.split(",")
            if j > 0 and len(parts) <= 2 and all(x.strip().isdigit() or x.strip() == "" for x in parts) and body.strip(", "):
                self.i = j + 1
                self._lazy_or_possessive()
                lo = int(parts[0]) if parts[0].strip() else 0
                if len(parts) == 1:
                    return lo, lo == 1
                hi = parts[1].strip()
                return lo, hi.isdigit() and int(hi) == lo == 1
        return 1, True

    def _lazy_or_possessive(self) -> None:
        if self.peek() in ("?", "+"):
            self.i += 1

    def atom(self) -> _Atom:
        c = self.peek()
        self.i += 1
        if c == "\\":
            return self.escape()
        if c == "[":
            return self.char_class()
        if c == "(":
            return self.group()
        if c in ("^", "$"):
            return _Atom((), zero_width=True)
        if c == ".":
            return _Atom(())  # without (?s) a dot never matches a line break
        if c in ("*", "+", "?"):
            raise _Unsupported(c)
        return _Atom((frozenset({c}),), char=c, lead=frozenset({c}))

    def escape(self) -> _Atom:
        c = self.peek()
        self.i += 1
        if not c:
            raise _Unsupported("trailing backslash")
        if c in ("p", "P", "N") and self.peek() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise _Unsupported("\\p{")
            name = self.p[self.i + 1:end]
            self.i = end + 1
            if c == "N":
                try:
                    ch = unicodedata.lookup(name)
                except KeyError:
                    raise _Unsupported(name) from None
                return _Atom((frozenset({ch}),), char=ch, lead=frozenset({ch}))
            if c == "P" or not _no_breaks(name):
                self.cross()
            return _Atom(())
        if c in _ZERO_WIDTH_ESCAPES:
            return _Atom((), zero_width=True)
        if c in _CLASS_ESCAPES:
            if c in _BREAK_ESCAPES:
                self.cross()
            return _Atom(())
        if c in _LITERAL_ESCAPES:
            ch = _LITERAL_ESCAPES[c]
            if ch == "\n":
                self.cross()
            return _Atom((frozenset({ch}),), char=ch, lead=frozenset({ch}))
        if c in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[c]
            digits = self.p[self.i:self.i + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise _Unsupported("\\x")
            self.i += width
            ch = chr(int(digits, 16))
            if ch == "\n":
                self.cross()
            return _Atom((frozenset({ch}),), char=ch, lead=frozenset({ch}))
        if c.isdigit() or c in ("g", "k", "L", "Q", "E", "K"):
            raise _Unsupported("\\" + c)  # back references, named lists, quoting: no promise
        if c.isalnum():
            raise _Unsupported("\\" + c)
        return _Atom((frozenset({c}),), char=c, lead=frozenset({c}))  # an escaped punctuation mark is itself

    def char_class(self) -> _Atom:
        chars: list[str] = []
        plain = True
        negated = self.peek() == "^"
        excludes_break = False  # a negated class that names \n or \s
        if negated:
            plain = False
            self.i += 1
        first = True
        while True:
            c = self.peek()
            if not c:
                raise _Unsupported("unclosed class")
            self.i += 1
            if c == "]" and not first:
                break
            first = False
            if c == "[":
                if self.peek() == ":":  # a POSIX class [:alpha:]
                    end = self.p.find(":]", self.i)
                    if end < 0:
                        raise _Unsupported("[:")
                    self.i = end + 2
                    plain = False
                    continue
                raise _Unsupported("nested set")
            if c == "\\":
                e = self.peek()
                self.i += 1
                if e in ("p", "P", "N") and self.peek() == "{":
                    end = self.p.find("}", self.i)
                    if end < 0:
                        raise _Unsupported("\\p{")
                    name = self.p[self.i + 1:end]
                    self.i = end + 1
                    plain = False
                    if not negated and (e == "P" or not _no_breaks(name)):
                        self.cross()
                elif e in _LITERAL_ESCAPES:
                    chars.append(_LITERAL_ESCAPES[e])
                    if e == "n" or e == "s":
                        excludes_break = True
                elif e in ("x", "u", "U"):
                    width = {"x": 2, "u": 4, "U": 8}[e]
                    digits = self.p[self.i:self.i + width]
                    if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                        raise _Unsupported("\\x in class")
                    self.i += width
                    chars.append(chr(int(digits, 16)))
                elif e.isalnum():
                    plain = False  # \d \s \w ... inside the class
                    if e == "s":
                        excludes_break = True
                    elif not negated and e in _BREAK_ESCAPES:
                        self.cross()
                else:
                    chars.append(e)
                continue
            if c == "-" and chars and self.peek() not in ("]", ""):
                plain = False  # a range
                continue
            if c in ("&", "|", "~") and self.peek() == c:
                raise _Unsupported("set operation")
            chars.append(c)
        if negated and not excludes_break:
            self.cross()
        if not negated and "\n" in chars:
            self.cross()
        if plain and chars and len(set(chars)) <= _MAX_CLASS_CHARS:
            return _Atom((frozenset(chars),), char=chars[0] if len(set(chars)) == 1 else None,
                         lead=frozenset(chars))
        return _Atom(())

    def group(self) -> _Atom:
        zero_width = False
        if self.peek() == "?":
            self.i += 1
            c = self.peek()
            if c == ":":
                self.i += 1
            elif c in ("=", "!"):
                self.i += 1
                zero_width = True
            elif c == "<" and self.peek(1) in ("=", "!"):
                self.i += 2
                zero_width = True
            elif c == "P" and self.peek(1) == "<" or c == "<":
                end = self.p.find(">", self.i)
                if end < 0:
                    raise _Unsupported("group name")
                self.i = end + 1
            elif c == ">":
                self.i += 1  # atomic group: matches what its body matches
            elif c in ("#",):
                end = self.p.find(")", self.i)
                self.i = end + 1
                return _Atom((), zero_width=True)
            else:
                flags = ""
                while self.peek() and self.peek() not in (":", ")"):
                    flags += self.peek()
                    self.i += 1
                if not flags or any(f not in "imsuaLV0V1wf-" for f in flags) or "x" in flags:
                    raise _Unsupported("(?" + flags)
                on = flags.split("-")[0]
                if "i" in on or "f" in on:
                    self.case_insensitive = True
                if "s" in on:
                    self.cross()
                if self.peek() == ")":  # a global flag group (?i): no text of its own
                    self.i += 1
                    return _Atom((), zero_width=True)
                self.i += 1
        self.look += zero_width
        inner, lead = self.alternation_lead()
        self.look -= zero_width
        if self.peek() != ")":
            raise _Unsupported("unbalanced")
        self.i += 1
        if zero_width:
            return _Atom((), zero_width=True)
        return _Atom(inner, lead=lead)


def _no_breaks(name: str) -> bool:
    """True if property \\p{name} has no line break in it (letters, marks, numbers, punctuation,
    symbols, or a script other than Common)."""
    key = name.replace(" ", "").replace("_", "").casefold()
    if key.startswith(("generalcategory=", "gc=")):
        key = key.split("=", 1)[1]
    if key[:1] in ("l", "m", "n", "p", "s") and len(key) <= 2:
        return True
    return key in _SCRIPTS


_SCRIPTS = {"arabic", "arab", "latin", "latn", "cyrillic", "cyrl", "greek", "grek", "hebrew", "hebr",
            "han", "hani", "letter", "mark", "number", "punctuation", "symbol", "alpha", "alphabetic"}


_WEAK = 1.0  # a string found nearly everywhere: a clause with one is no screen


@lru_cache(maxsize=65536)
def _string_cost(s: str) -> float:
    """Roughly how often `s` occurs at a place of text: one or two letters, a digit, a comma or
    full stop are everywhere (weak); punctuation is rarer than letters; longer is rarer."""
    if len(s) <= 2 and (all(_is_word_char(ch) for ch in s) or s in (",", ".", " ", "\t", "،")):
        return _WEAK
    p = 1.0
    for ch in s:
        cat = unicodedata.category(ch)
        p *= 0.06 if cat[0] in "LNM" else 0.15 if cat[0] == "Z" or ch in "\t\r\n" else 0.02
    return p


def clause_cost(s: str) -> float:
    """How often string `s` is expected at a place of text (a screen triggers on the rarest)."""
    return _string_cost(s)


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNMZ" or ch.isspace()


@lru_cache(maxsize=65536)
def _cost(clause: Clause) -> float:
    """How likely some string of the clause occurs at a given place of text (lower = better screen)."""
    return sum(_string_cost(s) for s in clause)


_MAX_GATES = 4  # the fewest-weak-string gates kept besides the selective clauses, inside a pattern
_FINAL_GATES = 2  # ... and of the whole pattern


def _best(clauses: list[Clause]) -> Req:
    """The most selective clauses (at most _MAX_CLAUSES), then the best gates (clauses with a
    weak string, at most _MAX_GATES, fewest weak strings first), in a stable order. A clause
    implied by a kept one (a superset of it) is left out."""
    kept: list[Clause] = []
    gates: list[Clause] = []
    for c in sorted(set(clauses), key=_rank):
        if any(k <= c for k in kept) or any(g <= c for g in gates):
            continue
        if _cost(c) < _WEAK:
            if len(kept) < _MAX_CLAUSES:
                kept.append(c)
        elif len(gates) < _MAX_GATES and all(_gateable(s) for s in c):
            gates.append(c)
    return tuple(kept + gates)


def _rank(c: Clause) -> tuple[int, float, list[str]]:
    weak = [s for s in c if _string_cost(s) >= _WEAK]
    return len(weak), sum(_string_cost(s) for s in c if s not in weak), sorted(c)


def _either(a: Req, b: Req) -> Req:
    """What (a or b) promises: for each pair of clauses, their union."""
    if not a or not b:
        return ()
    return _best([x | y for x in a for y in b])


# strings a gate cannot use: found in nearly every text of any script (a single Latin letter or
# digit, a space, a comma or a full stop)
_UBIQUITOUS = {" ", "\t", ",", ".", "،"}


def _weak_cased(s: str) -> bool:
    return _string_cost(s) >= _WEAK and s.casefold() != s.upper()


def _gateable(s: str) -> bool:
    return s not in _UBIQUITOUS and not (len(s) == 1 and s.isascii() and s.isalnum())


@dataclass(frozen=True)
class Literals:
    """Clauses that every match satisfies (each: one of its strings occurs), and whether the
    strings are case-folded (then look for them in the case-folded text).

    `clauses` are selective; `gates` hold a weak string (frequent in some script, absent from
    others): a line meets a gate when one of its strings is on it, checked line by line on the
    lines the clauses leave. `leading`: strings one of which every match starts with (None when
    unknown)."""

    clauses: tuple[Clause, ...]
    folded: bool
    within_line: bool  # no match can reach past a line break (so the strings are on its line)
    gates: tuple[Clause, ...] = ()
    leading: frozenset[str] | None = None
    looks_within_line: bool = True  # no lookaround can look past the line break next to it

    @staticmethod
    def weak(s: str) -> bool:
        """Whether a string of a gate is weak (looked for on a line, not hit by hit in the text)."""
        return _string_cost(s) >= _WEAK


def required_literals(pattern: str, ignore_case: bool) -> Literals | None:
    """The literal clauses every match of `pattern` satisfies, or None when nothing is promised.

    With `ignore_case` (or an inline (?i) anywhere) the strings are case-folded and must be
    looked for in the case-folded text.
    """
    reader = _Reader(pattern)
    try:
        req, lead = reader.alternation_lead()
        if reader.i != len(pattern):
            raise _Unsupported("unbalanced")
    except _Unsupported:
        return None
    usable = [c for c in req if c and "" not in c and not any("\n" in s for s in c)]
    clauses = tuple(c for c in usable if _cost(c) < _WEAK)
    gates = tuple(c for c in usable if _cost(c) >= _WEAK and all(_gateable(s) for s in c))
    # of the pattern as a whole, the two best gates: more would add strings to the scan (month
    # names beside agency names) for lines the first two already leave out
    gates = tuple(sorted(gates, key=_rank)[:_FINAL_GATES])
    if lead is not None and ("" in lead or any("\n" in s for s in lead)):
        lead = None
    if not clauses and not gates and lead is None:
        return None
    folded = ignore_case or reader.case_insensitive
    if folded:
        clauses = tuple(frozenset(s.casefold() for s in c) for c in clauses)
        gates = tuple(frozenset(s.casefold() for s in c) for c in gates)
        # a gate is checked on a line as written; one whose weak string has case would need the
        # line case-folded, and such a string ("by", "am") is on nearly every line of its script
        gates = tuple(c for c in gates if not any(_weak_cased(s) for s in c))
        lead = None if lead is None else frozenset(s.casefold() for s in lead)
    return Literals(clauses, folded, not reader.crosses_lines, gates, lead, not reader.look_crosses)
