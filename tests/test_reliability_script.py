"""scripts/reliability.py: the reliability table and curves of held-out probabilities per language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import reliability  # noqa: E402


def test_bins_ece_and_languages_from_a_predictions_file(tmp_path: Path) -> None:
    rows = []
    # English: perfectly calibrated at 0.1 and 0.9; Arabic: says 0.9 but only half are positive
    for i in range(60):
        rows.append({"lang": "en", "targets": {"mt": int(i % 10 == 0)}, "held_out": {"mt": 0.1}})
        rows.append({"lang": "en", "targets": {"mt": int(i % 10 != 0)}, "held_out": {"mt": 0.9}})
        rows.append({"lang": "ar", "targets": {"mt": i % 2}, "held_out": {"mt": 0.9}})
    rows.append({"lang": "fa", "targets": {"mt": None}, "held_out": {"mt": 0.5}})  # unlabelled: not read
    path = tmp_path / "held.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    model = reliability.load(path)
    assert set(model["mt"]) == {"en", "ar", "all"} and len(model["mt"]["all"][0]) == 180
    en = reliability.reliability(*model["mt"]["en"], bins=5)
    assert [(n, round(p, 9), round(o, 9)) for n, p, o in en] == [(60, 0.1, 0.1), (60, 0.9, 0.9)]
    assert abs(reliability.ece(en)) < 1e-9
    ar = reliability.reliability(*model["mt"]["ar"], bins=5)
    assert [(n, round(p, 9), o) for n, p, o in ar] == [(60, 0.9, 0.5)] and abs(reliability.ece(ar) - 0.4) < 1e-9
    assert reliability.chosen(model["mt"], min_rows=50) == ["all", "en", "ar"]

    svg = tmp_path / "curves.svg"
    proc = subprocess.run([sys.executable, str(REPO / "scripts/reliability.py"), str(path), "--svg", str(svg)],
                          capture_output=True, text=True, check=True)
    assert "| ar | 60 | 30 | 0.400 |" in proc.stdout and "| en | 120 | 60 | 0.000 |" in proc.stdout
    assert svg.read_text(encoding="utf-8").startswith("<svg") and "ar: 60 rows, ECE 0.400" in svg.read_text()


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts/reliability.py"), str(tmp_path / "none.jsonl")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "none.jsonl" in proc.stderr
