"""Normalising by code point lookups gives exactly what `normalise` gives, whatever the text holds."""

from __future__ import annotations

import json
import random
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from dedupe.near.arrays import normalised_code_points
from dedupe.text import normalise
from dedupe.text.pointwise import composition_seconds, normalise_code_points


def reference(texts: list[str], ta_marbuta: bool) -> tuple[list[str], list[str]]:
    """What the lookup path gave, text by text, and what normalise gives."""
    cps, offsets = normalise_code_points(texts, ta_marbuta)
    got = [cps[offsets[i]:offsets[i + 1]].tobytes().decode("utf-32-le", "surrogatepass") for i in range(len(texts))]
    return got, [normalise(t, ta_marbuta=ta_marbuta) for t in texts]


# Code points that compose, reorder, expand or vanish: the cases a lookup could get wrong.
AWKWARD = ("\u0301\u0308\u0327\u064b\u064e\u0651\u0650\u0652\u0653\u0654\u0655\u0670\u0640\u1161\u11a8\u0b3e"
           "\u00a0\u2026\u00bd\ufefb\ufe8e\ufdfa\ufb01\u00df\u0130\u01c5\u1e9e\u03a3\u00c5\u212b\u2126\uac00"
           "\u0627\u0623\u0629\u0649\u064a\u0648\u0647e aAZ.,-\n\u200f\u0661\u06f4")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(AWKWARD), max_size=40), min_size=1, max_size=12),
       st.booleans())
def test_awkward_texts_equal_normalise(texts: list[str], ta_marbuta: bool) -> None:
    got, want = reference(texts, ta_marbuta)
    assert got == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=8), st.booleans())
def test_any_text_equals_normalise(texts: list[str], ta_marbuta: bool) -> None:
    got, want = reference(texts, ta_marbuta)
    assert got == want


def test_every_code_point_between_neighbours_that_could_combine_with_it() -> None:
    """All of the BMP; beyond it, every code point that decomposes, combines or case-folds, and a sample."""
    rng = random.Random(3)
    seconds = composition_seconds()
    beyond = [c for c in range(0x10000, 0x110000)
              if seconds[c] or unicodedata.combining(chr(c)) or unicodedata.decomposition(chr(c))
              or chr(c).casefold() != chr(c) or rng.random() < 0.01]
    every = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000] + beyond
    rng.shuffle(every)
    for lo in range(0, len(every), 20000):
        chunk = every[lo:lo + 20000]
        texts = [f"a{chr(c)}\u0301{chr(c)}\u064e\u0654" for c in chunk]
        for ta_marbuta in (False, True):
            got, want = reference(texts, ta_marbuta)
            assert got == want


def test_hangul_vowels_and_canonical_seconds_are_known() -> None:
    seconds = composition_seconds()
    assert seconds[0x1161] and seconds[0x11A8] and seconds[0x0301] and seconds[0x0654] and seconds[0x0B3E]
    assert not seconds[:128].any() and not seconds[0x0627]


def test_batches_of_real_news_equal_the_per_text_path() -> None:
    """Arabic and English news (tashkeel, ligatures, presentation forms, ellipses) through the signing
    entry point, large batches (lookups) and small ones (per text) alike."""
    rows = [json.loads(line) for line in
            shared_path("data", "arabic-news", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    texts = [r["text"] for r in rows[:400]] + [v["articleBody"] for v in list(gold.values())[:400]]
    for ta_marbuta in (False, True):
        got, want = reference(texts, ta_marbuta)
        assert got == want
        cps, offsets = normalised_code_points(texts, ta_marbuta)
        small = [normalised_code_points([t], ta_marbuta) for t in texts]
        assert np.array_equal(cps, np.concatenate([c for c, _ in small]))
        assert np.array_equal(np.diff(offsets), [len(c) for c, _ in small])


@pytest.mark.parametrize("texts", [[], [""], ["", "x", ""], ["\ud800 lone surrogate"]])
def test_empty_and_odd_batches(texts: list[str]) -> None:
    cps, offsets = normalise_code_points(texts, False)
    assert len(offsets) == len(texts) + 1 and offsets[-1] == len(cps)
    assert [cps[offsets[i]:offsets[i + 1]].tobytes().decode("utf-32-le", "surrogatepass") for i in range(len(texts))] \
        == [normalise(t) for t in texts]
