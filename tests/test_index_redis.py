"""The shared Redis index against a real redis-server started here: settings, parity with SQLite,
concurrent workers that never keep a story twice, killed workers, server restarts, stats."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedupe import reasons
from dedupe.cli import cli
from dedupe.config import load_config
from dedupe.errors import ConfigError, DedupeError
from dedupe.index import IndexConflict, RedisIndex, open_index
from dedupe.near import band_keys, find_clusters, index_settings
from dedupe.near.claims import recheck_kept
from dedupe.near.settings import lsh_shape
from dedupe.near.signer import Signer
from dedupe.near.verify import Similarity
from tests.conftest import FIXTURES, REPO, shared_path
from tests.test_index import _items, cfgs, seed_texts

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def _need(what: str, ok: bool) -> None:
    """Skip with the reason when something the tests need is missing; fail under DEDUPE_REQUIRE_SHARED=1."""
    if ok:
        return
    message = f"{what} is missing: install it with scripts/system-deps.sh and `pip install -e '.[test]'`"
    if os.environ.get("DEDUPE_REQUIRE_SHARED") == "1":
        pytest.fail(message)
    pytest.skip(message)


class RedisServer:
    """One redis-server on 127.0.0.1, AOF on, no RDB snapshots, its data in `folder`."""

    def __init__(self, folder: Path, fsync: str = "everysec") -> None:
        self.folder = folder
        self.fsync = fsync
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        import redis

        self.log = open(self.folder / "redis.log", "ab")
        self.proc = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", self.fsync, "--save", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port)
        for _ in range(400):  # up to 20 s for the server to load its AOF and answer
            if self.proc.poll() is not None:
                pytest.fail(f"redis-server exited: {(self.folder / 'redis.log').read_text(errors='replace')[-500:]}")
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer within 20 s")
        client.close()
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None
        self.log.close()

    def url(self, name: str | None = None, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}" + (f"?name={name}" if name else "")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    try:
        import redis  # noqa: F401
        have_client = True
    except ImportError:
        have_client = False
    _need("the redis Python package", have_client)
    _need("redis-server", shutil.which("redis-server") is not None)
    srv = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield srv
    srv.stop()


@pytest.fixture
def url(server) -> str:
    """A fresh index (its own key prefix) on the module's server."""
    return server.url(name=f"t{uuid.uuid4().hex[:12]}")


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, cwd=cwd)


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def _indexed_ids(url: str) -> list[str]:
    """Every document id stored in the Redis index at `url`, in commit order."""
    with open_index(url, None) as index:
        last = index.mark()
        return [doc.doc_id for _, doc in sorted(index.documents(range(1, last + 1)).items())]


# settings ------------------------------------------------------------------------------------


def test_settings_are_stored_and_a_mismatch_is_refused(url):
    near, _ = cfgs()
    with open_index(url, index_settings(near)) as index:
        assert isinstance(index, RedisIndex)
        assert index.stats()["settings"] == index_settings(near)
    bands, rows = lsh_shape(near)
    near.num_perm = 256
    bands2, rows2 = lsh_shape(near)
    with pytest.raises(ConfigError, match=rf"built with bands={bands}, num_perm=128, rows={rows}; "
                                          rf"this run uses bands={bands2}, num_perm=256, rows={rows2}"):
        open_index(url, index_settings(near))
    near.num_perm = 128
    was = str(bool(near.ta_marbuta)).lower()
    near.ta_marbuta = not near.ta_marbuta
    with pytest.raises(ConfigError, match=f"ta_marbuta={was}; this run uses ta_marbuta={str(bool(near.ta_marbuta)).lower()}"):
        open_index(url, index_settings(near))


def test_the_filter_refuses_an_index_built_otherwise_in_one_line(url, tmp_path):
    near, _ = cfgs()
    open_index(url, index_settings(near)).close()
    proc = _run("filter", str(SAMPLE), "-o", str(tmp_path / "k.jsonl"), "--rejects", str(tmp_path / "r.jsonl"),
                "--index", url, "--no-classify", "--workers", "1", "--threshold", "0.5", "--quiet")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "index was built with bands=" in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "k.jsonl").exists()


