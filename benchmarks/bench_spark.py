"""The Spark engine in local mode against the local engine, on the same generated corpus, in one run.

    python benchmarks/bench_spark.py --docs 20000                 # both engines, classifier on
    python benchmarks/bench_spark.py --docs 100000 --no-classify --master 'local[2]'

For each N: benchmarks/corpus.py writes WORKDIR/corpus-N.jsonl (id, text, url, published; 10 %
injected copies), then `dedupe filter` runs on it twice as a subprocess, with the local engine
(`--workers` processes, batches of [filter] batch_docs checked against a run index) and with
`--engine spark` (the whole input as one batch), while the resident memory of each process tree
(the JVM and Spark's Python workers included) is sampled from /proc. Printed per engine: wall
seconds, documents per second, peak memory, kept and rejected counts; and the ratio of the two.
The two engines agree document for document when N <= batch_docs (tests/test_spark_parity.py);
above it the local engine keeps the first copy across batches, so counts may differ slightly.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_filter import dedupe_command, run_sampled  # noqa: E402
from bench_minhash import machine  # noqa: E402
from corpus import CorpusGenerator, site_url  # noqa: E402


def make_corpus(path: Path, docs: int, dup_rate: float, seed: int) -> int:
    """The corpus as JSONL (written once per size and seed); returns its size in bytes."""
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for rec in CorpusGenerator(docs, dup_rate, seed):
                out.write(json.dumps({"id": rec["id"], "text": rec["text"], "url": site_url(rec["id"]),
                                      "published": rec["published"]}, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path.stat().st_size


def _lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def run_engine(engine: str, corpus: Path, workdir: Path, args: argparse.Namespace) -> dict:
    kept, rejects = workdir / f"{engine}-kept.jsonl", workdir / f"{engine}-rejects.jsonl"
    cmd = [dedupe_command(), "filter", str(corpus), "-o", str(kept), "--rejects", str(rejects), "--quiet"]
    if not args.classify:
        cmd.append("--no-classify")
    if engine == "spark":
        cmd += ["--engine", "spark", "--spark-master", args.master]
    else:
        cmd += ["--workers", str(args.workers)]
    result = run_sampled(cmd, workdir / f"{engine}.log")
    if result["returncode"] != 0:
        raise SystemExit(f"{engine} failed: see {workdir / (engine + '.log')}")
    result.update(kept=_lines(kept), rejected=_lines(rejects))
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", default="20000", help="comma-separated corpus sizes")
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="local engine's worker processes")
    ap.add_argument("--master", default="local[2]", help="Spark master of the Spark run")
    ap.add_argument("--no-classify", dest="classify", action="store_false")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-spark-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# {machine()}; {time.strftime('%Y-%m-%d %H:%M')}; classifier {'on' if args.classify else 'off'}; "
          f"local --workers {args.workers}; spark {args.master}")
    print("| docs | MB | engine | seconds | docs/s | peak tree MB | kept | rejected |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.docs.split(",")):
        corpus = workdir / f"corpus-{n}-{args.seed}.jsonl"
        size = make_corpus(corpus, n, args.dup_rate, args.seed)
        seconds = {}
        for engine in ("local", "spark"):
            r = run_engine(engine, corpus, workdir, args)
            seconds[engine] = r["seconds"]
            print(f"| {n} | {size / 1e6:.0f} | {engine} | {r['seconds']:.0f} | {n / r['seconds']:.0f} | "
                  f"{r['peak_tree_mb']:.0f} | {r['kept']} | {r['rejected']} |", flush=True)
        print(f"| {n} | | spark / local | {seconds['spark'] / seconds['local']:.2f}x time | | | | |", flush=True)


if __name__ == "__main__":
    main()
