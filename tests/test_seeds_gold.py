"""The five seed articles: stripping gives exactly the gold text and records DESIGN.md's signals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from dedupe.document import Document, rebuild_original
from dedupe.strip import RuleSet, Stripper, strip_text

SEEDS = FIXTURES / "seeds"
NAMES = sorted(p.name[: -len(".gold.txt")] for p in SEEDS.glob("*.gold.txt"))


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def test_all_five_seeds_have_gold() -> None:
    assert [n[:3] for n in NAMES] == ["000", "001", "002", "003", "004"]


def test_fixture_copies_match_shared_seeds(seeds_dir: Path) -> None:
    for name in NAMES:
        assert (SEEDS / f"{name}.txt").read_bytes() == (seeds_dir / f"{name}.txt").read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_seed_strips_to_gold(name: str, rules: RuleSet) -> None:
    original = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    gold = (SEEDS / f"{name}.gold.txt").read_text(encoding="utf-8")
    expected = json.loads((SEEDS / f"{name}.signals.json").read_text(encoding="utf-8"))
    result = strip_text(original, expected["lang"], rules)
    assert result.text == gold
    assert sorted(result.signals) == expected["signals"]
    assert result.credits == expected["credits"]
    assert [[r.rule, r.text.strip()] for r in result.removed] == expected["removed"]
    assert rebuild_original(result.text, result.removed) == original
    for r in result.removed:
        assert original[r.start:r.end] == r.text


@pytest.mark.parametrize("name", NAMES)
def test_seed_language_unknown_gives_same_gold(name: str, rules: RuleSet) -> None:
    """With no language (None/"und") every pack applies and the script says Arabic."""
    original = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    gold = (SEEDS / f"{name}.gold.txt").read_text(encoding="utf-8")
    assert strip_text(original, None, rules).text == gold
    assert strip_text(original, "und", rules).text == gold


def test_design_table_requirements(rules: RuleSet) -> None:
    """Spot checks of DESIGN.md's seed table, independent of the gold files."""
    text = {n[:3]: (SEEDS / f"{n}.txt").read_text(encoding="utf-8") for n in NAMES}
    r0 = strip_text(text["000"], "ar", rules)
    title = text["000"].split("\n")[0]
    assert r0.text.count(title) == 1 and "[ad_1]" not in r0.text and "[ad_2]" not in r0.text
    assert not r0.text.endswith("المصدر") and "wire:tass" in r0.signals and "/تاس/" not in r0.text
    assert r0.text.split("\n\n")[1].startswith("من المقرر أن تعمل اليابان")  # the article words stay
    r1 = strip_text(text["001"], "ar", rules)
    for chrome in ("صبيان نجد", "التحالف يجمعنا", "طاقم الإدارة", "إنضم", "المشاركات", "التفاعلات",
                   "1000279983.jpg", "29/9/21", "4,747", "13,094", "عودة", "أعلى"):
        assert chrome not in r1.text.split("\n\n")[:2] + r1.text.split("\n")[-2:], chrome
    assert r1.text.startswith("الولايات المتحدة تتطلع إلى اليابان كقاعدة لإنتاج الأسلحة\n\n")
    r2 = strip_text(text["002"], "ar", rules)
    assert "SeaPRwire" not in r2.text and "القطاعات:" not in r2.text and "prwire:seaprwire" in r2.signals
    r3 = strip_text(text["003"], "ar", rules)
    assert r3.text.endswith("تجارب صاروخية.") and "mt:untranslated-ui" in r3.signals
    r4 = strip_text(text["004"], "ar", rules)
    assert "[إعلان رقم 2]" not in r4.text and "تعليق (0)" not in r4.text and "congluan" not in r4.text
    assert {"credit:japan-times", "wire:reuters"} <= set(r4.signals)
    assert "الصورة: حمام السباحة" in r4.text and "mt:calque" in r4.signals


def test_stripper_stage_on_seeds(rules: RuleSet) -> None:
    docs = [Document(id=n, text=(SEEDS / f"{n}.txt").read_text(encoding="utf-8"), lang="ar") for n in NAMES]
    out = list(Stripper(rules)(docs))
    for doc in out:
        assert doc.text == (SEEDS / f"{doc.id}.gold.txt").read_text(encoding="utf-8")
        assert rebuild_original(doc.text, doc.removed) == doc.original_text
        expected = json.loads((SEEDS / f"{doc.id}.signals.json").read_text(encoding="utf-8"))
        assert sorted(doc.signals) == expected["signals"]


def test_dedupe_clean_cli_gives_gold(tmp_path: Path) -> None:
    """`dedupe clean` on the five seed files (language detected, learned chrome on) gives the gold."""
    out = tmp_path / "clean.jsonl"
    inputs = [str(SEEDS / f"{n}.txt") for n in NAMES]
    proc = subprocess.run([sys.executable, "-m", "dedupe", "clean", *inputs, "-o", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    golds = {(SEEDS / f"{n}.gold.txt").read_text(encoding="utf-8") for n in NAMES}
    assert {r["text"] for r in records} == golds
    for r in records:
        assert r["dedupe"]["lang"] == "ar"
