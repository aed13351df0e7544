"""dedupe as a datatrove pipeline step, run by datatrove's own executor, JSONL reader and writers on local files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from conftest import FIXTURES
from dedupe.integrations.datatrove import DedupeFilter

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def _read(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    return rows


def _run(tmp_path: Path, name: str, **step: object) -> tuple[list[dict], list[dict]]:
    kept, rejected = tmp_path / name / "kept", tmp_path / name / "rejected"
    pipeline = [
        JsonlReader(str(SAMPLE.parent), glob_pattern="corpus.jsonl"),
        DedupeFilter(exclusion_writer=JsonlWriter(str(rejected)), **step),
        JsonlWriter(str(kept)),
    ]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, logging_dir=str(tmp_path / name / "logs")).run()
    return _read(kept), _read(rejected)


def test_the_step_keeps_what_dedupe_filter_keeps(tmp_path: Path) -> None:
    import dedupe

    kept, rejected = _run(tmp_path, "run", classify=False)
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    expected = {d.id: d for d in dedupe.filter(records, classify=False)}
    assert len(kept) + len(rejected) == len(records) == 30
    assert sorted(r["id"] for r in kept) == sorted(i for i, d in expected.items() if d.decision == "keep")
    for row in rejected:
        assert row["metadata"]["filter_reason"] == expected[row["id"]].reasons[0]
        assert row["metadata"]["dedupe"]["decision"] == "reject"
    for row in kept:
        assert row["text"] == expected[row["id"]].text  # boilerplate stripped as the CLI strips it
        assert row["metadata"]["dedupe"]["decision"] == "keep"
    assert {r["metadata"]["dedupe"]["reasons"][0] for r in rejected} == {"exact_duplicate", "near_duplicate"}


def test_the_step_checks_and_grows_a_persistent_index(tmp_path: Path) -> None:
    index = tmp_path / "store.sqlite"
    first_kept, _ = _run(tmp_path, "first", classify=False, index=str(index))
    again_kept, again_rejected = _run(tmp_path, "again", classify=False, index=str(index))
    assert first_kept and not again_kept  # the second pass finds everything in the index
    assert len(again_rejected) == 30
