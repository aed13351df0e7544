"""`normalise` one code point at a time, as lookup tables, for the texts where that is exact.

normalise is NFKC, casefold, NFKC and the Arabic fold. On a text none of whose code points can
compose with, or be reordered around, a neighbour, each code point normalises on its own, so the
array path looks each one up instead of running three whole-text Unicode passes per document
(most of the cost of signing news text). A code point is "pointwise" when it and everything its
single-character normalisation passes through are starters (canonical combining class 0) that are
never the second half of a canonical composition, and one pass reaches normalise's fixed point;
combining marks that the Arabic fold deletes (harakat) are pointwise too, since whatever order
NFKC gives them they vanish. A text holding any other code point goes through `normalise` whole.
Tables are filled lazily, only for the code points a batch holds.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

from dedupe.text.normalise import _one_pass, _table, normalise

UNICODE_SIZE = 0x110000
# One uint32 per code point: its first normalised code point (21 bits), how many it normalises to
# (8 bits), a flag for "not pointwise" and one for "not looked at yet", so one gather per batch reads all.
_CP_BITS = np.uint32(0x1FFFFF)
_LEN_SHIFT = 21
_ONE = np.uint32(1 << _LEN_SHIFT)
_LEN_BITS = np.uint32(0xFF << _LEN_SHIFT)
_ODD = np.uint32(1 << 29)
_UNKNOWN = np.uint32(1 << 30)


@lru_cache(maxsize=1)
def composition_seconds() -> np.ndarray:
    """Bool per code point: does it follow the first code point in some full canonical decomposition.

    A superset of the code points that can compose with the one before them (Hangul vowel and
    trailing jamo included), found with one NFD pass over every code point, each behind a NUL
    so that no two decompositions meet.
    """
    cps = np.arange(UNICODE_SIZE, dtype=np.uint32)
    cps[(cps >= 0xD800) & (cps < 0xE000)] = 0x20
    spaced = np.zeros(2 * UNICODE_SIZE, dtype=np.uint32)
    spaced[0::2] = cps
    nfd = np.frombuffer(unicodedata.normalize("NFD", spaced.tobytes().decode("utf-32-le")).encode("utf-32-le"),
                        dtype=np.uint32)
    nul = nfd == 0
    after_nul = np.ones(len(nfd), dtype=bool)
    after_nul[1:] = nul[:-1]
    table = np.zeros(UNICODE_SIZE, dtype=bool)
    table[nfd[~nul & ~after_nul]] = True
    return table


class PointwiseMap:
    """normalise(chr(cp)) per code point (its length, first code point, longer expansions) and
    whether the code point is pointwise; filled in for the code points batches have shown so far."""

    def __init__(self, ta_marbuta: bool) -> None:
        self.ta_marbuta = ta_marbuta
        self.packed = np.full(UNICODE_SIZE, _UNKNOWN | _ODD | _ONE, dtype=np.uint32)
        self.longer: dict[int, np.ndarray] = {}  # cp -> its expansion, for lengths of 2 or more

    def learn(self, cps: np.ndarray) -> None:
        """Fill the tables for the code points of `cps` not seen before."""
        new = np.unique(cps[self.packed[cps] >= _UNKNOWN])
        if not len(new):
            return
        seconds = composition_seconds()
        table = _table(self.ta_marbuta)
        for cp in new.tolist():
            if 0xD800 <= cp < 0xE000:  # a lone surrogate: never pointwise
                self.packed[cp] = int(_ODD | _ONE)
                continue
            ch = chr(cp)
            out = normalise(ch, ta_marbuta=self.ta_marbuta)
            if not _is_pointwise(ch, out, seconds, table):  # looked up as one placeholder; its text goes the slow way
                self.packed[cp] = int(_ODD | _ONE)
                continue
            self.packed[cp] = (ord(out[0]) if out else 0) | len(out) << _LEN_SHIFT
            if len(out) > 1:
                self.longer[cp] = np.frombuffer(out.encode("utf-32-le"), dtype=np.uint32)


def _starters(text: str, seconds: np.ndarray) -> bool:
    return all(unicodedata.combining(c) == 0 and not seconds[ord(c)] for c in text)


def _is_pointwise(ch: str, out: str, seconds: np.ndarray, table: dict[int, str | None]) -> bool:
    if seconds[ord(ch)] or len(out) > 255:
        return False
    if unicodedata.combining(ch):  # a mark: only one the fold deletes, untouched before it
        return out == "" and unicodedata.normalize("NFKC", ch) == ch and ch.casefold() == ch
    first = unicodedata.normalize("NFKC", ch)
    folded = first.casefold()
    return (_starters(first, seconds) and _starters(folded, seconds)
            and _starters(unicodedata.normalize("NFKC", folded), seconds) and _one_pass(ch, table) == out)


_MAPS: dict[bool, PointwiseMap] = {}


def pointwise_map(ta_marbuta: bool) -> PointwiseMap:
    """The process's map for one fold setting (its tables grow as batches show new code points)."""
    if ta_marbuta not in _MAPS:
        _MAPS[ta_marbuta] = PointwiseMap(ta_marbuta)
    return _MAPS[ta_marbuta]


def normalise_code_points(texts: list[str], ta_marbuta: bool) -> tuple[np.ndarray, np.ndarray]:
    """Every text normalised as `normalise` does, as one uint32 code point array plus offsets (n+1):
    pointwise texts by table lookups over the whole batch, the others one by one."""
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    raw_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=raw_off[1:])
    raw = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = pointwise_map(ta_marbuta)
    packed = table.packed[raw]
    odd = np.flatnonzero(packed >= _ODD)
    if len(odd) and packed[odd].max() >= _UNKNOWN:  # code points never seen: look them up, then again
        table.learn(raw[odd])
        packed[odd] = table.packed[raw[odd]]
        odd = odd[packed[odd] >= _ODD]
    slow = np.zeros(n, dtype=bool)
    if len(odd):
        slow[np.searchsorted(raw_off, odd, side="right") - 1] = True
    # Most code points map to one: only the others (deleted, expanded) move what follows them.
    moved = np.flatnonzero((packed & _LEN_BITS) != _ONE)
    size = ((packed[moved] & _LEN_BITS) >> _LEN_SHIFT).astype(np.int64)
    delta = size - 1
    out = packed & _CP_BITS
    if len(moved):
        gone = size == 0
        if gone.any():
            kept = np.ones(len(raw), dtype=bool)
            kept[moved[gone]] = False
            out = out[kept]
        grown = np.flatnonzero(~gone)
        if len(grown):  # expansions: the rest of each one goes in after its first code point
            dropped_before = np.cumsum(gone) - gone
            at = moved[grown] - dropped_before[grown] + 1
            rests = [table.longer[int(raw[moved[k]])][1:] for k in grown.tolist()]
            out = np.insert(out, np.repeat(at, [len(r) for r in rests]), np.concatenate(rests))
        per_doc = np.bincount(np.searchsorted(raw_off, moved, side="right") - 1, weights=delta, minlength=n)
        offsets = raw_off.copy()
        offsets[1:] += np.cumsum(per_doc).astype(np.int64)
    else:
        offsets = raw_off
    if not slow.any():
        return out, offsets
    pieces = []
    for i in range(n):
        if slow[i]:
            pieces.append(np.frombuffer(normalise(texts[i], ta_marbuta=ta_marbuta).encode("utf-32-le", "surrogatepass"),
                                        dtype=np.uint32))
        else:
            pieces.append(out[offsets[i]:offsets[i + 1]])
    sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return (np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint32)), offsets
