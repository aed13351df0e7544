"""Word tokens and shingles of normalised text: the readable reference the fast path must equal."""

from __future__ import annotations

import regex

# `regex`'s \w covers letters, combining marks, digits and connector punctuation, so an Arabic
# word with marks stays one token (stdlib `re` splits it at each mark).
WORD = regex.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The word tokens of (normalised) text, in order."""
    return WORD.findall(text)


def word_shingles(toks: list[str], n: int) -> list[str]:
    """Word n-grams as strings of tokens joined by one space; fewer than n tokens make one shingle."""
    if not toks:
        return []
    if len(toks) <= n:
        return [" ".join(toks)]
    return [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]


def char_shingles(toks: list[str], n: int) -> list[str]:
    """Character n-grams of the tokens joined by single spaces (punctuation and layout dropped)."""
    joined = " ".join(toks)
    if not joined:
        return []
    if len(joined) <= n:
        return [joined]
    return [joined[i : i + n] for i in range(len(joined) - n + 1)]
