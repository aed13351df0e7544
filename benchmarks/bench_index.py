"""The persistent SQLite index at scale: build time, size on disk, and checking a batch with bounded memory.

    python benchmarks/bench_index.py --docs 100000            # build a 100k index, check a 10k batch
    python benchmarks/bench_index.py --docs 1000000           # the 1M case (several minutes)

The build adds the corpus in batches of 10,000 (one transaction each). The check runs in a fresh
process, so its peak RSS is what checking a batch against the index costs, not what building it did.
The check batch holds 5,000 edited copies of indexed documents and 5,000 new ones.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(path: Path, docs: int, batch_file: Path, seed: int) -> dict:
    from corpus import CorpusGenerator

    from dedupe.config import load_config
    from dedupe.index import open_index
    from dedupe.near import Signer, band_keys, index_settings
    from dedupe.near.settings import lsh_shape

    near = load_config().near
    bands, rows = lsh_shape(near)
    signer = Signer(near)
    gen = CorpusGenerator(docs, 0.0, seed, include_seeds=False)
    rng = random.Random(seed + 1)
    sample: list[list[str]] = []  # paragraphs of a few indexed originals, to make copies from
    adding = 0.0
    with open_index(path, index_settings(near)) as index:
        batch: list[dict] = []

        def flush() -> None:
            nonlocal adding
            sigs, keys, _ = signer.sign_with_keys([r["text"] for r in batch])
            bk = band_keys(sigs, bands, rows)
            t0 = time.perf_counter()
            index.add_batch((r["id"], int(keys[i]), sigs[i], bk[i]) for i, r in enumerate(batch))
            adding += time.perf_counter() - t0
            batch.clear()

        for k, rec in enumerate(gen):
            batch.append(rec)
            if len(sample) < 5000 and rng.random() < 5000 / docs:
                sample.append(rec["text"].split("\n"))
            if len(batch) == 10000:
                flush()
        if batch:
            flush()
        stats = index.stats()
    fresh = CorpusGenerator(5000, 0.0, seed + 2, include_seeds=False)
    with batch_file.open("w", encoding="utf-8") as fh:
        for i, paras in enumerate(sample):
            text, _ = gen.copy(paras, rng)
            fh.write(json.dumps({"id": f"copy{i}", "text": text, "copy": True}, ensure_ascii=False) + "\n")
        for rec in fresh:
            fh.write(json.dumps({"id": "new" + rec["id"], "text": rec["text"], "copy": False}, ensure_ascii=False) + "\n")
    return {"documents": stats["documents"], "size_bytes": stats["size_bytes"], "add_seconds": adding, "build_peak_rss_mb": _rss_mb()}


def check(path: Path, batch_file: Path) -> dict:
    from dedupe.config import load_config
    from dedupe.document import Document
    from dedupe.index import open_index
    from dedupe.near import find_clusters, index_settings

    cfg = load_config()
    recs = [json.loads(line) for line in batch_file.open(encoding="utf-8")]
    docs = [Document(id=r["id"], text=r["text"], input_order=i) for i, r in enumerate(recs)]
    base = _rss_mb()
    with open_index(path, index_settings(cfg.near)) as index:
        t0 = time.perf_counter()
        result = find_clusters(docs, cfg.near, cfg.keep_policy, index, update_index=False)
        seconds = time.perf_counter() - t0
    copies = [d for d, r in zip(docs, recs) if r["copy"]]
    found = sum(d.duplicate_of is not None for d in copies)
    false = sum(d.duplicate_of is not None for d, r in zip(docs, recs) if not r["copy"])
    return {
        "batch": len(docs),
        "check_seconds": seconds,
        "copies": len(copies),
        "copies_found": found,
        "new_flagged": false,
        "index_duplicates": result.index_duplicates,
        "rss_before_mb": base,
        "peak_rss_mb": _rss_mb(),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", default=None, help="where to build the index (default: a temporary folder)")
    ap.add_argument("--step", choices=("build", "check"), help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--batch-file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step == "build":
        print(json.dumps(build(Path(args.path), args.docs, Path(args.batch_file), args.seed)))
        return
    if args.step == "check":
        print(json.dumps(check(Path(args.path), Path(args.batch_file))))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path, batch_file = Path(tmp) / "index.sqlite", Path(tmp) / "batch.jsonl"
        common = ["--path", str(path), "--batch-file", str(batch_file), "--docs", str(args.docs), "--seed", str(args.seed)]
        t0 = time.perf_counter()
        b = json.loads(subprocess.run([sys.executable, __file__, "--step", "build", *common], check=True, capture_output=True, text=True).stdout)
        b["build_seconds"] = time.perf_counter() - t0
        c = json.loads(subprocess.run([sys.executable, __file__, "--step", "check", *common], check=True, capture_output=True, text=True).stdout)
    print("| indexed docs | size on disk | build (incl. generating, signing) | SQLite adds | docs/s added | check batch | check seconds | copies found | new flagged | check peak RSS MB (before) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {b['documents']:,} | {b['size_bytes'] / 2**20:,.0f} MiB | {b['build_seconds']:.0f} s | {b['add_seconds']:.0f} s | "
        f"{b['documents'] / b['add_seconds']:,.0f} | {c['batch']:,} | {c['check_seconds']:.1f} | {c['copies_found']:,} / {c['copies']:,} | "
        f"{c['new_flagged']} | {c['peak_rss_mb']:,.0f} ({c['rss_before_mb']:,.0f}) |"
    )


if __name__ == "__main__":
    main()
