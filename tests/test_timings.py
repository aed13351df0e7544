"""Seconds per stage of a filter run: the clock's arithmetic, and the report carrying every stage."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.timings import STAGES, StageClock


def test_laps_add_up_per_stage_and_shares_split_one_wall_time():
    clock = StageClock()
    clock.start()
    clock.lap("sign")
    clock.lap("sign")
    clock.lap_shares({"language": 3.0, "strip": 1.0})
    clock.add("match", 2.0)
    s = clock.seconds
    assert set(STAGES) <= set(s) and s["match"] == 2.0
    assert s["sign"] >= 0.0 and s["language"] >= 0.0
    assert abs(s["language"] - 3 * s["strip"]) < 1e-12  # split 3:1, whatever the wall time was


def test_shares_of_nothing_split_evenly():
    clock = StageClock()
    clock.start()
    clock.lap_shares({"language": 0.0, "strip": 0.0})
    assert clock.seconds["language"] == clock.seconds["strip"]


def test_iterate_yields_every_item_and_counts_the_producer():
    clock = StageClock()
    assert list(clock.iterate(iter(range(5)), "read")) == [0, 1, 2, 3, 4]
    assert clock.seconds["read"] >= 0.0


def test_filter_report_has_the_seconds_of_every_stage(tmp_path):
    corpus = tmp_path / "in.jsonl"
    words = " ".join(f"word{i}" for i in range(60))
    rows = [{"id": "a", "text": words}, {"id": "b", "text": words + " end"}, {"id": "c", "text": "other text " * 30}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["filter", str(corpus), "-o", str(tmp_path / "k.jsonl"), "--rejects",
                                      str(tmp_path / "r.jsonl"), "--report", str(report), "--workers", "1",
                                      "--no-classify", "-q"])
    assert result.exit_code == 0, result.output
    timings = json.loads(report.read_text(encoding="utf-8"))["timings"]
    assert list(timings) == list(STAGES)
    assert all(isinstance(v, float) and v >= 0.0 for v in timings.values())
