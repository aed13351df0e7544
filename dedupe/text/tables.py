"""Code point lookup tables for the array path: which code points are word characters, and the fold."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dedupe.text.normalise import _table
from dedupe.text.tokens import WORD

UNICODE_SIZE = 0x110000
FOLD_SIZE = 0x800  # every code point the Arabic fold touches is below U+0800
DELETE = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=1)
def word_table() -> np.ndarray:
    """Bool per code point: does `regex`'s \\w match it (the same class tokens() uses)."""
    table = np.zeros(UNICODE_SIZE, dtype=bool)
    step = 1 << 16  # in blocks, so building the table stays small in memory
    for lo in range(0, UNICODE_SIZE, step):
        chars = "".join(" " if 0xD800 <= c < 0xE000 else chr(c) for c in range(lo, lo + step))
        marked = WORD.sub(lambda m: "\x01" * len(m.group()), chars)
        table[lo : lo + step] = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == 1
    table[1] = WORD.fullmatch("\x01") is not None
    return table


@lru_cache(maxsize=2)
def fold_table(ta_marbuta: bool) -> np.ndarray:
    """uint32 per code point below FOLD_SIZE: its folded code point, or DELETE."""
    table = np.arange(FOLD_SIZE, dtype=np.uint32)
    for cp, repl in _table(ta_marbuta).items():
        if repl is None:
            table[cp] = DELETE
        else:
            assert len(repl) == 1 and cp < FOLD_SIZE
            table[cp] = ord(repl)
    return table


@lru_cache(maxsize=1)
def casefold_changes() -> np.ndarray:
    """Bool per code point: does str.casefold change it (casefold maps each code point on its own)."""
    table = np.zeros(UNICODE_SIZE, dtype=bool)
    for c in range(UNICODE_SIZE):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        if ch.casefold() != ch:
            table[c] = True
    return table
