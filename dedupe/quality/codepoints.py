"""Character classes of code points as lookup tables, so a batch's statistics are array work, not regex.

Each class is built once from the same `regex` property the per-document functions use (\\p{L},
\\p{M}, \\s, ...), over the Basic Multilingual Plane; the rarer code points above it are classified
one by one when a batch holds any (and remembered).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import regex

from dedupe.cachedir import cached_table

BMP = 0x10000
# one bit per class, in a uint32 per code point
CLASSES: dict[str, str] = {
    "L": r"\p{L}", "M": r"\p{M}", "N": r"\p{N}", "Nd": r"\d", "Lu": r"\p{Lu}", "P": r"\p{P}",
    "S": r"\s", "W": r"\w", "LATIN": r"\p{Latin}", "ARABIC": r"\p{Arabic}",
}
BIT = {name: np.uint32(1 << i) for i, name in enumerate(CLASSES)}
_CASED_BIT = np.uint32(1 << len(CLASSES))      # str.lower() != str.upper()
_UPPER_BIT = np.uint32(1 << (len(CLASSES) + 1))  # str.isupper()
BIT["CASED"], BIT["UPPER"] = _CASED_BIT, _UPPER_BIT

# the scripts whose letters count for `text.script_mix` (the largest one is the text's main script)
SCRIPTS = ("Latin", "Arabic", "Cyrillic", "Han", "Greek", "Devanagari", "Bengali", "Hebrew", "Hangul",
           "Hiragana", "Katakana", "Thai", "Armenian", "Georgian", "Ethiopic", "Tamil")
_SCRIPT_PATTERNS = tuple(regex.compile(rf"\p{{{s}}}") for s in SCRIPTS)
_CLASS_PATTERNS = {name: regex.compile(p) for name, p in CLASSES.items()}


def _char(cp: int) -> str:
    return " " if 0xD800 <= cp < 0xE000 else chr(cp)


def _classify(cp: int) -> tuple[int, int, int]:
    """(class bits, script number (0: none of SCRIPTS), simple case fold) of one code point."""
    ch = _char(cp)
    bits = 0
    for name, pattern in _CLASS_PATTERNS.items():
        if pattern.match(ch):
            bits |= int(BIT[name])
    if ch.lower() != ch.upper():
        bits |= int(_CASED_BIT)
    if ch.isupper():
        bits |= int(_UPPER_BIT)
    script = next((k + 1 for k, p in enumerate(_SCRIPT_PATTERNS) if p.match(ch)), 0)
    folded = ch.casefold()
    return bits, script, ord(folded) if len(folded) == 1 else cp


@lru_cache(maxsize=1)
def _bmp_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class bits, script number and simple fold of every BMP code point, kept between runs
    (dedupe.cachedir: building them takes a quarter of a second, one regex pass per class)."""
    stacked = cached_table("quality-classes", "", __file__, (3, BMP), np.uint32, _build_bmp_tables)
    return stacked[0].copy(), stacked[1].astype(np.uint8), stacked[2].copy()


def _build_bmp_tables() -> np.ndarray:
    """_bmp_tables' three arrays as the rows of one uint32 array."""
    chars = "".join(_char(c) for c in range(BMP))
    bits = np.zeros(BMP, dtype=np.uint32)
    for name, pattern in _CLASS_PATTERNS.items():
        marked = pattern.sub("\x01", chars)
        bits[np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == 1] |= BIT[name]
    bits[1] = _classify(1)[0]  # "\x01" itself was the marker
    cased = np.fromiter((c.lower() != c.upper() for c in chars), dtype=bool, count=BMP)
    bits[cased] |= _CASED_BIT
    isupper = np.fromiter((c.isupper() for c in chars), dtype=bool, count=BMP)
    bits[isupper] |= _UPPER_BIT
    scripts = np.zeros(BMP, dtype=np.uint8)
    for k, pattern in reversed(list(enumerate(_SCRIPT_PATTERNS))):
        marked = pattern.sub("\x01", chars)
        scripts[np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) == 1] = k + 1
    scripts[1] = _classify(1)[1]
    fold = np.frombuffer("".join(f if len(f := c.casefold()) == 1 else c for c in chars).encode("utf-32-le"),
                         dtype=np.uint32)
    return np.stack([bits, scripts.astype(np.uint32), fold])


_ASTRAL: dict[int, tuple[int, int, int]] = {}


def lookup(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(class bits, script numbers, simple case fold) of every code point of `cps` (uint32)."""
    bits_t, scripts_t, fold_t = _bmp_tables()
    low = np.minimum(cps, BMP - 1).astype(np.intp)
    bits, scripts, fold = bits_t[low], scripts_t[low], fold_t[low]
    high = np.flatnonzero(cps >= BMP)
    if len(high):
        values = cps[high]
        for cp in np.unique(values).tolist():
            if cp not in _ASTRAL:
                _ASTRAL[cp] = _classify(cp)
        found = np.array([_ASTRAL[cp] for cp in values.tolist()], dtype=np.int64).reshape(-1, 3)
        bits[high] = found[:, 0]
        scripts[high] = found[:, 1]
        fold[high] = found[:, 2]
    return bits, scripts, fold


def simple_fold(text: str) -> str:
    """Each character case-folded on its own where that gives one character (as the array path folds)."""
    return "".join(f if len(f := c.casefold()) == 1 else c for c in text)
