"""The code point tables of the array path, built fast at start-up, say what the slow definitions say."""

from __future__ import annotations

import numpy as np

from dedupe.text.tables import UNICODE_SIZE, casefold_changes, word_table
from dedupe.text.tokens import WORD


def _code_points() -> range:
    return range(UNICODE_SIZE)


def test_word_table_is_regex_word_class_for_every_code_point() -> None:
    table = word_table()
    expected = np.zeros(UNICODE_SIZE, dtype=bool)
    for c in _code_points():
        if not 0xD800 <= c < 0xE000:
            expected[c] = WORD.fullmatch(chr(c)) is not None
    assert np.array_equal(table, expected)


def test_casefold_table_is_str_casefold_for_every_code_point() -> None:
    expected = np.array([not 0xD800 <= c < 0xE000 and chr(c).casefold() != chr(c) for c in _code_points()])
    assert np.array_equal(casefold_changes(), expected)
