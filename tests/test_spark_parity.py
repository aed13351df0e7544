"""The Spark engine in a real local session gives the local engine's outputs, byte for byte.

One shared session (local[2], 4 shuffle partitions) for every Spark test. Inputs: the sample
corpus, and a corpus of a few thousand documents generated from ../shared/data as
benchmarks/corpus.py builds it (copies with chrome, new headlines, dropped paragraphs, respellings).
Skipped when Java or pyspark is missing, unless DEDUPE_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, shared_path

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def _require(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("DEDUPE_REQUIRE_SHARED") == "1":
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="session")
def spark():
    _require(shutil.which("java") is not None, "java is not installed: Spark needs it (scripts/system-deps.sh installs it)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _require(False, "pyspark is not installed (pip install -e '.[test]')")
    from dedupe.engines.spark import SparkSettings, session

    spark = session("local[2]", SparkSettings(shuffle_partitions=4))
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """3,000 documents from real Arabic sentences, 20% near-duplicates, on 40 sites."""
    shared_path("data", "arabic-news", "articles.jsonl")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from corpus import CorpusGenerator, site_url
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    path = tmp_path_factory.mktemp("spark") / "generated.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for rec in CorpusGenerator(3000, dup_rate=0.2, seed=7):
            out.write(json.dumps({"id": rec["id"], "url": site_url(rec["id"]), "published": rec["published"],
                                  "text": rec["text"]}, ensure_ascii=False) + "\n")
    return path


def _cli(*args: str) -> str:
    from dedupe.cli import cli

    result = CliRunner().invoke(cli, [*args, "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _sorted_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted(lines, key=lambda line: json.loads(line)["dedupe"]["id"])


def _filter_both(tmp_path: Path, corpus: Path, *extra: str) -> dict[str, tuple[bytes, bytes]]:
    out = {}
    for engine in ("local", "spark"):
        kept, rejects = tmp_path / f"{engine}-kept.jsonl", tmp_path / f"{engine}-rejects.jsonl"
        _cli("filter", str(corpus), "-o", str(kept), "--rejects", str(rejects), "--engine", engine, *extra)
        out[engine] = (kept, rejects)
    return out


def _assert_same(out: dict) -> tuple[list[str], list[str]]:
    (lk, lr), (sk, sr) = out["local"], out["spark"]
    assert _sorted_lines(sk) == _sorted_lines(lk)
    assert _sorted_lines(sr) == _sorted_lines(lr)
    assert sk.read_bytes() == lk.read_bytes() and sr.read_bytes() == lr.read_bytes()  # input order too
    return _sorted_lines(lk), _sorted_lines(lr)


def test_sample_corpus_filter_same_as_local(spark, tmp_path):
    kept, rejected = _assert_same(_filter_both(tmp_path, SAMPLE))
    assert kept and rejected  # both outputs have documents: the comparison is not vacuous
    labels = [json.loads(line)["dedupe"]["labels"] for line in kept]
    assert all(set(lab) == {"syndicated", "machine_translated", "low_quality"} for lab in labels)


def test_sample_corpus_clusters_and_sources_same_as_local(spark, tmp_path):
    for command in ("clusters", "sources"):
        local, remote = tmp_path / f"{command}-local.jsonl", tmp_path / f"{command}-spark.jsonl"
        _cli(command, str(SAMPLE), "-o", str(local))
        _cli(command, str(SAMPLE), "-o", str(remote), "--engine", "spark")
        assert remote.read_bytes() == local.read_bytes()
        assert local.read_bytes()


def test_generated_corpus_same_ids_clusters_and_labels(spark, tmp_path, generated):
    kept, rejected = _assert_same(_filter_both(tmp_path, generated))
    reasons = {r for line in rejected for r in json.loads(line)["dedupe"]["reasons"]}
    assert {"near_duplicate"} <= reasons  # the corpus has copies, and both engines found the same ones
    stripped = sum("chrome:learned" in json.loads(line)["dedupe"]["signals"] for line in kept + rejected)
    assert stripped  # learned chrome counted by DataFrame aggregations strips what the local engine strips
    local, remote = tmp_path / "clusters-local.jsonl", tmp_path / "clusters-spark.jsonl"
    _cli("clusters", str(generated), "-o", str(local))
    _cli("clusters", str(generated), "-o", str(remote), "--engine", "spark")
    assert remote.read_bytes() == local.read_bytes()


def test_large_star_small_star_gives_the_union_find_components(spark):
    """A graph with long chains (many rounds), stars and random links: both methods, one answer."""
    import pyarrow as pa

    from dedupe.engines.spark_graph import components

    rng = random.Random(3)
    edges = [(k, k + 1) for k in range(0, 400) if k % 100 != 99]  # four chains of 100
    edges += [(1000, 1000 + k) for k in range(1, 50)]  # a star
    edges += [(rng.randrange(2000, 3000), rng.randrange(2000, 3000)) for _ in range(600)]
    edges = [(a, b) for a, b in edges if a != b]
    frame = spark.createDataFrame(pa.table({"a": [a for a, _ in edges], "b": [b for _, b in edges]}))
    found = components(frame, driver_max_edges=10**9, max_rounds=40)
    stars = components(frame, driver_max_edges=10**9, max_rounds=40, force_stars=True)
    assert (found.method, stars.method) == ("union-find", "large-star/small-star")
    assert stars.rounds > 1
    as_dict = lambda c: dict(c.frame.select("node", "component").collect())  # noqa: E731
    assert as_dict(stars) == as_dict(found)
    assert len(set(as_dict(found).values())) > 5
