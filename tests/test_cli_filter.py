"""`dedupe filter` and `dedupe clusters` end to end, as a user runs them (real files, real SQLite index)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_path
from dedupe.config import load_config
from dedupe.near.settings import lsh_shape
from dedupe.text import normalise, tokens, word_shingles

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"
GOLD = json.loads((FIXTURES / "sample" / "gold.json").read_text(encoding="utf-8"))
SAMPLE_IDS = [json.loads(line)["id"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def dedupe(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_filter(tmp_path: Path, *extra: str, inputs: tuple[str, ...] = (str(SAMPLE),), name: str = "run"):
    kept, rejects = tmp_path / f"{name}-kept.jsonl", tmp_path / f"{name}-rejects.jsonl"
    proc = dedupe("filter", *inputs, "-o", str(kept), "--rejects", str(rejects), "--quiet", *extra)
    return proc, kept, rejects


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The sample corpus through the default filter (classifier on), with a report and an index."""
    tmp = tmp_path_factory.mktemp("filter")
    proc, kept, rejects = run_filter(tmp, "--workers", "1", "--report", str(tmp / "report.json"),
                                     "--index", str(tmp / "index.sqlite"))
    assert proc.returncode == 0, proc.stderr
    return proc, read_jsonl(kept), read_jsonl(rejects), json.loads((tmp / "report.json").read_text()), tmp


def _shingles(text: str) -> set[str]:
    return set(word_shingles(tokens(normalise(text)), 5))


def test_every_document_lands_in_exactly_one_output(sample_run) -> None:
    _, kept, rejects, report, _ = sample_run
    kept_ids, rejected_ids = [r["id"] for r in kept], [r["id"] for r in rejects]
    assert sorted(kept_ids + rejected_ids) == sorted(SAMPLE_IDS)
    assert not set(kept_ids) & set(rejected_ids)
    assert all(r["dedupe"]["decision"] == "reject" and r["dedupe"]["reasons"] for r in rejects)
    assert all(r["dedupe"]["decision"] == "keep" for r in kept)
    summary = report["summary"]
    assert (summary["documents"], summary["kept"], summary["rejected"]) == (len(SAMPLE_IDS), len(kept), len(rejects))
    assert sum(summary["reasons"].values()) >= len(rejects)


def test_clusters_are_exactly_the_gold_clusters(sample_run) -> None:
    """Every re-post (other chrome, new headline, dropped paragraph, spelling variants, a copy
    truncated to 65 % that only containment finds) joins its original's cluster, under the
    representative the keep policy must choose; nothing else is merged."""
    _, kept, rejects, _, _ = sample_run
    by_id = {r["id"]: r for r in kept + rejects}
    found: dict[str, set[str]] = {}
    for r in rejects:
        found.setdefault(r["dedupe"]["duplicate_of"], {r["dedupe"]["duplicate_of"]}).add(r["id"])
    gold = {c["representative_expected"]: set(c["members"]) for c in GOLD["clusters"]}
    assert found == gold
    for rep in gold:
        assert by_id[rep]["dedupe"]["decision"] == "keep"
    truncated = by_id["seed-001-re3"]["dedupe"]["cluster"]
    # exact 5-gram Jaccard 0.61, under the threshold (the 128-slot estimate may land either side of it)
    assert _jaccard(by_id["seed-001-re3"]["text"], by_id["seed-001"]["text"]) < 0.7 <= 0.9 <= truncated["containment"]


