"""Code point tables kept between runs: read back equal to what building gives, rebuilt when missing,
damaged or built by other code, and never an error when the cache folder cannot be written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dedupe.cachedir import cache_dir, cached_table
from dedupe.text.tables import UNICODE_SIZE, _casefold_changes, _word_table


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    return tmp_path / "cache" / "tables"


def _counting(build):
    calls = []

    def wrapped() -> np.ndarray:
        calls.append(1)
        return build()
    return wrapped, calls


def test_the_real_tables_read_back_equal_to_a_fresh_build(folder: Path) -> None:
    for name, build in (("word", _word_table), ("casefold", _casefold_changes)):
        wrapped, calls = _counting(build)
        first = cached_table(name, "k", __file__, (UNICODE_SIZE,), np.bool_, wrapped)
        again = cached_table(name, "k", __file__, (UNICODE_SIZE,), np.bool_, wrapped)
        assert len(calls) == 1  # the second run read the file
        assert np.array_equal(first, again) and again.dtype == np.bool_
        assert np.array_equal(again, build())
    assert len(list(folder.glob("*.npy"))) == 2


def test_the_script_table_of_the_language_stage_reads_back_equal(folder: Path) -> None:
    from dedupe.lang import _ARABIC_ALPHABET, _LATIN_LETTERS, _LETTER, _SCRIPT
    from dedupe.scriptcount import ScriptTable

    built = ScriptTable(_LETTER, _LATIN_LETTERS, _ARABIC_ALPHABET, list(_SCRIPT.values()))
    read = ScriptTable(_LETTER, _LATIN_LETTERS, _ARABIC_ALPHABET, list(_SCRIPT.values()))
    assert np.array_equal(read.table, read._plane_table()) and np.array_equal(built.table, read.table)
    assert read.counts("مرحبا بالعالم hello") == built.counts("مرحبا بالعالم hello")
    # other patterns are another table, not the cached one
    other = ScriptTable(_LETTER, _LATIN_LETTERS, _ARABIC_ALPHABET, list(_SCRIPT.values())[:2])
    assert np.array_equal(other.table, other._plane_table())


def test_a_damaged_or_misshapen_file_is_built_again(folder: Path) -> None:
    build, calls = _counting(lambda: np.arange(10, dtype=np.uint8))
    cached_table("t", "", __file__, (10,), np.uint8, build)
    (path,) = folder.glob("t-*.npy")
    path.write_bytes(path.read_bytes()[:20])  # truncated
    assert np.array_equal(cached_table("t", "", __file__, (10,), np.uint8, build), np.arange(10))
    np.save(path, np.zeros(3, dtype=np.uint8))  # a valid file of the wrong shape
    assert np.array_equal(cached_table("t", "", __file__, (10,), np.uint8, build), np.arange(10))
    assert len(calls) == 3
    assert np.array_equal(np.load(path), np.arange(10))  # rewritten


def test_another_key_is_another_table_and_replaces_the_old_file(folder: Path) -> None:
    one = cached_table("t", "a", __file__, (4,), np.uint8, lambda: np.full(4, 1, dtype=np.uint8))
    two = cached_table("t", "b", __file__, (4,), np.uint8, lambda: np.full(4, 2, dtype=np.uint8))
    assert one.tolist() == [1] * 4 and two.tolist() == [2] * 4
    assert len(list(folder.glob("t-*.npy"))) == 1


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker / "cache"))
    table = cached_table("t", "", __file__, (3,), np.uint8, lambda: np.array([1, 2, 3], dtype=np.uint8))
    assert table.tolist() == [1, 2, 3]


def test_the_language_flags_read_back_equal(folder: Path) -> None:
    from dedupe.lang import _build_bmp_flags

    built = cached_table("lang-flags", "", __file__, (0x10000,), np.uint8, _build_bmp_flags)
    read = cached_table("lang-flags", "", __file__, (0x10000,), np.uint8, lambda: np.zeros(0x10000, np.uint8))
    assert np.array_equal(built, read) and np.array_equal(read, _build_bmp_flags()) and read.any()
