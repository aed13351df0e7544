"""Every shipped pack against hand-written fixtures (fixtures/strip/<pack>/), Arabic and English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from dedupe.document import rebuild_original
from dedupe.strip import RuleSet, strip_text

STRIP = FIXTURES / "strip"
CASES = sorted(p.with_suffix("") for p in STRIP.glob("*/*.json"))


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_pack_has_fixtures(rules: RuleSet) -> None:
    covered = {p.parent.name for p in CASES}
    assert {p.name for p in rules.packs} <= covered


def test_every_rule_fires_somewhere(rules: RuleSet) -> None:
    """Each rule is exercised by a fixture or a seed (signal-only rules by their signal)."""
    fired: set[str] = set()
    inputs = [(json.loads(c.with_suffix(".json").read_text(encoding="utf-8"))["lang"],
               c.with_suffix(".txt").read_text(encoding="utf-8")) for c in CASES]
    inputs += [("ar", p.read_text(encoding="utf-8")) for p in (FIXTURES / "seeds").glob("*_*.txt")
               if not p.name.endswith(".gold.txt")]
    for lang, text in inputs:
        result = strip_text(text, lang, rules)
        fired |= {r.rule for r in result.removed}
        fired |= {f"signal:{s}" for s in result.signals}
    missing = [r.id for r in rules.rules
               if r.id not in fired and not (r.action == "signal" and all(f"signal:{s}" in fired for s in r.signals))]
    assert missing == []


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_pack_fixture(case: Path, rules: RuleSet) -> None:
    meta = json.loads(case.with_suffix(".json").read_text(encoding="utf-8"))
    text = case.with_suffix(".txt").read_text(encoding="utf-8")
    gold = Path(f"{case}.gold.txt").read_text(encoding="utf-8")
    result = strip_text(text, meta["lang"], rules)
    assert result.text == gold
    assert sorted(result.signals) == meta["signals"]
    assert sorted({r.rule for r in result.removed}) == meta["rules"]
    assert rebuild_original(result.text, result.removed) == text


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_pack_alone_does_its_part(case: Path) -> None:
    """With only its own pack loaded, a fixture still loses that pack's chrome (no hidden help)."""
    pack = case.parent.name
    meta = json.loads(case.with_suffix(".json").read_text(encoding="utf-8"))
    every = RuleSet.load()
    others = [p.name for p in every.packs if p.name != pack]
    alone = RuleSet.load(disable=others)
    text = case.with_suffix(".txt").read_text(encoding="utf-8")
    result = strip_text(text, meta["lang"], alone)
    own = {r for r in meta["rules"] if r.startswith(pack + ".")}
    assert own <= {r.rule for r in result.removed}
    assert rebuild_original(result.text, result.removed) == text