def _jaccard(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_similarities_recorded_are_close_to_the_exact_jaccard(sample_run) -> None:
    _, kept, rejects, _, _ = sample_run
    by_id = {r["id"]: r for r in kept + rejects}
    for r in rejects:
        exact = _jaccard(r["text"], by_id[r["dedupe"]["duplicate_of"]]["text"])
        assert abs(r["dedupe"]["cluster"]["similarity"] - exact) < 0.12, r["id"]


def test_the_five_seeds_are_never_merged(sample_run) -> None:
    _, kept, rejects, _, _ = sample_run
    cluster_of = {r["id"]: r["dedupe"]["cluster"]["id"] for r in kept + rejects}
    for a, b in GOLD["must_not_merge"]:
        assert cluster_of[a] != cluster_of[b], (a, b)
    assert len({cluster_of[f"seed-00{i}"] for i in range(5)}) == 5


def test_exact_copy_is_an_exact_duplicate_and_records_say_which(sample_run) -> None:
    _, _, rejects, _, _ = sample_run
    copy = next(r for r in rejects if r["id"] == "news-06-copy")
    assert copy["dedupe"]["reasons"] == ["exact_duplicate"]
    assert copy["dedupe"]["duplicate_of"] == "news-06"
    assert copy["dedupe"]["cluster"]["representative"] == "news-06"


def test_labels_are_marked_but_reject_nothing_by_default(sample_run) -> None:
    _, kept, rejects, _, _ = sample_run
    assert all(set(r["dedupe"]["labels"]) == {"syndicated", "machine_translated", "low_quality"} for r in kept + rejects)
    assert not any(reason.startswith("label:") for r in rejects for reason in r["dedupe"]["reasons"])


def test_summary_and_report_say_what_happened(sample_run) -> None:
    proc, _, rejects, report, _ = sample_run
    n_clusters = len({r["dedupe"]["duplicate_of"] for r in rejects})
    assert f"clusters: {n_clusters} with {len(rejects)} duplicates" in proc.stdout
    bands, rows = lsh_shape(load_config().near)  # derived from the threshold as datasketch does
    assert f"LSH: {bands} bands x {rows} rows; duplicate at Jaccard 0.7 or containment 0.9" in proc.stdout
    assert report["near"]["bands"] == bands and report["near"]["rows"] == rows
    assert report["clusters"]["count"] == n_clusters
    largest = report["clusters"]["largest"][0]
    assert largest["size"] == 1 + len(largest["members"])


def test_index_across_two_runs(sample_run, tmp_path) -> None:
    """The second run over the same corpus finds every document in the index built by the first."""
    _, kept, _, _, tmp = sample_run
    index = tmp / "index.sqlite"
    stats = dedupe("index", "stats", str(index), "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == len(kept)
    proc, kept2, rejects2 = run_filter(tmp_path, "--no-classify", "--index", str(index))
    assert proc.returncode == 0, proc.stderr
    assert read_jsonl(kept2) == []
    second = read_jsonl(rejects2)
    assert len(second) == len(SAMPLE_IDS)
    kept_ids = {r["id"] for r in kept}
    for r in second:
        assert r["dedupe"]["duplicate_of"] in kept_ids
    assert json.loads(dedupe("index", "stats", str(index), "--json").stdout)["documents"] == len(kept)


def test_index_built_with_other_settings_is_a_clear_error(sample_run, tmp_path) -> None:
    _, _, _, _, tmp = sample_run
    config = tmp_path / "other.toml"
    config.write_text("[near]\nngram = 4\n")
    proc, kept, _ = run_filter(tmp_path, "--no-classify", "--config", str(config), "--index", str(tmp / "index.sqlite"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "index.sqlite" in lines[0] and "index was built with" in lines[0]
    assert not kept.exists()


def _corpus_with_arabic_news(tmp_path: Path) -> Path:
    news = shared_path("data", "arabic-news", "articles.jsonl")
    both = tmp_path / "corpus.jsonl"
    both.write_bytes(SAMPLE.read_bytes() + news.read_bytes())
    return both


SMALL_BATCHES = """
[workers]
min_parallel_docs = 8
chunk_docs = 5
[filter]
batch_docs = 40
"""


def test_workers_give_byte_identical_output(tmp_path) -> None:
    """Four batches (copies reach across them through the run's index), chunks spread over 2 processes."""
    corpus = _corpus_with_arabic_news(tmp_path)
    config = tmp_path / "small.toml"
    config.write_text(SMALL_BATCHES)
    outputs = []
    for workers in ("1", "2"):
        proc, kept, rejects = run_filter(tmp_path, "--config", str(config), "--workers", workers,
                                         inputs=(str(corpus),), name=f"w{workers}")
        assert proc.returncode == 0, proc.stderr
        outputs.append((kept.read_bytes(), rejects.read_bytes()))
    assert outputs[0] == outputs[1]
    kept_records = [json.loads(line) for line in outputs[0][0].decode().splitlines()]
    rejected = [json.loads(line) for line in outputs[0][1].decode().splitlines()]
    assert len(kept_records) + len(rejected) == len(corpus.read_text(encoding="utf-8").splitlines())
    # batches of 40 split the sample's clusters; copies are still caught against earlier batches
    dupes = {r["id"] for r in rejected if r["dedupe"]["reasons"][0] in ("near_duplicate", "exact_duplicate")}
    assert {"news-06-copy", "seed-000-re1", "seed-004-re2"} <= dupes


def test_run_killed_half_way_leaves_index_and_outputs_untouched(tmp_path) -> None:
    corpus = _corpus_with_arabic_news(tmp_path)
    config = tmp_path / "small.toml"
    config.write_text(SMALL_BATCHES.replace("batch_docs = 40", "batch_docs = 10"))
    index = tmp_path / "index.sqlite"
    first, _, _ = run_filter(tmp_path, "--no-classify", "--index", str(index), name="first")
    assert first.returncode == 0, first.stderr
    before = json.loads(dedupe("index", "stats", str(index), "--json").stdout)["documents"]

    kept, rejects = tmp_path / "killed-kept.jsonl", tmp_path / "killed-rejects.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "dedupe", "filter", "-", "--config", str(config),
                             "--workers", "1", "--index", str(index), "-o", str(kept), "--rejects", str(rejects)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = corpus.read_bytes().splitlines(keepends=True)
    proc.stdin.write(b"".join(lines[: len(lines) // 2]))  # half the input: several batches are checked and added
    proc.stdin.flush()
    time.sleep(8)  # the run cannot end: its stdin is still open
    assert proc.poll() is None, proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not kept.exists() and not rejects.exists()
    assert json.loads(dedupe("index", "stats", str(index), "--json").stdout)["documents"] == before

    leftovers = sorted(p.name for p in tmp_path.glob(".killed-*.tmp"))
    assert len(leftovers) == 2 and all(f".{proc.pid}." in name for name in leftovers)  # hidden, named by process

    again, kept2, rejects2 = run_filter(tmp_path, "--no-classify", "--config", str(config), "--index", str(index),
                                        inputs=(str(corpus),), name="killed")
    assert again.returncode == 0, again.stderr
    assert list(tmp_path.glob(".killed-*.tmp")) == []  # the next write of the same targets swept them
    total = len(read_jsonl(kept2)) + len(read_jsonl(rejects2))
    assert total == len(corpus.read_text(encoding="utf-8").splitlines())


def test_reject_label_moves_documents_to_rejects(tmp_path) -> None:
    proc, kept, rejects = run_filter(tmp_path, "--workers", "1", "--reject-label", "machine_translated=0.5")
    assert proc.returncode == 0, proc.stderr
    rejected = read_jsonl(rejects)
    by_label = [r for r in rejected if "label:machine_translated" in r["dedupe"]["reasons"]]
    assert by_label
    assert all(r["dedupe"]["labels"]["machine_translated"] >= 0.5 for r in by_label)
    assert all(r["dedupe"]["labels"]["machine_translated"] < 0.5 for r in read_jsonl(kept))
    assert "rejected label:machine_translated:" in proc.stdout


@pytest.mark.parametrize("spec, message", [
    ("poetry=0.5", "unknown label 'poetry'"),
    ("low_quality=high", "is not a number"),
    ("low_quality=1.5", "between 0 and 1"),
])
def test_bad_reject_label_is_one_line(tmp_path, spec: str, message: str) -> None:
    proc, kept, _ = run_filter(tmp_path, "--reject-label", spec)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr and not kept.exists()


def test_reject_label_without_classifier_is_refused(tmp_path) -> None:
    proc, _, _ = run_filter(tmp_path, "--no-classify", "--reject-label", "low_quality")
    assert proc.returncode == 2 and "needs the classifier" in proc.stderr


def test_bad_record_fails_whole_run_or_goes_to_rejects(tmp_path) -> None:
    corpus = tmp_path / "bad.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join(lines[:3] + ['{"id": "broken", "text": '] + lines[3:]) + "\n", encoding="utf-8")
    proc, kept, rejects = run_filter(tmp_path, "--no-classify", inputs=(str(corpus),))
    assert proc.returncode == 2
    assert f"{corpus}:4" in proc.stderr and proc.stderr.count("\n") == 1
    assert not kept.exists() and not rejects.exists()

    proc, kept, rejects = run_filter(tmp_path, "--no-classify", "--on-error", "skip", inputs=(str(corpus),))
    assert proc.returncode == 0, proc.stderr
    rejected = read_jsonl(rejects)
    unreadable = [r for r in rejected if r["dedupe"]["reasons"] == ["unreadable"]]
    assert len(unreadable) == 1 and unreadable[0]["dedupe"]["where"].endswith(":4")
    assert len(read_jsonl(kept)) + len(rejected) == len(lines) + 1


def test_clusters_command_writes_one_line_per_cluster(sample_run, tmp_path) -> None:
    _, _, rejects, _, _ = sample_run
    out = tmp_path / "clusters.jsonl"
    proc = dedupe("clusters", str(SAMPLE), "-o", str(out), "--workers", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    clusters = read_jsonl(out)
    expected: dict[str, set[str]] = {}
    for r in rejects:
        expected.setdefault(r["dedupe"]["duplicate_of"], set()).add(r["id"])
    assert {c["cluster"]: {m["id"] for m in c["members"]} for c in clusters} == expected
    for c in clusters:
        assert c["size"] == 1 + len(c["members"])
        assert c["representative"]["id"] == c["cluster"]
        for m in c["members"]:
            assert m["similarity"] >= 0.7 or (m["containment"] >= 0.9), m
            assert m["reason"] in ("near_duplicate", "exact_duplicate")
    csv_out = tmp_path / "clusters.csv"
    assert dedupe("clusters", str(SAMPLE), "-o", str(csv_out), "--quiet").returncode == 0
    assert csv_out.read_text(encoding="utf-8").splitlines()[0] == "cluster,size,representative,members"


def test_kept_and_rejects_must_be_two_outputs(tmp_path) -> None:
    same = str(tmp_path / "all.jsonl")
    proc = dedupe("filter", str(SAMPLE), "-o", same, "--rejects", same, "--no-classify")
    assert proc.returncode == 2 and "two different outputs" in proc.stderr
    assert not Path(same).exists()


def test_stdout_output_moves_the_summary_to_stderr(tmp_path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    proc = dedupe("filter", str(SAMPLE), "-o", "-", "--rejects", str(rejects), "--no-classify", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    kept = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(kept) + len(read_jsonl(rejects)) == len(SAMPLE_IDS)
    assert "documents: 30" in proc.stderr


def test_clusters_across_small_batches_agree_with_the_rejects(tmp_path) -> None:
    """With batches of 4, clusters grow across batches; the report's largest ones match the rejects file."""
    report = tmp_path / "report.json"
    proc, _, rejects = run_filter(tmp_path, "--no-classify", "--batch-docs", "4", "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    members: dict[str, list[str]] = {}
    for r in read_jsonl(rejects):
        members.setdefault(r["dedupe"]["duplicate_of"], []).append(r["id"])
    largest = json.loads(report.read_text(encoding="utf-8"))["clusters"]["largest"]
    assert json.loads(report.read_text(encoding="utf-8"))["clusters"]["count"] == len(members)
    assert [c["size"] for c in largest] == sorted((1 + len(m) for m in members.values()), reverse=True)[: len(largest)]
    for c in largest:
        assert [m["id"] for m in c["members"]] == members[c["cluster"]]  # input order, batch after batch
    assert any(c["representative"].get("earlier") for c in largest)  # some representative sat in an earlier batch
    assert f"clusters: {len(members)} with {sum(map(len, members.values()))} duplicates" in proc.stdout
