"""Side-by-side word diff of a cluster member against its representative, with unchanged runs folded.

difflib compares the two texts word by word as the near-duplicate check sees them (each word
normalised: alef/hamza forms, tashkeel, case and punctuation do not count as changes), and shows
each side as written (whitespace kept with the word before it). Changes close together form one hunk, shown as one row of two cells; an
unchanged run longer than twice the context becomes a fold ("… 240 unchanged words …"), so a
diff of two near-identical articles stays a few lines.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import regex

from dedupe.text.normalise import normalise
from dedupe.text.tokens import tokens

_WORD = regex.compile(r"\S+\s*")

Segment = tuple[str, bool]  # (text, changed)


@dataclass
class Hunk:
    """One row of the diff: the representative's words and the member's, changed ones marked."""

    left: list[Segment] = field(default_factory=list)
    right: list[Segment] = field(default_factory=list)
    folded_before: int = 0  # unchanged words left out before this hunk


@dataclass
class Diff:
    """The hunks of a diff, the unchanged words folded after the last, and whether the texts were cut."""

    hunks: list[Hunk]
    folded_after: int
    identical: bool
    cut: bool


def _words(text: str) -> list[str]:
    return _WORD.findall(text.strip())


def _key(word: str) -> str:
    """A word as the near-duplicate check compares it (its normalised tokens), or as written if it has none."""
    return " ".join(tokens(normalise(word))) or word.rstrip()


def _join(words: list[str]) -> str:
    return "".join(words)


def side_by_side(left: str, right: str, context: int, max_chars: int) -> Diff:
    """Word diff of `right` (a member) against `left` (the representative), each cut to `max_chars`."""
    cut = len(left) > max_chars or len(right) > max_chars
    a, b = _words(left[:max_chars]), _words(right[:max_chars])
    keys_a = [_key(w) for w in a]
    keys_b = [_key(w) for w in b]
    ops = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes()
    hunks: list[Hunk] = []
    current: Hunk | None = None
    folded_after = 0
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "equal":
            if current is None:
                current = Hunk()
                hunks.append(current)
            if i2 > i1:
                current.left.append((_join(a[i1:i2]), True))
            if j2 > j1:
                current.right.append((_join(b[j1:j2]), True))
            continue
        run = i2 - i1
        first, last = n == 0, n == len(ops) - 1
        head = 0 if first else min(context, run)  # words closing the previous hunk
        tail = 0 if last else min(context, run - head)  # words opening the next hunk
        if current is not None and head:
            current.left.append((_join(a[i1:i1 + head]), False))
            current.right.append((_join(b[j1:j1 + head]), False))
        folded = run - head - tail
        if last:
            folded_after = folded
            continue
        if folded > 0 or current is None:
            current = Hunk(folded_before=folded)
            hunks.append(current)
        if tail:
            current.left.append((_join(a[i2 - tail:i2]), False))
            current.right.append((_join(b[j2 - tail:j2]), False))
    identical = all(tag == "equal" for tag, *_ in ops)
    if identical:
        hunks, folded_after = [], len(a)
    return Diff(hunks=[h for h in hunks if h.left or h.right], folded_after=folded_after, identical=identical, cut=cut)