def test_missing_index_wrong_key_and_unreachable_server_are_clear_errors(server, url):
    with pytest.raises(ConfigError, match="no index here"):
        open_index(url, None)
    import redis

    name = url.split("name=")[1]
    redis.Redis(port=server.port).set(f"{name}:meta", "something else")
    with pytest.raises(ConfigError, match="not a dedupe index"):
        open_index(url, None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    result = CliRunner().invoke(cli, ["index", "stats", f"redis://127.0.0.1:{closed}/0"])
    assert isinstance(result.exception, DedupeError) and "cannot reach Redis" in str(result.exception)
    with pytest.raises(ConfigError, match="not a Redis URL"):
        RedisIndex("http://127.0.0.1/0", None)


# the index interface -------------------------------------------------------------------------


def test_lookups_equal_the_sqlite_backend(url, tmp_path):
    near, _ = cfgs()
    items = _items(near, seed_texts(), [f"s{i}" for i in range(5)])
    keys = np.stack([it[3] for it in items])
    exact = np.array([it[1] for it in items], dtype=np.uint64)
    with open_index(url, index_settings(near)) as r, open_index(tmp_path / "i.sqlite", index_settings(near)) as s:
        for index in (r, s):
            index.add_batch(items[:2])
            index.add_batch(items[2:])
        assert r.query(keys) == s.query(keys) == [[1], [2], [3], [4], [5]]
        assert r.lookup_exact(exact) == s.lookup_exact(exact)
        rd, sd = r.documents(range(1, 6)), s.documents(range(1, 6))
        for n in range(1, 6):
            assert rd[n].doc_id == sd[n].doc_id and np.array_equal(rd[n].signature, sd[n].signature)
        assert len(r) == len(s) == 5 and r.stats()["batches"] == s.stats()["batches"] == 2


def test_filter_gives_the_same_outputs_as_with_sqlite(url, tmp_path):
    """The sample corpus in batches of 7, so later batches are checked through the index."""
    outs = {}
    for name, index in (("sqlite", str(tmp_path / "i.sqlite")), ("redis", url)):
        kept, rejects = tmp_path / f"{name}-kept.jsonl", tmp_path / f"{name}-rejects.jsonl"
        result = CliRunner().invoke(cli, ["filter", str(SAMPLE), "-o", str(kept), "--rejects", str(rejects),
                                          "--index", index, "--batch-docs", "7", "--workers", "1", "--no-classify", "--quiet"])
        assert result.exit_code == 0, result.output
        outs[name] = (kept.read_bytes(), rejects.read_bytes())
        stats = CliRunner().invoke(cli, ["index", "stats", index, "--json"])
        assert stats.exit_code == 0, stats.output
        outs[name + "-stats"] = json.loads(stats.output)
    assert outs["sqlite"] == outs["redis"]
    assert len(_ids(tmp_path / "redis-rejects.jsonl")) > 0
    s, r = outs["sqlite-stats"], outs["redis-stats"]
    assert (s["documents"], s["batches"], s["settings"]) == (r["documents"], r["batches"], r["settings"])
    assert r["documents"] == len(_ids(tmp_path / "redis-kept.jsonl")) and r["backend"] == "redis"
    assert sorted(_indexed_ids(url)) == sorted(_ids(tmp_path / "redis-kept.jsonl"))


def test_stats_command_on_redis(url):
    near, _ = cfgs()
    with open_index(url, index_settings(near)) as index:
        index.add_batch(_items(near, seed_texts(), [f"s{i}" for i in range(5)]))
    result = CliRunner().invoke(cli, ["index", "stats", url])
    assert result.exit_code == 0, result.output
    bands, rows = lsh_shape(near)
    assert f"index      {url}" in result.output and "documents  5" in result.output and "batches    1" in result.output
    assert f"bands = {bands}" in result.output and f"rows = {rows}" in result.output and "Redis server memory" in result.output


def test_signatures_work_in_datasketch_redis_lsh(server, url):
    """Stored signatures are datasketch hash values: a MinHashLSH on the same server finds them."""
    from datasketch import LeanMinHash, MinHashLSH

    near, _ = cfgs()
    items = _items(near, seed_texts(), [f"s{i}" for i in range(5)])
    with open_index(url, index_settings(near)) as index:
        index.add_batch(items)
        stored = index.documents(range(1, 6))
    lsh = MinHashLSH(num_perm=near.num_perm, params=lsh_shape(near),
                     storage_config={"type": "redis", "redis": {"host": "127.0.0.1", "port": server.port},
                                     "basename": url.split("name=")[1].encode() + b"-datasketch"})
    for doc in stored.values():
        lsh.insert(doc.doc_id, LeanMinHash(seed=near.seed, hashvalues=doc.signature, scheme=near.scheme))
    for doc_id, _, sig, *_ in items:
        assert doc_id in lsh.query(LeanMinHash(seed=near.seed, hashvalues=sig, scheme=near.scheme))


def test_check_only_run_writes_nothing_but_sees_its_own_batches(url):
    near, keep = cfgs()
    texts = seed_texts()
    from dedupe.document import Document

    with open_index(url, index_settings(near)) as index:
        with index.held(commit=False):
            find_clusters([Document(id="a", text=texts[0])], near, keep, index)
            again = Document(id="b", text=texts[0])
            find_clusters([again], near, keep, index)
            assert again.duplicate_of == "a"
        assert len(index) == 0 and index.mark() == 0


# concurrency ---------------------------------------------------------------------------------


def test_a_commit_after_another_workers_copy_is_refused_and_rechecked(url):
    """Two workers check copies of one story against the same state; the second to commit is told
    to re-check, finds the first's copy, and keeps nothing twice."""
    from dedupe.document import Document

    near, keep = cfgs()
    texts = seed_texts()
    with open_index(url, index_settings(near)) as a, open_index(url, index_settings(near)) as b:
        a_docs = [Document(id="a-copy", text=texts[2], input_order=0), Document(id="a-other", text=texts[0], input_order=1)]
        b_docs = [Document(id="b-copy", text="عاجل\n" + texts[2].replace("أ", "ا"), input_order=0),
                  Document(id="b-other", text=texts[1], input_order=1)]
        marks = a.mark(), b.mark()
        for docs, index in ((a_docs, a), (b_docs, b)):  # both check before either commits
            find_clusters(docs, near, keep, index, update_index=False)
        assert all(d.decision is None for d in a_docs + b_docs)
        signer = Signer(near)
        bands, rows = lsh_shape(near)

        def commit(docs, index, since):
            signed = signer.sign_all([d.text for d in docs])
            kept = [i for i, d in enumerate(docs) if d.decision != "reject"]
            keys = band_keys(signed.signatures[kept], bands, rows)
            items = [(docs[i].id, int(signed.exact_keys[i]), signed.signatures[i], keys[k], int(signed.sizes[i]))
                     for k, i in enumerate(kept)]
            try:
                return index.add_batch(items, since=since), None
            except IndexConflict as conflict:
                rows_ = [kept[p] for p in conflict.positions]
                late = recheck_kept(docs, rows_, signed.signatures, signed.exact_keys, signed.sizes,
                                    keys[conflict.positions], index, near, after=conflict.since)
                return None, (conflict, late)

        assert commit(a_docs, a, marks[0]) == (2, None)
        added, (conflict, late) = commit(b_docs, b, marks[1])
        assert added is None and conflict.positions == [0] and late == [0]
        assert b_docs[0].duplicate_of == "a-copy" and b_docs[0].reasons == [reasons.NEAR_DUPLICATE]
        assert b_docs[0].cluster.similarity >= near.threshold or b_docs[0].cluster.containment >= near.containment
        assert len(b) == 2  # the refused commit wrote nothing
        assert commit(b_docs, b, conflict.upto) == (1, None)
        assert sorted(_indexed_ids(url)) == ["a-copy", "a-other", "b-other"]


def _worker_inputs(source: Path, folder: Path, workers: int) -> list[Path]:
    """Each worker gets every record of `source` (ids prefixed by the worker), in its own order."""
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    paths = []
    for w in range(workers):
        rng = random.Random(w)
        mine = [dict(r, id=f"w{w}/{r['id']}") for r in records]
        rng.shuffle(mine)
        path = folder / f"worker{w}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mine), encoding="utf-8")
        paths.append(path)
    return paths


def _generated(folder: Path, docs: int, dup_rate: float, seed: int = 0) -> Path:
    shared_path("data")  # the generator builds text from ../shared
    out = folder / f"generated-{docs}.jsonl"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "--docs", str(docs), "--dup-rate",
                    str(dup_rate), "--seed", str(seed), "--out", str(out)], check=True, cwd=REPO)
    return out


