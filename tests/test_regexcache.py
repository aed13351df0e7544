"""compile_cached: a pattern compiled by an earlier run is read back (and matches as compiled), and a
damaged, tampered or unwritable cache only means compiling again."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import regex

from dedupe import regexcache
from dedupe.strip.rules import RuleSet

TEXTS = ["Share this:\nFacebook Twitter", "[ad_1] some text", "Exit mobile version", "شارك هذا المقال", "", "x" * 500]


def _rule_sources() -> list[str]:
    rules = RuleSet.load(screen=False)
    return [g.lazy.source for g in (*rules.line_groups, *rules.block_groups, *rules.span_groups) if g.lazy is not None]


def test_a_pattern_read_back_matches_as_the_compiled_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    sources = _rule_sources()
    assert len(sources) >= 10
    first = [regexcache.compile_cached(s) for s in sources]
    assert all(regexcache._path(s, 0).is_file() for s in sources)  # (loading the rules wrote the others)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again although cached")

    monkeypatch.setattr(regexcache.regex, "compile", refuse)
    again = [regexcache.compile_cached(s) for s in sources]
    for a, b in zip(first, again):
        assert a is not b and a.pattern == b.pattern and a.flags == b.flags
        for text in TEXTS:
            assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_flags_are_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    plain = regexcache.compile_cached("share")
    folded = regexcache.compile_cached("share", regex.IGNORECASE)
    assert plain.search("SHARE") is None and folded.search("SHARE") is not None
    assert regexcache.compile_cached("share", regex.IGNORECASE).search("SHARE") is not None


def test_a_tampered_or_damaged_file_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    path = regexcache._path(r"\bshare\b", 0)
    path.parent.mkdir(parents=True)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple:
            return (os.system, (f"touch {marker}",))

    path.write_bytes(pickle.dumps(Evil()))
    assert regexcache.compile_cached(r"\bshare\b").search("please share it")
    assert not marker.exists()  # the unpickler refused os.system
    path.write_bytes(b"\x80\x05 damaged")
    assert regexcache.compile_cached(r"\bshare\b").pattern == r"\bshare\b"  # and written back whole
    assert pickle.loads(path.read_bytes()).pattern == r"\bshare\b"


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker))
    assert regexcache.compile_cached("abc").search("xabcx")
