"""Code point lookup tables for the array path: which code points are word characters, and the fold."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import regex

from dedupe.cachedir import cached_table
from dedupe.text.normalise import _table
from dedupe.text.tokens import WORD

UNICODE_SIZE = 0x110000
FOLD_SIZE = 0x800  # every code point the Arabic fold touches is below U+0800
DELETE = np.uint32(0xFFFFFFFF)


def _all_code_points() -> str:
    """Every code point as one string, surrogates (which cannot stand alone) as spaces; built by numpy."""
    cps = np.arange(UNICODE_SIZE, dtype=np.uint32)
    cps[(cps >= 0xD800) & (cps < 0xE000)] = 0x20
    return cps.tobytes().decode("utf-32-le")


@lru_cache(maxsize=1)
def word_table() -> np.ndarray:
    """Bool per code point: does `regex`'s \\w match it (the same class tokens() uses).

    One substitution of a one-character \\w pattern over every code point, in C: a fraction of
    what a Python loop over 1.1 million characters costs; kept between runs (dedupe.cachedir).
    """
    return cached_table("word", f"{WORD.pattern}\0{WORD.flags}", __file__, (UNICODE_SIZE,), np.bool_, _word_table)


def _word_table() -> np.ndarray:
    one = regex.compile(r"\w", flags=WORD.flags)
    marked = one.sub("\x01", _all_code_points())
    table = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == 1
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
    """Bool per code point: does str.casefold change it (casefold maps each code point on its own).

    Blocks of 256 code points that casefold leaves alone (most of them) are skipped whole; only
    the others are checked one code point at a time. Kept between runs (dedupe.cachedir).
    """
    return cached_table("casefold", "", __file__, (UNICODE_SIZE,), np.bool_, _casefold_changes)


def _casefold_changes() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=bool)
    everything = _all_code_points()
    step = 256
    for lo in range(0, UNICODE_SIZE, step):
        block = everything[lo : lo + step]
        if block.casefold() == block:
            continue
        for c in range(lo, lo + step):
            if 0xD800 <= c < 0xE000:
                continue
            ch = chr(c)
            if ch.casefold() != ch:
                table[c] = True
    return table
