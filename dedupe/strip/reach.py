"""How far into a line a line-start rule can reach before a character it needs.

A dateline rule matches at the start of a paragraph: a few words of place and date, then the
agency in parentheses. Its screen clause "a `(` is on the line" holds on most lines of Arabic
news; but the `(` of a match comes after at most a dozen runs of space, since the place is at
most four words and the date a few more. `line_start_reach(pattern, chars)` reads a pattern
anchored at the line start (the `regex` syntax the packs use, after `rules.single_line`) and
returns the most runs of white space a match can hold before its first character of `chars`,
or None when it cannot tell (a part that may repeat space without bound, a construct it does
not know). A line whose first such character comes after more runs than that cannot match.
"""

from __future__ import annotations

from dataclasses import dataclass

_INF = 1 << 20  # unbounded


class _Unknown(Exception):
    """A construct the reader does not know: no bound."""


def white(ch: str) -> bool:
    """Whether `ch` is white space as the `regex` module's \\s sees it (Unicode White_Space)."""
    return ch.isspace() and ch not in "\x1c\x1d\x1e\x1f"


# \p{..} names whose characters are never white space (letters, marks, numbers, punctuation,
# symbols, and scripts)
_NO_SPACE = {"l", "lu", "ll", "lt", "lm", "lo", "m", "mn", "mc", "me", "n", "nd", "nl", "no", "p", "pc", "pd",
             "ps", "pe", "pi", "pf", "po", "s", "sm", "sc", "sk", "so", "letter", "mark", "number", "punctuation",
             "symbol", "alpha", "alphabetic", "arabic", "arab", "latin", "latn", "cyrillic", "cyrl", "greek", "grek",
             "hebrew", "hebr", "han", "hani"}


@dataclass
class _Part:
    ws: int  # most runs of white space one occurrence holds (_INF: unbounded)
    all_ws: bool  # it matches white space only (repeats of it make one run)
    pre: int | None  # runs before its first sure character of the target (None: none sure)


