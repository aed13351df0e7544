"""ة folded into ه by default: informal re-posts merge, different articles do not, and an index built
unfolded still opens with one clear line saying how to proceed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import regex

from conftest import FIXTURES, shared_path
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.near import find_clusters, index_settings

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"
GOLD = json.loads((FIXTURES / "sample" / "gold.json").read_text(encoding="utf-8"))


def dedupe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, timeout=600)


def unfolded_config(tmp_path: Path) -> Path:
    path = tmp_path / "unfolded.toml"
    path.write_text("[near]\nta_marbuta = false\n", encoding="utf-8")
    return path


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(shared_path("seeds").glob("*.txt"))]


def test_the_default_folds_and_the_index_settings_say_so():
    near = load_config().near
    assert near.ta_marbuta is True
    assert index_settings(near)["ta_marbuta"] == "true"


def test_an_index_built_unfolded_opens_with_one_clear_line(tmp_path):
    index = tmp_path / "old.sqlite"
    cfg = unfolded_config(tmp_path)
    built = dedupe("filter", str(SAMPLE), "-o", str(tmp_path / "k0.jsonl"), "--rejects", str(tmp_path / "r0.jsonl"),
                   "--index", str(index), "--config", str(cfg), "--no-classify", "--workers", "1", "-q")
    assert built.returncode == 0, built.stderr

    refused = dedupe("filter", str(SAMPLE), "-o", str(tmp_path / "k1.jsonl"), "--rejects", str(tmp_path / "r1.jsonl"),
                     "--index", str(index), "--no-classify", "--workers", "1", "-q")
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
    line = lines[0]
    assert str(index) in line
    assert "built with ta_marbuta=false; this run uses ta_marbuta=true" in line
    assert "--config" in line and "[near] has ta_marbuta = false" in line and "new index path" in line
    assert not (tmp_path / "k1.jsonl").exists() and not (tmp_path / "r1.jsonl").exists()

    again = dedupe("filter", str(SAMPLE), "-o", str(tmp_path / "k2.jsonl"), "--rejects", str(tmp_path / "r2.jsonl"),
                   "--index", str(index), "--config", str(cfg), "--no-classify", "--workers", "1", "-q")
    assert again.returncode == 0, again.stderr
    kept = (tmp_path / "k2.jsonl").read_text(encoding="utf-8")
    assert kept == ""  # every document is already in the index it was built into


def test_gold_clusters_hold_and_seeds_stay_apart_with_the_fold(tmp_path):
    kept, rejects = tmp_path / "k.jsonl", tmp_path / "r.jsonl"
    proc = dedupe("filter", str(SAMPLE), "-o", str(kept), "--rejects", str(rejects), "--no-classify", "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    found: dict[str, set[str]] = {}
    for line in rejects.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        found.setdefault(r["dedupe"]["duplicate_of"], {r["dedupe"]["duplicate_of"]}).add(r["id"])
    assert found == {c["representative_expected"]: set(c["members"]) for c in GOLD["clusters"]}
    for a, b in GOLD["must_not_merge"]:
        assert not any({a, b} <= members for members in found.values()), (a, b)


def _informal(text: str) -> str:
    """Final ة written ه in every word, as many Egyptian sites and forums write it."""
    return regex.sub(r"ة(?=\P{L}|$)", "ه", text)


def test_an_informally_respelled_copy_merges_only_with_the_fold():
    texts = seeds()
    cfg = load_config()
    for fold in (True, False):
        cfg.near.ta_marbuta = fold
        docs = [Document(id=f"seed{i}", text=t, input_order=i) for i, t in enumerate(texts)]
        docs.append(Document(id="repost", text=_informal(texts[2]), input_order=len(texts)))
        find_clusters(docs, cfg.near, cfg.keep_policy)
        assert all(d.duplicate_of is None for d in docs[:5])  # the five seeds are different articles
        assert (docs[-1].duplicate_of == "seed2") is fold
