"""`dedupe clean` as a user runs it: --explain lines, the summary, and stdout output."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES

SEEDS = sorted(p for p in (FIXTURES / "seeds").glob("*.txt") if not p.name.endswith(".gold.txt"))


def test_explain_prints_every_removal_and_the_summary_counts_them(tmp_path) -> None:
    out = tmp_path / "clean.jsonl"
    proc = subprocess.run([sys.executable, "-m", "dedupe", "clean", *map(str, SEEDS), "-o", str(out), "--explain"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    removals = [(r["id"], x["rule"], x["category"]) for r in records for x in r["dedupe"]["removed"]]
    explained = [tuple(line.split("\t")[:3]) for line in proc.stdout.splitlines() if line.count("\t") >= 3]
    assert explained == removals and removals
    assert f"documents: {len(SEEDS)}  kept: {len(SEEDS)}  rejected: 0" in proc.stdout
    assert f"removals: {len(removals)}  characters removed: " in proc.stdout
    for category in {c for _, _, c in removals}:
        count = sum(1 for _, _, c in removals if c == category)
        assert f"  {category}: {count}" in proc.stdout


def test_output_to_stdout_keeps_the_summary_on_stderr() -> None:
    proc = subprocess.run([sys.executable, "-m", "dedupe", "clean", str(SEEDS[0]), "-o", "-"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["id"] == SEEDS[0].stem and record["dedupe"]["removed"]
    assert "documents: 1" in proc.stderr
