"""Speed: raw text to MinHash signatures, and full near-duplicate detection, against datasketch and rensa.

Each (engine, task) runs in its own subprocess on the same generated corpus (benchmarks/corpus.py),
single-threaded, so peak memory (ru_maxrss) is per engine. Times exclude corpus generation and
include everything from raw text on (normalising/tokenising, shingling, hashing, MinHash, LSH).

    python benchmarks/bench_minhash.py                      # 10,000 docs, all engines, best of 3 (about 2 minutes)
    python benchmarks/bench_minhash.py --docs 100000 --repeat 1   # about 5 minutes
    python benchmarks/bench_minhash.py --docs 1000000 --engines ours --stream   # 1M: ours only

--stream signs the corpus in chunks as it is generated and keeps only signatures, exact keys and
light Document records (no texts) for clustering: the memory shape a 1M-document run needs.
The reference engines build shingles in Python the usual way (our normaliser, `regex` tokens,
5-gram strings) and use their defaults: datasketch MinHash.generator (sha1_hash32, affine32) +
MinHashLSH; rensa RMinHash + RMinHashLSH with the same bands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

TASKS = ("signatures", "detect")
ENGINES = ("ours", "datasketch", "rensa")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _python_shingles(text: str, n: int) -> list[str]:
    from dedupe.text import normalise, tokens, word_shingles

    return word_shingles(tokens(normalise(text)), n)


def _union_count(pairs: list[tuple[int, int]], n: int) -> int:
    """Documents that are not the first (lowest index) of their connected component."""
    from dedupe.near.unionfind import UnionFind

    uf = UnionFind(n)
    for a, b in pairs:
        uf.union(a, b)
    return sum(len(m) - 1 for m in uf.groups().values())


def _warm_up(engine: str, texts: list[str], near) -> None:
    if engine == "ours":
        from dedupe.near import Signer

        Signer(near).sign_many(texts)
    else:
        for t in texts:
            _python_shingles(t, near.ngram)


def worker(engine: str, task: str, docs: int, seed: int, stream: bool, repeat: int = 1) -> dict:
    from corpus import CorpusGenerator, seed_texts

    from dedupe.config import load_config
    from dedupe.document import Document
    from dedupe.near import Signer, find_clusters
    from dedupe.near.signer import Signed
    from dedupe.near.settings import lsh_shape

    cfg = load_config()
    near = cfg.near
    bands, rows = lsh_shape(near)
    gen = CorpusGenerator(docs, 0.1, seed)
    out: dict = {"engine": engine, "task": task, "docs": docs}
    if stream:
        if engine != "ours":
            raise SystemExit("--stream is for our engine only")
        import numpy as np

        signer = Signer(near)
        _warm_up("ours", seed_texts(), near)
        parts: list = []
        kinds: list[str] = []
        light: list = []
        mb, signing = 0.0, 0.0
        batch: list[dict] = []

        def flush() -> None:
            nonlocal mb, signing
            texts = [r["text"] for r in batch]
            mb += sum(len(t.encode("utf-8")) for t in texts) / 1e6
            t0 = time.perf_counter()
            signed = signer.sign_all(texts)
            signing += time.perf_counter() - t0
            parts.append(signed)
            kinds.extend(signed.kinds)
            for r in batch:
                light.append(Document(id=r["id"], text="", published=r["published"], input_order=len(light)))
            batch.clear()

        for rec in gen:
            batch.append(rec)
            if len(batch) == 10000:
                flush()
        if batch:
            flush()
        out["rss_before_mb"] = _rss_mb()
        signed = Signed(np.concatenate([p.signatures for p in parts]), np.concatenate([p.exact_keys for p in parts]),
                        kinds, np.concatenate([p.sizes for p in parts]))
        del parts
        t0 = time.perf_counter()
        result = find_clusters(light, near, cfg.keep_policy, signed=signed) if task == "detect" else None
        clustering = time.perf_counter() - t0
        out.update(seconds=signing + clustering, signing_seconds=signing, mb=mb, peak_rss_mb=_rss_mb())
        if result is not None:
            out["duplicates"] = result.exact_duplicates + result.near_duplicates
        return out

    records = list(gen)
    texts = [r["text"] for r in records]
    out["mb"] = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    _warm_up(engine, texts[:8], near)  # one-time lazy set-up (lookup tables, imports) is not timed
    out["rss_before_mb"] = _rss_mb()

    def run() -> None:
        if engine == "ours":
            if task == "signatures":
                Signer(near).sign_many(texts)
            else:
                batch_docs = [Document(id=r["id"], text=r["text"], published=r["published"], input_order=i) for i, r in enumerate(records)]
                result = find_clusters(batch_docs, near, cfg.keep_policy)
                out["duplicates"] = result.exact_duplicates + result.near_duplicates
        elif engine == "datasketch":
            from datasketch import MinHash, MinHashLSH

            shingles = ([s.encode("utf-8") for s in _python_shingles(t, near.ngram)] for t in texts)
            hashes = list(MinHash.generator(shingles, num_perm=near.num_perm, seed=near.seed))
            if task == "detect":
                lsh = MinHashLSH(threshold=near.threshold, num_perm=near.num_perm, params=(bands, rows))
                with lsh.insertion_session() as session:
                    for i, m in enumerate(hashes):
                        session.insert(i, m)
                pairs = [(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j > i and m.jaccard(hashes[j]) >= near.threshold]
                out["duplicates"] = _union_count(pairs, len(hashes))
        elif engine == "rensa":
            from rensa import RMinHash, RMinHashLSH

            hashes = []
            for t in texts:
                m = RMinHash(near.num_perm, near.seed)
                m.update(_python_shingles(t, near.ngram))
                hashes.append(m)
            if task == "detect":
                # rensa needs num_perm divisible by the bands: the nearest divisor of num_perm to ours.
                rensa_bands = min((b for b in range(1, near.num_perm + 1) if near.num_perm % b == 0), key=lambda b: abs(b - bands))
                out["note"] = f"rensa bands={rensa_bands}"
                lsh = RMinHashLSH(near.threshold, near.num_perm, rensa_bands)
                for i, m in enumerate(hashes):
                    lsh.insert(i, m)
                pairs = [(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j > i and m.jaccard(hashes[j]) >= near.threshold]
                out["duplicates"] = _union_count(pairs, len(hashes))

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    out["seconds"] = min(times)
    out["peak_rss_mb"] = _rss_mb()
    return out


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--repeat", type=int, default=3, help="time each task this many times, report the best (shared machines are noisy)")
    ap.add_argument("--stream", action="store_true", help="ours only: sign while generating, keep no texts")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "TASK"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.docs, args.seed, args.stream, args.repeat)))
        return
    print(f"machine: {machine()}")
    print(f"corpus: {args.docs:,} generated news documents (benchmarks/corpus.py, 10% injected copies, seed {args.seed})\n")
    rows = []
    for task in args.tasks.split(","):
        for engine in args.engines.split(","):
            cmd = [sys.executable, __file__, "--worker", engine, task, "--docs", str(args.docs), "--seed", str(args.seed), "--repeat", str(args.repeat)]
            if args.stream:
                cmd.append("--stream")
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{engine} {task} failed:\n{proc.stderr}", file=sys.stderr)
                continue
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(f"  done: {engine} {task} {rows[-1]['seconds']:.1f}s", file=sys.stderr)
    print("| task | engine | docs | seconds | docs/s | MB/s | ours is × faster | peak RSS MB (corpus-only RSS) | duplicates found |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ours = next((o for o in rows if o["engine"] == "ours" and o["task"] == r["task"]), None)
        ratio = f"{r['seconds'] / ours['seconds']:.1f}" if ours and r["engine"] != "ours" else "—"
        print(
            f"| {r['task']} | {r['engine']} | {r['docs']:,} | {r['seconds']:.2f} | {r['docs'] / r['seconds']:,.0f} | "
            f"{r['mb'] / r['seconds']:.1f} | {ratio} | {r['peak_rss_mb']:,.0f} ({r['rss_before_mb']:,.0f}) | {r.get('duplicates', '—')} |"
        )


if __name__ == "__main__":
    main()
