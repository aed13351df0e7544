"""The shared Redis index against the SQLite index and datasketch's Redis-backed MinHashLSH, in one run.

    python benchmarks/bench_index_redis.py --docs 10000
    python benchmarks/bench_index_redis.py --docs 100000 --no-datasketch   # datasketch takes ~10x longer

One generated corpus is signed once; its signatures are added in batches of 10,000 to (1) the
SQLite index, (2) the Redis index (one Lua commit per batch, with the conflict re-check a shared
run does), (3) datasketch's MinHashLSH with Redis storage (an insertion session; it stores keys
and band hashes, not signatures). Memory is the Redis server's `used_memory` grown by each index
(each in its own database of one private redis-server started here, AOF on, fsync every second).
Then a batch of 5,000 edited copies of indexed documents and 5,000 new ones is looked up in each:
candidate lookup alone (all three), and the whole index check of `find_clusters` (ours).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

BATCH = 10_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path) -> tuple[subprocess.Popen, int]:
    import redis

    port = _free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", str(folder), "--appendonly", "yes", "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(400):
        try:
            client.ping()
            return proc, port
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def corpus(docs: int, seed: int) -> tuple[list[dict], list[dict]]:
    """The indexed records and the check batch (copies of indexed records, then new ones)."""
    from corpus import CorpusGenerator

    gen = CorpusGenerator(docs, 0.0, seed, include_seeds=False)
    rng = random.Random(seed + 1)
    records, sample = [], []
    for rec in gen:
        records.append({"id": rec["id"], "text": rec["text"]})
        if len(sample) < 5000 and rng.random() < 5000 / docs:
            sample.append(rec["text"].split("\n"))
    check = [{"id": f"copy{i}", "text": gen.copy(p, rng)[0], "copy": True} for i, p in enumerate(sample)]
    check += [{"id": "new" + r["id"], "text": r["text"], "copy": False}
              for r in CorpusGenerator(5000, 0.0, seed + 2, include_seeds=False)]
    return records, check


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-datasketch", action="store_true", help="skip datasketch's MinHashLSH (slow at 100k)")
    args = ap.parse_args(argv)

    import numpy as np
    import redis
    from datasketch import LeanMinHash, MinHashLSH

    from dedupe.config import load_config
    from dedupe.document import Document
    from dedupe.index import open_index
    from dedupe.near import Signer, band_keys, find_clusters, index_settings
    from dedupe.near.settings import lsh_shape

    cfg = load_config()
    near = cfg.near
    bands, rows = lsh_shape(near)
    settings = index_settings(near)
    t0 = time.perf_counter()
    records, check = corpus(args.docs, args.seed)
    signed = Signer(near).sign_all([r["text"] for r in records])
    bkeys = band_keys(signed.signatures, bands, rows)
    prep = time.perf_counter() - t0
    items = [(r["id"], int(signed.exact_keys[i]), signed.signatures[i], bkeys[i], int(signed.sizes[i]))
             for i, r in enumerate(records)]
    out: dict[str, dict] = {"sqlite": {}, "redis": {}} | ({} if args.no_datasketch else {"datasketch": {}})

    with tempfile.TemporaryDirectory(prefix="bench-redis-") as tmp:
        proc, port = start_server(Path(tmp))
        try:
            client = redis.Redis(port=port)
            # 1. SQLite
            path = Path(tmp) / "index.sqlite"
            with open_index(path, settings) as index:
                t = time.perf_counter()
                for lo in range(0, len(items), BATCH):
                    index.add_batch(items[lo : lo + BATCH])
                out["sqlite"]["add_s"] = time.perf_counter() - t
                out["sqlite"]["bytes"] = index.stats()["size_bytes"]
            # 2. ours on Redis (db 1)
            base = used_memory(client)
            url = f"redis://127.0.0.1:{port}/1"
            with open_index(url, settings) as index:
                t = time.perf_counter()
                for lo in range(0, len(items), BATCH):
                    index.add_batch(items[lo : lo + BATCH], since=index.mark())
                out["redis"]["add_s"] = time.perf_counter() - t
            client.execute_command("MEMORY", "PURGE")
            out["redis"]["bytes"] = used_memory(client) - base
            # 3. datasketch MinHashLSH, Redis storage (db 2)
            lsh = None
            base = used_memory(client)
            if not args.no_datasketch:
                lsh = MinHashLSH(num_perm=near.num_perm, params=(bands, rows),
                                 storage_config={"type": "redis", "redis": {"host": "127.0.0.1", "port": port, "db": 2},
                                                 "basename": b"bench"})
                t = time.perf_counter()
                with lsh.insertion_session(buffer_size=BATCH) as session:
                    for doc_id, _, sig, _, _ in items:
                        session.insert(doc_id, LeanMinHash(seed=near.seed, hashvalues=sig, scheme=near.scheme))
                out["datasketch"]["add_s"] = time.perf_counter() - t
                client.execute_command("MEMORY", "PURGE")
                out["datasketch"]["bytes"] = used_memory(client) - base
            # lookups: the check batch, signed as the filter would
            csigned = Signer(near).sign_all([r["text"] for r in check])
            ckeys = band_keys(csigned.signatures, bands, rows)
            docs_of = lambda: [Document(id=r["id"], text=r["text"], input_order=i) for i, r in enumerate(check)]  # noqa: E731
            for name, where in (("sqlite", path), ("redis", url)):
                with open_index(where, settings) as index:
                    t = time.perf_counter()
                    index.query(ckeys)
                    out[name]["query_s"] = time.perf_counter() - t
                    docs = docs_of()
                    t = time.perf_counter()
                    find_clusters(docs, near, cfg.keep_policy, index, update_index=False, signed=csigned)
                    out[name]["check_s"] = time.perf_counter() - t
                    out[name]["copies_found"] = sum(d.duplicate_of is not None for d, r in zip(docs, check) if r["copy"])
            if lsh is not None:
                minhashes = [LeanMinHash(seed=near.seed, hashvalues=s, scheme=near.scheme) for s in csigned.signatures]
                t = time.perf_counter()
                for m in minhashes:
                    lsh.query(m)
                out["datasketch"]["query_s"] = time.perf_counter() - t
            aof = sum(p.stat().st_size for p in (Path(tmp) / "appendonlydir").glob("*") if p.is_file())  # base (RDB preamble) + increments
        finally:
            proc.terminate()
            proc.wait()

    n, c = len(items), len(check)
    copies = sum(r["copy"] for r in check)
    print(f"{n:,} documents indexed ({bands} bands x {rows} rows, {near.num_perm} permutations), "
          f"check batch {c:,} ({copies:,} copies); generating and signing took {prep:.0f} s; AOF on disk {aof / 2**20:,.0f} MiB")
    print("| index | bytes per document | adds docs/s | candidate lookups docs/s | full index check docs/s | copies found |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in (("sqlite", "SQLite file (on disk)"), ("redis", "dedupe Redis (server memory)"),
                        ("datasketch", "datasketch MinHashLSH Redis (memory; no signatures)")):
        if name not in out:
            continue
        o = out[name]
        full = f"{c / o['check_s']:,.0f}" if "check_s" in o else "–"
        found = f"{o['copies_found']:,} / {copies:,}" if "copies_found" in o else "–"
        print(f"| {label} | {o['bytes'] / n:,.0f} | {n / o['add_s']:,.0f} | {c / o['query_s']:,.0f} | {full} | {found} |")
    r, s, d = out["redis"], out["sqlite"], out.get("datasketch")
    print(f"ratios, Redis / SQLite: bytes {r['bytes'] / s['bytes']:.2f}, adds {s['add_s'] / r['add_s']:.2f}x, "
          f"lookups {s['query_s'] / r['query_s']:.2f}x, full check {s['check_s'] / r['check_s']:.2f}x")
    if d:
        print(f"ratios, dedupe Redis / datasketch Redis: bytes {r['bytes'] / d['bytes']:.2f}, adds {d['add_s'] / r['add_s']:.2f}x, "
              f"lookups {d['query_s'] / r['query_s']:.2f}x")
    print(json.dumps({"docs": n, **{k: {kk: round(vv, 3) for kk, vv in v.items()} for k, v in out.items()}}))


if __name__ == "__main__":
    main()
