"""The rule-pattern cache: a second load reads checks and literals from the user's cache folder
and strips exactly as the first; a broken or stale file is ignored; a bad user pattern still
fails at load; group regexes compile only when a line needs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from conftest import FIXTURES
from dedupe.errors import ConfigError
from dedupe.strip import RuleSet, strip_text
from dedupe.strip import cache as cache_module


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache_module, "_SHARED", None)  # no cache object left from another test
    return folder


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "strip").glob("*/*.txt"))]


def _strip_all(rules: RuleSet) -> list[tuple]:
    out = []
    for text in _texts():
        for lang in (None, "ar", "en"):
            r = strip_text(text, lang, rules)
            out.append((r.text, r.removed, r.signals, r.credits))
    return out


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = regex.compile

    def counting(pattern, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(pattern)
        return real(pattern, *args, **kwargs)

    monkeypatch.setattr(regex, "compile", counting)
    return seen


def test_second_load_uses_the_cache_and_strips_the_same(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = RuleSet.load()
    path = cache_dir / "rule-patterns.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["valid"] and data["literals"]
    monkeypatch.setattr(cache_module, "_SHARED", None)  # a new process reads the file afresh
    compiled = _count_compiles(monkeypatch)
    second = RuleSet.load()
    assert compiled == []  # every pattern known to compile; group regexes wait for a line
    assert _strip_all(second) == _strip_all(first) == _strip_all(RuleSet.load(cache=False))


def test_a_broken_or_stale_cache_is_ignored(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir.mkdir(parents=True)
    path = cache_dir / "rule-patterns.json"
    path.write_text("{not json", encoding="utf-8")
    reference = _strip_all(RuleSet.load(cache=False))
    assert _strip_all(RuleSet.load()) == reference
    assert json.loads(path.read_text(encoding="utf-8"))["valid"]  # rewritten whole
    data = json.loads(path.read_text(encoding="utf-8"))
    data["stamp"] = "an older reader"
    data["literals"] = {k: {"c": [["nowhere"]], "g": [], "f": True, "w": True, "l": None, "lw": True}
                        for k in data["literals"]}  # wrong literals under a stale stamp: never used
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(cache_module, "_SHARED", None)
    assert _strip_all(RuleSet.load()) == reference


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(cache_module, "_SHARED", None)
    assert RuleSet.load().rules


def test_a_bad_user_pattern_still_fails_at_load(cache_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "packs"
    pack.mkdir()
    (pack / "bad.toml").write_text(
        "[pack]\nname = \"bad\"\n\n[[rules]]\nid = \"open\"\ncategory = \"site_chrome\"\nmatch = \"line\"\n"
        "pattern = '''(unclosed'''\n", encoding="utf-8")
    RuleSet.load()  # the packaged packs are cached first
    with pytest.raises(ConfigError, match="bad.toml: rule 'bad.open': pattern is not a valid regular expression"):
        RuleSet.load([str(pack)])
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        RuleSet.load([str(pack)])  # and again: a failure is never cached


def test_group_regexes_compile_on_first_use(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    RuleSet.load()
    monkeypatch.setattr(cache_module, "_SHARED", None)
    rules = RuleSet.load()
    pending = [g for g in rules.line_groups if g.lazy is not None and g.lazy._compiled is None]
    assert len(pending) == len(rules.line_groups)
    result = strip_text("A plain sentence of an article, nothing more to it.\nShare\n", "en", rules)
    assert result.text.startswith("A plain sentence")
    compiled = [g for g in rules.line_groups if g.lazy is not None and g.lazy._compiled is not None]
    assert 0 < len(compiled) < len(rules.line_groups)  # only the groups a line needed
