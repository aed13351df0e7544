"""`dedupe gate` as a CI job runs it: one JSON object on stdout, exit 0 pass, 1 fail, 2 usage or input error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import dedupe
from conftest import FIXTURES

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def gate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", "gate", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_passing_batch_exits_0_with_figures_thresholds_and_checks() -> None:
    proc = gate(str(SAMPLE), "--no-classify", "--max-duplicate-rate", "0.5", "--min-documents", "30",
                "--max-stripped-share", "0.1")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # the whole of stdout is one JSON object
    assert report["passed"] is True and report["failed"] == []
    figures = report["figures"]
    # the sample corpus: 30 documents, 2 exact and 12 near duplicates (as `dedupe filter` counts them)
    assert (figures["documents"], figures["exact_duplicates"], figures["near_duplicates"]) == (30, 2, 12)
    assert figures["duplicate_rate"] == round(14 / 30, 6)
    assert figures["stripped_share"] == round(figures["chars_removed"] / figures["chars_in"], 6)
    assert report["thresholds"] == {"max_duplicate_rate": 0.5, "max_rate": {}, "min_documents": 30,
                                    "max_stripped_share": 0.1}
    assert [c["name"] for c in report["checks"]] == ["min_documents", "max_duplicate_rate", "max_stripped_share"]
    assert all(c["passed"] for c in report["checks"])
    assert report["inputs"] == [str(SAMPLE)] and report["index"] is None


def test_failing_check_exits_1_and_names_it() -> None:
    proc = gate(str(SAMPLE), "--no-classify", "--max-duplicate-rate", "0.3", "--min-documents", "31")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["passed"] is False
    assert report["failed"] == ["min_documents", "max_duplicate_rate"]
    check = {c["name"]: c for c in report["checks"]}["max_duplicate_rate"]
    assert check == {"name": "max_duplicate_rate", "figure": "duplicate_rate", "value": round(14 / 30, 6),
                     "threshold": 0.3, "passed": False}


def test_label_rates_come_from_the_classifier(records: list[dict]) -> None:
    proc = gate(str(SAMPLE), "--max-rate", "machine_translated=0.05", "--workers", "1")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    result = dedupe.gate(records, max_rates={"machine_translated": 0.05})
    assert report["figures"] == result.figures  # the API and the command give the same figures
    assert report["failed"] == ["max_rate:machine_translated"] == [c.name for c in result.failed]
    assert set(report["figures"]["label_rates"]) == {"syndicated", "machine_translated", "low_quality"}


def test_thresholds_from_the_config_file_and_options_win(tmp_path: Path) -> None:
    config = tmp_path / "gate.toml"
    config.write_text("[gate]\nmax_duplicate_rate = 0.2\n", encoding="utf-8")
    proc = gate(str(SAMPLE), "--no-classify", "--config", str(config))
    assert proc.returncode == 1 and json.loads(proc.stdout)["thresholds"]["max_duplicate_rate"] == 0.2
    proc = gate(str(SAMPLE), "--no-classify", "--config", str(config), "--max-duplicate-rate", "0.9")
    assert proc.returncode == 0 and json.loads(proc.stdout)["thresholds"]["max_duplicate_rate"] == 0.9


def test_the_index_is_checked_but_never_grown(tmp_path: Path) -> None:
    index = tmp_path / "store.sqlite"
    missing = gate(str(SAMPLE), "--no-classify", "--index", str(index))  # no index yet: an empty one
    assert missing.returncode == 0 and json.loads(missing.stdout)["figures"]["index_duplicates"] == 0
    assert not index.exists()
    proc = subprocess.run([sys.executable, "-m", "dedupe", "filter", str(SAMPLE), "-o", str(tmp_path / "k.jsonl"),
                           "--rejects", str(tmp_path / "r.jsonl"), "--no-classify", "--index", str(index), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    before = dedupe.Index.open(index).stats()
    again = gate(str(SAMPLE), "--no-classify", "--index", str(index), "--max-duplicate-rate", "0.5")
    assert again.returncode == 1
    figures = json.loads(again.stdout)["figures"]
    assert figures["duplicate_rate"] == 1.0 and figures["index_duplicates"] == 30
    after = dedupe.Index.open(index).stats()
    assert (after["documents"], after["batches"]) == (before["documents"], before["batches"]) == (16, 1)


@pytest.mark.parametrize("args, message", [
    (["--max-rate", "machine_translated"], "expected LABEL=R"),
    (["--max-rate", "nonsense=0.1"], "unknown label"),
    (["--max-rate", "low_quality=0.1", "--no-classify"], "needs the classifier"),
    (["--max-duplicate-rate", "1.5"], "1.5"),
    (["--min-documents", "-1"], "-1"),
])
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    proc = gate(str(SAMPLE), *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_input_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"broken\n', encoding="utf-8")
    proc = gate(str(bad), "--no-classify")
    assert proc.returncode == 2 and f"{bad}:2: invalid JSON" in proc.stderr and proc.stdout == ""
    proc = gate(str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 2 and "no such file or directory" in proc.stderr
    skipped = gate(str(bad), "--no-classify", "--on-error", "skip")  # counted, not an error
    assert skipped.returncode == 0 and json.loads(skipped.stdout)["figures"]["unreadable"] == 1
