"""ScriptTable: letter counts by class and script from one table lookup equal the regexes' own counts."""

from __future__ import annotations

import json

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from dedupe import lang
from dedupe.scriptcount import ScriptTable

PATTERNS = (lang._LETTER, lang._LATIN_LETTERS, lang._ARABIC_ALPHABET, *lang._SCRIPT.values())
TABLE = ScriptTable(lang._LETTER, lang._LATIN_LETTERS, lang._ARABIC_ALPHABET, list(lang._SCRIPT.values()))


def by_regex(text: str) -> list[int]:
    return [sum(map(len, pattern.findall(text))) for pattern in PATTERNS]


def test_real_web_text_in_22_languages_and_the_seeds(seeds_dir) -> None:
    rows = [json.loads(line) for line in
            shared_path("data", "hplt-quality", "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text_show"] for r in rows] + [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    assert len({r["lang"] for r in rows}) >= 20
    for text in texts:
        assert TABLE.counts(text) == by_regex(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_including_code_points_past_the_bmp(text: str) -> None:
    assert TABLE.counts(text) == by_regex(text)


def test_emoji_and_astral_letters_are_classified_one_by_one() -> None:
    text = "مرحبا 😀 𝐀𝐁 𐤀 hello"  # emoji, mathematical bold letters (Latin? no: Common), Phoenician
    assert TABLE.counts(text) == by_regex(text)
    assert TABLE.counts("")[0] == 0


def test_at_most_fifteen_scripts() -> None:
    import pytest

    with pytest.raises(ValueError, match="at most 15"):
        ScriptTable(lang._LETTER, lang._LETTER, lang._LETTER, [regex.compile("a")] * 16)


def test_a_batch_counted_at_once_equals_each_text_counted_alone() -> None:
    rows = [json.loads(line) for line in
            shared_path("data", "hplt-quality", "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text_show"] for r in rows[:400]] + ["", "مرحبا 😀 𝐀𝐁 𐤀 hello", "\ud800", "\udc00x"]
    many = TABLE.counts_many(texts).tolist()
    assert many == [by_regex(t) for t in texts]
    assert TABLE.counts_many([]).shape == (0, len(PATTERNS))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=8))
def test_any_batch_counts_row_by_row(texts: list[str]) -> None:
    assert TABLE.counts_many(texts).tolist() == [by_regex(t) for t in texts]
