"""The bundled sample corpus is what its script builds, and its gold covers every document once."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, REPO, shared_path


def test_rebuilding_the_sample_corpus_gives_the_checked_in_bytes(tmp_path):
    seeds = shared_path("seeds")
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_sample_corpus.py"), "--seeds", str(seeds), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in ("corpus.jsonl", "gold.json"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / "sample" / name).read_bytes(), name


def test_gold_names_every_document_exactly_once():
    ids = [json.loads(line)["id"] for line in (FIXTURES / "sample" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = json.loads((FIXTURES / "sample" / "gold.json").read_text(encoding="utf-8"))
    named = [m for c in gold["clusters"] for m in c["members"]] + list(gold["singletons"])
    assert sorted(named) == sorted(ids)
    assert len(set(ids)) == len(ids)
