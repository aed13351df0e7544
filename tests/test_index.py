"""The persistent SQLite index: across runs, settings mismatch, no partial batch after a crash, stats CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

from dedupe import reasons
from dedupe.cli import cli
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.errors import ConfigError
from dedupe.index import open_index
from dedupe.near import band_keys, find_clusters, index_settings
from dedupe.near.settings import lsh_shape
from dedupe.near.signer import Signer
from tests.conftest import shared_path


def cfgs():
    cfg = load_config()
    return cfg.near, cfg.keep_policy


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(shared_path("seeds").glob("*.txt"))]


def test_second_run_finds_duplicates_of_the_first(tmp_path):
    near, keep = cfgs()
    path = tmp_path / "index.sqlite"
    texts = seed_texts()
    with open_index(path, index_settings(near)) as index:
        first = [Document(id=f"seed{i}", text=t, input_order=i) for i, t in enumerate(texts)]
        result = find_clusters(first, near, keep, index)
        assert result.added_to_index == len(texts)
    with open_index(path, index_settings(near)) as index:  # a separate run
        second = [
            Document(id="exact", text=texts[0] + "\n", input_order=0),
            Document(id="near", text="شارك الخبر\n" + texts[3].replace("أ", "ا") + "\nاترك تعليقاً", input_order=1),
            Document(id="new", text=" ".join(f"كلمة{i}" for i in range(80)), input_order=2),
            Document(id="new-again", text=" ".join(f"كلمة{i}" for i in range(80)), input_order=3),
        ]
        result = find_clusters(second, near, keep, index)
        exact, near_doc, new, again = second
        assert exact.duplicate_of == "seed0" and exact.reasons == [reasons.EXACT_DUPLICATE]
        assert near_doc.duplicate_of == "seed3" and near_doc.reasons == [reasons.NEAR_DUPLICATE]
        assert near_doc.cluster.representative == "seed3" and near_doc.cluster.similarity >= near.threshold
        assert new.decision is None and again.duplicate_of == "new"
        assert result.index_duplicates == 2 and result.added_to_index == 1
        assert len(index) == len(texts) + 1


def test_settings_mismatch_is_a_clear_error(tmp_path):
    near, _ = cfgs()
    path = tmp_path / "index.sqlite"
    open_index(path, index_settings(near)).close()
    bands, rows = lsh_shape(near)
    near.num_perm = 256
    bands2, rows2 = lsh_shape(near)
    with pytest.raises(ConfigError, match=rf"built with bands={bands}, num_perm=128, rows={rows}; "
                                          rf"this run uses bands={bands2}, num_perm=256, rows={rows2}"):
        open_index(path, index_settings(near))
    near.num_perm = 128
    near.scheme = "affine64"
    with pytest.raises(ConfigError, match="scheme=affine32"):
        open_index(path, index_settings(near))


def _items(near, texts, ids):
    signer = Signer(near)
    sigs, keys, _ = signer.sign_with_keys(texts)
    bands = band_keys(sigs, *lsh_shape(near))
    return [(ids[i], int(keys[i]), sigs[i], bands[i]) for i in range(len(texts))]


def test_exception_inside_the_batch_leaves_nothing(tmp_path):
    near, _ = cfgs()
    path = tmp_path / "index.sqlite"
    items = _items(near, seed_texts(), [f"s{i}" for i in range(5)])
    with open_index(path, index_settings(near)) as index:
        index.add_batch(items[:2])

        def failing():
            yield from items[2:4]
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            index.add_batch(failing())
        assert len(index) == 2
        assert index.stats()["batches"] == 1
        assert index.lookup_exact(np.array([items[2][1]], dtype=np.uint64)) == {}


def test_killed_process_leaves_no_partial_batch(tmp_path):
    near, _ = cfgs()
    path = tmp_path / "index.sqlite"
    with open_index(path, index_settings(near)) as index:
        index.add_batch(_items(near, seed_texts()[:1], ["first"]))
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        from dedupe.config import load_config
        from dedupe.index import open_index
        from dedupe.near import index_settings
        from tests.test_index import _items, seed_texts
        near = load_config().near
        items = _items(near, seed_texts(), ["a", "b", "c", "d", "e"])
        index = open_index({str(path)!r}, index_settings(near))
        def dying():
            yield from items[:3]
            os.kill(os.getpid(), signal.SIGKILL)  # after 3 of 5 rows, before the commit
            yield from items[3:]
        index.add_batch(dying())
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=os.getcwd())
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with open_index(path, index_settings(near)) as index:
        assert len(index) == 1
        assert index.stats()["batches"] == 1
        index.add_batch(_items(near, seed_texts()[1:2], ["after"]))  # still writable
        assert len(index) == 2


def test_query_finds_indexed_candidates(tmp_path):
    near, _ = cfgs()
    items = _items(near, seed_texts(), [f"s{i}" for i in range(5)])
    with open_index(tmp_path / "i.sqlite", index_settings(near)) as index:
        index.add_batch(items)
        found = index.query(np.stack([it[3] for it in items]))
        docs = index.documents(n for cands in found for n in cands)
        for i, cands in enumerate(found):
            assert [docs[n].doc_id for n in cands] == [f"s{i}"]
            assert np.array_equal(docs[cands[0]].signature, items[i][2])


def test_stats_command(tmp_path):
    near, _ = cfgs()
    path = tmp_path / "index.sqlite"
    with open_index(path, index_settings(near)) as index:
        index.add_batch(_items(near, seed_texts(), [f"s{i}" for i in range(5)]))
    result = CliRunner().invoke(cli, ["index", "stats", str(path)])
    assert result.exit_code == 0, result.output
    assert "documents  5" in result.output
    bands, rows = lsh_shape(near)
    assert "num_perm = 128" in result.output and f"bands = {bands}" in result.output and f"rows = {rows}" in result.output
    assert "normaliser_version = " in result.output
    size = int(result.output.split("size")[1].split("bytes")[0].replace(",", "").strip())
    assert size > 0


def test_stats_of_a_missing_index_is_an_error(tmp_path):
    result = CliRunner().invoke(cli, ["index", "stats", str(tmp_path / "nope.sqlite")])
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError) and "no index here" in str(result.exception)
    assert not (tmp_path / "nope.sqlite").exists()


def test_stats_of_a_file_that_is_not_an_index(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_text("hello, not a database\n" * 100)
    result = CliRunner().invoke(cli, ["index", "stats", str(path)])
    assert isinstance(result.exception, ConfigError) and "not a dedupe index" in str(result.exception)


def test_exact_copies_in_batch_of_an_indexed_doc_all_point_at_it(tmp_path):
    near, keep = cfgs()
    texts = seed_texts()
    with open_index(tmp_path / "i.sqlite", index_settings(near)) as index:
        find_clusters([Document(id="orig", text=texts[4], input_order=0)], near, keep, index)
        batch = [Document(id=f"c{i}", text=texts[4] + " " * i, input_order=i) for i in range(3)]
        result = find_clusters(batch, near, keep, index)
        assert [d.duplicate_of for d in batch] == ["orig"] * 3
        assert all(d.reasons == [reasons.EXACT_DUPLICATE] for d in batch)
        assert {d.cluster.size for d in batch} == {4} and result.added_to_index == 0
        assert len(index) == 1


def test_update_index_false_leaves_the_index_alone(tmp_path):
    near, keep = cfgs()
    with open_index(tmp_path / "i.sqlite", index_settings(near)) as index:
        result = find_clusters([Document(id="x", text=seed_texts()[0])], near, keep, index, update_index=False)
        assert result.added_to_index == 0 and len(index) == 0


def test_an_unrelated_sqlite_file_is_left_alone(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    near, _ = cfgs()
    with pytest.raises(ConfigError, match="not a dedupe index"):
        open_index(path, index_settings(near))
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_bucket_lookups_equal_a_plain_scan_of_what_was_added(tmp_path) -> None:
    """Band keys drawn from a tiny range so buckets are shared often: every row gets exactly the
    indexed documents with which it shares a key, ascending, each once (also across two batches)."""
    near, _ = cfgs()
    bands, rows = lsh_shape(near)
    rng = np.random.default_rng(5)
    added = rng.integers(0, 40, size=(60, bands), dtype=np.uint64)
    added[:, 0] |= np.uint64(1 << 63)  # keys with the top bit set (negative in SQLite) too
    sig = np.zeros(near.num_perm, dtype=np.uint64)
    with open_index(tmp_path / "i.sqlite", index_settings(near)) as index:
        assert index.is_empty()
        index.add_batch((f"a{i}", i, sig, added[i], 10) for i in range(30))
        index.add_batch((f"a{i}", i, sig, added[i], 10) for i in range(30, 60))
        assert not index.is_empty() and len(index) == 60
        queries = rng.integers(0, 60, size=(25, bands), dtype=np.uint64)
        queries[:, 0] |= np.uint64(1 << 63)
        queries[3] = np.uint64(10**6)  # shares nothing
        got = index.query(queries)
        numbers = {doc.doc_id: n for n, doc in index.documents(range(1, 61)).items()}
    want = [sorted(numbers[f"a{i}"] for i in range(60) if set(added[i].tolist()) & set(q.tolist())) for q in queries]
    assert got == want and got[3] == [] and any(len(g) > 3 for g in got)