class _Reader:
    def __init__(self, pattern: str, target: frozenset[str]):
        self.p = pattern
        self.i = 0
        self.target = target

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def alternation(self) -> _Part:
        parts = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            parts.append(self.sequence())
        pres = [p.pre for p in parts]
        return _Part(max(p.ws for p in parts), all(p.all_ws for p in parts),
                     None if any(x is None for x in pres) else max(pres))  # type: ignore[type-var]

    def sequence(self) -> _Part:
        runs = 0
        pre: int | None = None
        all_ws = True
        while self.i < len(self.p) and self.peek() not in "|)":
            part, zero = self.atom()
            lo, hi = self.quantifier()
            if zero:
                continue
            if pre is None and part.pre is not None and lo >= 1 and runs < _INF:
                pre = min(runs + part.pre, _INF)
            if part.ws:
                runs = min(runs + (1 if part.all_ws and hi >= _INF else _INF if hi >= _INF else
                                   (1 if part.all_ws else hi * part.ws)), _INF)
            all_ws = all_ws and part.all_ws
        return _Part(runs, all_ws, pre if pre is not None and pre < _INF else None)

    def quantifier(self) -> tuple[int, int]:
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            if self.peek() in ("?", "+"):
                self.i += 1
            return (1 if c == "+" else 0), (1 if c == "?" else _INF)
        if c == "{":
            j = self.p.find("}", self.i)
            body = self.p[self.i + 1:j] if j > 0 else ""
            parts = body.split(",")
            if j > 0 and len(parts) <= 2 and all(x.strip().isdigit() or not x.strip() for x in parts) and body.strip(", "):
                self.i = j + 1
                if self.peek() in ("?", "+"):
                    self.i += 1
                lo = int(parts[0]) if parts[0].strip() else 0
                if len(parts) == 1:
                    return lo, lo
                return lo, int(parts[1]) if parts[1].strip() else _INF
        return 1, 1

    def char(self, ch: str) -> _Part:
        w = white(ch)
        return _Part(1 if w else 0, w, 0 if ch in self.target else None)

    def atom(self) -> tuple[_Part, bool]:
        """(the atom, whether it is zero width)."""
        c = self.peek()
        self.i += 1
        if c == "\\":
            return self.escape()
        if c == "[":
            return self.char_class(), False
        if c == "(":
            return self.group()
        if c in ("^", "$"):
            return _Part(0, True, None), True
        if c == ".":
            return _Part(1, False, None), False
        if c in ("*", "+", "?", ""):
            raise _Unknown(c)
        return self.char(c), False

    def escape(self) -> tuple[_Part, bool]:
        c = self.peek()
        self.i += 1
        if c in ("p", "P") and self.peek() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise _Unknown("\\p")
            name = self.p[self.i + 1:end].replace(" ", "").replace("_", "").casefold().split("=")[-1]
            self.i = end + 1
            spaceless = c == "p" and name in _NO_SPACE
            return _Part(0 if spaceless else 1, False, None), False
        if c in "bBAZzG":
            return _Part(0, True, None), True
        if c in "dwS":
            return _Part(0, False, None), False
        if c == "s":
            return _Part(1, True, None), False
        if c in "DWhHvVRXN":
            return _Part(1, False, None), False
        simple = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}
        if c in simple:
            return self.char(simple[c]), False
        if c in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[c]
            digits = self.p[self.i:self.i + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise _Unknown("\\x")
            self.i += width
            return self.char(chr(int(digits, 16))), False
        if not c or c.isalnum():
            raise _Unknown("\\" + c)  # back references, named lists and the like
        return self.char(c), False

    def char_class(self) -> _Part:
        start = self.i
        if self.p.startswith("^\\S\\n]", start):  # rules.single_line's white space but a line break
            self.i += 6
            return _Part(1, True, None)
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        members: list[str] = []
        spaced = False  # some member may be white space
        others = False  # some member may be other than white space
        plain = True  # every member a character written out (no range, class escape or property)
        first = True
        while True:
            c = self.peek()
            if not c:
                raise _Unknown("[")
            self.i += 1
            if c == "]" and not first:
                break
            first = False
            if c == "[":
                raise _Unknown("nested set")
            if c == "\\":
                e = self.peek()
                self.i += 1
                if e in ("p", "P") and self.peek() == "{":
                    end = self.p.find("}", self.i)
                    if end < 0:
                        raise _Unknown("\\p")
                    name = self.p[self.i + 1:end].replace(" ", "").replace("_", "").casefold().split("=")[-1]
                    self.i = end + 1
                    spaced = spaced or not (e == "p" and name in _NO_SPACE)
                    others = True
                    plain = False
                elif e == "s":
                    spaced = True
                    plain = False
                elif e in "dwS":
                    others = True
                    plain = False
                elif e in "DWhHvV":
                    spaced = others = True
                    plain = False
                elif e in ("x", "u", "U"):
                    width = {"x": 2, "u": 4, "U": 8}[e]
                    digits = self.p[self.i:self.i + width]
                    if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                        raise _Unknown("\\x")
                    self.i += width
                    members.append(chr(int(digits, 16)))
                elif e in {"n": 1, "t": 1, "r": 1, "f": 1}:
                    members.append({"n": "\n", "t": "\t", "r": "\r", "f": "\f"}[e])
                elif e.isalnum():
                    raise _Unknown("\\" + e)
                else:
                    members.append(e)
                continue
            if c == "-" and members and self.peek() not in ("]", ""):
                low = members.pop()
                high = self.peek()
                if high == "\\":
                    raise _Unknown("range to an escape")
                self.i += 1
                if ord(high) < ord(low):
                    raise _Unknown("range")
                for cp in range(ord(low), ord(high) + 1):
                    if white(chr(cp)):
                        spaced = True
                    else:
                        others = True
                plain = False
                continue
            if c in ("&", "|", "~") and self.peek() == c:
                raise _Unknown("set operation")
            members.append(c)
        for ch in members:
            if white(ch):
                spaced = True
            else:
                others = True
        if negated:
            return _Part(1, False, None)
        sure = plain and bool(members) and all(ch in self.target for ch in members)  # each member a target
        return _Part(1 if spaced else 0, spaced and not others, 0 if sure else None)

    def group(self) -> tuple[_Part, bool]:
        zero = False
        if self.peek() == "?":
            self.i += 1
            c = self.peek()
            if c == ":":
                self.i += 1
            elif c in ("=", "!"):
                self.i += 1
                zero = True
            elif c == "<" and self.p[self.i + 1:self.i + 2] in ("=", "!"):
                self.i += 2
                zero = True
            elif c == "P" and self.p[self.i + 1:self.i + 2] == "<" or c == "<":
                end = self.p.find(">", self.i)
                if end < 0:
                    raise _Unknown("group name")
                self.i = end + 1
            elif c == ">":
                self.i += 1
            else:
                flags = ""
                while self.peek() and self.peek() not in (":", ")"):
                    flags += self.peek()
                    self.i += 1
                if not flags or any(f not in "imsuaLV0V1wf-" for f in flags) or "x" in flags:
                    raise _Unknown("(?" + flags)
                if self.peek() == ")":
                    self.i += 1
                    return _Part(0, True, None), True
                self.i += 1
        inner = self.alternation()
        if self.peek() != ")":
            raise _Unknown("unbalanced")
        self.i += 1
        if zero:
            return _Part(0, True, None), True
        return inner, False


def line_start_reach(pattern: str, chars: frozenset[str]) -> int | None:
    """The most runs of white space a match of `pattern` (anchored at a line start) holds before
    its first character of `chars` (single characters), or None when that cannot be told."""
    if not chars or any(len(c) != 1 for c in chars):
        return None
    reader = _Reader(pattern, chars)
    try:
        part = reader.alternation()
        if reader.i != len(pattern):
            raise _Unknown("unbalanced")
    except _Unknown:
        return None
    return part.pre