def _assert_nothing_kept_twice(kept: list[dict]) -> None:
    """No two kept records are exact copies, and no LSH candidate pair among them verifies."""
    near = load_config().near
    texts = [r["text"] for r in kept]  # the cleaned text the filter signed
    signer = Signer(near)
    signed = signer.sign_all(texts)
    live = [i for i, kind in enumerate(signed.kinds) if kind != "empty"]
    exact = [int(signed.exact_keys[i]) for i in live]
    assert len(set(exact)) == len(exact), "an exact copy was kept twice"
    keys = band_keys(signed.signatures[live], *lsh_shape(near))
    from dedupe.near.lsh import candidate_pairs

    pairs = candidate_pairs(keys)
    if len(pairs):
        sim = Similarity(signed.signatures[live], near, [texts[i] for i in live], signed.sizes[live])
        ok, _, _ = sim.matches(pairs[:, 0], pairs[:, 1])
        twice = [(kept[live[a]]["id"], kept[live[b]]["id"]) for a, b in pairs[ok].tolist()]
        assert not twice, f"near-duplicates kept by two workers: {twice[:5]}"


def test_concurrent_filter_processes_never_keep_the_same_document_twice(tmp_path):
    """Three `dedupe filter` processes, each holding a copy of every story (one generated corpus in
    three orders), in batches of 40 against one Redis index at once. The server holds back writes
    (CLIENT PAUSE WRITE) until all three have checked their first batch and wait inside MULTI to
    commit it, so the commits really race; later batches run freely."""
    import redis

    _need("redis-server", shutil.which("redis-server") is not None)
    corpus = _generated(tmp_path, 400, 0.2, seed=3)
    inputs = _worker_inputs(corpus, tmp_path, 3)
    srv = RedisServer(tmp_path).start()
    url = srv.url()
    client = redis.Redis(port=srv.port)
    try:
        open_index(url, index_settings(load_config().near)).close()
        client.execute_command("CLIENT", "PAUSE", 300_000, "WRITE")  # released below
        procs = []
        try:
            for w, path in enumerate(inputs):
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "dedupe", "filter", str(path), "-o", str(tmp_path / f"kept{w}.jsonl"),
                     "--rejects", str(tmp_path / f"rejects{w}.jsonl"), "--index", url, "--batch-docs", "40",
                     "--no-classify", "--workers", "1", "--quiet"],
                    cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            while all(p.poll() is None for p in procs):
                # a client held back inside its MULTI (flags x: in a transaction, b: blocked)
                waiting = [c for c in client.client_list() if "x" in c["flags"] and "b" in c["flags"]]
                if len(waiting) == 3:
                    break
                time.sleep(0.05)
        finally:
            client.execute_command("CLIENT", "UNPAUSE")
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err
        refused = int(client.hget("dedupe:stats", "rechecks") or 0)  # commits told to re-check first
        kept = [json.loads(line) for w in range(3)
                for line in (tmp_path / f"kept{w}.jsonl").read_text(encoding="utf-8").splitlines()]
        by_story: dict[str, list[str]] = {}
        for r in kept:
            worker, story = r["id"].split("/", 1)
            by_story.setdefault(story, []).append(worker)
        assert all(len(ws) == 1 for ws in by_story.values()), {s: ws for s, ws in by_story.items() if len(ws) > 1}
        assert len({r["id"].split("/")[0] for r in kept}) == 3  # the work really was shared
        _assert_nothing_kept_twice(kept)
        assert sorted(_indexed_ids(url)) == sorted(r["id"] for r in kept)
        rejects = [json.loads(line) for w in range(3)
                   for line in (tmp_path / f"rejects{w}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(kept) + len(rejects) == 3 * 400
        assert refused >= 1  # the race did happen
    finally:
        client.close()
        srv.stop()


# crashes and restarts ------------------------------------------------------------------------


def test_worker_killed_while_building_its_batch_leaves_none_of_it(url):
    near, _ = cfgs()
    with open_index(url, index_settings(near)) as index:
        index.add_batch(_items(near, seed_texts()[:1], ["first"]))
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from dedupe.config import load_config
        from dedupe.index import open_index
        from dedupe.near import index_settings
        from tests.test_index import _items, seed_texts
        near = load_config().near
        items = _items(near, seed_texts(), ["a", "b", "c", "d", "e"])
        index = open_index({url!r}, index_settings(near))
        def dying():
            yield from items[:3]
            os.kill(os.getpid(), signal.SIGKILL)  # after 3 of 5 documents, before the commit
            yield from items[3:]
        index.add_batch(dying(), since=index.mark())
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with open_index(url, index_settings(near)) as index:
        assert len(index) == 1 and index.stats()["batches"] == 1 and index.mark() == 1
        assert index.add_batch(_items(near, seed_texts()[1:2], ["after"]), since=index.mark()) == 1
    assert _indexed_ids(url) == ["first", "after"]


def test_filter_killed_mid_run_leaves_whole_batches_only(url, tmp_path):
    """SIGKILL a real `dedupe filter` once it has committed two batches: the index then holds exactly
    the kept documents of its first k batches (k as it says), as a run over those inputs alone keeps."""
    import redis

    corpus = _generated(tmp_path, 3000, 0.1, seed=5)
    size = 100
    name = url.split("name=")[1]
    client = redis.Redis(port=int(url.split(":")[2].split("/")[0]))
    proc = subprocess.Popen([sys.executable, "-m", "dedupe", "filter", str(corpus), "-o", str(tmp_path / "k.jsonl"),
                             "--rejects", str(tmp_path / "r.jsonl"), "--index", url, "--batch-docs", str(size),
                             "--no-classify", "--workers", "1", "--quiet"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while proc.poll() is None and int(client.hget(f"{name}:stats", "batches") or 0) < 2:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed: make the corpus larger"
    assert not (tmp_path / "k.jsonl").exists()
    with open_index(url, None) as index:
        k = index.stats()["batches"]
    assert 2 <= k < 3000 // size
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[: k * size]), encoding="utf-8")
    ref = _run("filter", str(prefix), "-o", str(tmp_path / "ref-k.jsonl"), "--rejects", str(tmp_path / "ref-r.jsonl"),
               "--batch-docs", str(size), "--no-classify", "--workers", "1", "--quiet")
    assert ref.returncode == 0, ref.stderr
    assert _indexed_ids(url) == _ids(tmp_path / "ref-k.jsonl")


@pytest.mark.parametrize("how, fsync", [(signal.SIGTERM, "everysec"), (signal.SIGKILL, "always")])
def test_server_restart_between_batches_loses_nothing(tmp_path, how, fsync):
    """Batch 1, the server stops (shutdown, or SIGKILL with appendfsync always) and starts again on
    its AOF; the same open index then finds batch 1 and commits batch 2."""
    _need("redis-server", shutil.which("redis-server") is not None)
    from dedupe.document import Document

    near, keep = cfgs()
    texts = seed_texts()
    srv = RedisServer(tmp_path, fsync=fsync).start()
    try:
        with open_index(srv.url(), index_settings(near)) as index:
            first = [Document(id=f"s{i}", text=t, input_order=i) for i, t in enumerate(texts[:3])]
            find_clusters(first, near, keep, index)
            srv.stop(how)
            srv.start()
            second = [Document(id="copy", text=texts[1] + "\nاترك تعليقاً", input_order=0),
                      Document(id="new", text=texts[3], input_order=1)]
            result = find_clusters(second, near, keep, index)
            assert second[0].duplicate_of == "s1" and second[1].decision is None
            assert result.added_to_index == 1 and len(index) == 4 and index.stats()["batches"] == 2
        srv.stop(how)
        srv.start()
        assert _indexed_ids(srv.url()) == ["s0", "s1", "s2", "new"]
    finally:
        srv.stop()
