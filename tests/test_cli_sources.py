"""`dedupe sources`: one row per source, JSONL and CSV, with verdicts."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from conftest import FIXTURES
from dedupe.cli import cli

SOURCES = FIXTURES / "quality" / "sources.jsonl"


def test_sources_jsonl_rows_and_verdicts(tmp_path):
    out = tmp_path / "sources.jsonl"
    result = CliRunner().invoke(cli, ["sources", str(SOURCES), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {"madina-alyawm.com", "naql-feed.net"}
    assert rows["naql-feed.net"]["verdict"] == "syndicator"
    assert rows["madina-alyawm.com"]["verdict"] == "original"
    assert rows["madina-alyawm.com"]["documents"] == 4
    assert {"duplicate_rate", "first_publisher_rate", "p_syndicated", "p_machine_translated", "p_low_quality",
            "top_signals", "verdict"} <= set(rows["naql-feed.net"])
    assert "syndicator" in result.output


def test_sources_csv_and_source_field(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = SOURCES.read_text(encoding="utf-8").splitlines()
    with src.open("w", encoding="utf-8") as fh:
        for i, line in enumerate(lines):
            r = json.loads(line)
            r["outlet"] = "desk-a" if i % 2 == 0 else "desk-b"
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    out = tmp_path / "sources.csv"
    result = CliRunner().invoke(cli, ["sources", str(src), "-o", str(out), "--source-field", "outlet", "-q"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["source"] for r in rows] == ["desk-a", "desk-b"]
    assert rows[1]["verdict"] == "syndicator"
