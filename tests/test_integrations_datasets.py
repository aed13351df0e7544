"""dedupe over a Hugging Face Dataset: `Dataset.map` over batches against a persistent index, then `filter`."""

from __future__ import annotations

import json
from pathlib import Path

from datasets import Dataset

import dedupe
from conftest import FIXTURES
from dedupe.integrations.hf_datasets import dedupe_columns

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def test_map_over_batches_then_filter_keeps_what_the_filter_keeps(tmp_path: Path) -> None:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    ds = Dataset.from_list(records)
    ds = ds.map(dedupe_columns(index=str(tmp_path / "store.sqlite")), batched=True, batch_size=8,
                load_from_cache_file=False)
    kept = ds.filter(lambda row: row["dedupe_decision"] == "keep", load_from_cache_file=False)

    # the same batches through dedupe.filter: each checked against the documents kept before it
    expected = list(dedupe.filter(records, dedupe.Config.from_dict({"filter": {"batch_docs": 8}}), classify=False))
    assert ds["dedupe_decision"] == [d.decision for d in expected]
    assert kept["id"] == [d.id for d in expected if d.decision == "keep"]
    assert kept["text"] == [d.text for d in expected if d.decision == "keep"]  # cleaned text
    assert 0 < len(kept) < len(ds) == 30
    assert ds["dedupe_duplicate_of"] == [d.duplicate_of or "" for d in expected]
    assert ds["dedupe_reasons"] == [d.reasons for d in expected]


def test_a_second_pass_over_the_same_rows_rejects_them_all(tmp_path: Path) -> None:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    annotate = dedupe_columns(index=str(tmp_path / "store.sqlite"))
    ds = Dataset.from_list(records)
    first = ds.map(annotate, batched=True, batch_size=10, load_from_cache_file=False)
    again = ds.map(annotate, batched=True, batch_size=10, load_from_cache_file=False)
    assert "keep" in first["dedupe_decision"]
    assert set(again["dedupe_decision"]) == {"reject"}
