"""Whole `dedupe filter` runs on generated news corpora: speed, peak memory of the process tree, and
precision/recall on the injected copies, with datasketch's near-duplicate detection timed beside it.

    python benchmarks/bench_filter.py --docs 10000 --classify            # about 2 minutes
    python benchmarks/bench_filter.py --docs 10000,100000 --workers 2
    nohup python benchmarks/bench_filter.py --docs 1000000 --reference-max-docs 1000000 --workdir /tmp/bf1m > bf1m.log 2>&1 &

For each N: the corpus (benchmarks/corpus.py: id, text, url, published; 10 % injected copies) is
streamed to WORKDIR/corpus-N.jsonl, then `dedupe filter` runs on it as a subprocess while the
resident memory of its whole process tree (main process and worker children) is sampled from
/proc every 0.2 s. The rejects file is scored against the generator's labels. Then
bench_minhash.py's datasketch engine (MinHash.generator + MinHashLSH, shingles built in Python)
runs the near-duplicate part alone on the same generated documents, in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_minhash import machine  # noqa: E402
from bench_near_quality import _jaccard  # noqa: E402
from corpus import CorpusGenerator, site_url, write_jsonl  # noqa: E402

from dedupe.config import load_config  # noqa: E402

FIELDS = ("id", "text", "url", "published")
DUPLICATE_REASONS = ("exact_duplicate", "near_duplicate")
SAMPLE_SECONDS = 0.2
TRACE_SECONDS = 5.0
ORIGINALS_KEPT = 20_000  # originals remembered for the true-Jaccard check (corpus.py copies from its last 5,000)


# ---------------------------------------------------------------- corpus and its labels


class Truth:
    """What the generator says: which documents are copies, of which family, and their exact 5-gram Jaccard."""

    def __init__(self, ngram: int) -> None:
        self.ngram = ngram
        self.family: dict[str, str] = {}  # copy id -> its original's id (an original is its own family)
        self.true_j: dict[str, float] = {}  # copy id -> exact Jaccard with its original
        self.unknown_j = 0
        self.text_mb = 0.0

    def observe(self, records: Iterator[dict]) -> Iterator[dict]:
        """Pass records through, with a URL added, noting the labels on the way."""
        recent: OrderedDict[str, str] = OrderedDict()
        for rec in records:
            self.text_mb += len(rec["text"].encode("utf-8")) / 1e6
            if rec["copy_of"] is None:
                recent[rec["id"]] = rec["text"]
                if len(recent) > ORIGINALS_KEPT:
                    recent.popitem(last=False)
            else:
                self.family[rec["id"]] = rec["family"]
                original = recent.get(rec["copy_of"])
                if original is None:
                    self.unknown_j += 1
                else:
                    self.true_j[rec["id"]] = _jaccard(rec["text"], original, self.ngram)
            yield rec | {"url": site_url(rec["id"])}

    def family_of(self, doc_id: str) -> str:
        return self.family.get(doc_id, doc_id)


def make_corpus(path: Path, docs: int, dup_rate: float, seed: int, ngram: int) -> tuple[Truth, int]:
    """Write the corpus as JSONL; returns its labels and its size in bytes."""
    truth = Truth(ngram)
    _, size = write_jsonl(truth.observe(iter(CorpusGenerator(docs, dup_rate, seed))), path, FIELDS)
    return truth, size


# ---------------------------------------------------------------- memory of a process tree


def _children_map() -> dict[int, list[int]]:
    """ppid -> child pids, from /proc/*/stat (this kernel has no /proc/<pid>/task/*/children)."""
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> tuple[int, int, int]:
    """(RSS of root and all its descendants, RSS of root, processes) in KiB."""
    children = _children_map()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, ()))
    main = _rss_kb(root)
    return main + sum(_rss_kb(p) for p in pids[1:]), main, len(pids)


def _written(paths: list[Path]) -> int:
    """Bytes in the output files so far (while running they are `.NAME.PID.*.tmp` beside the target)."""
    total = 0
    for path in paths:
        for part in [path, *path.parent.glob(f".{path.name}.*.tmp")]:
            try:
                total += part.stat().st_size
            except OSError:
                pass
    return total


def run_sampled(cmd: list[str], log: Path, trace: Path | None = None, watch: list[Path] = ()) -> dict:
    """Run cmd, sampling its process tree's RSS; returns seconds, peaks (MB), exit code and max-RSS from wait4."""
    peak_tree = peak_main = max_procs = 0
    rows = []
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        next_trace = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                seconds = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            tree, main, procs = tree_rss_kb(proc.pid)
            peak_tree, peak_main, max_procs = max(peak_tree, tree), max(peak_main, main), max(max_procs, procs)
            now = time.perf_counter() - start
            if trace is not None and now >= next_trace:
                written = _written(watch)
                rows.append(f"{now:.1f},{tree / 1024:.0f},{main / 1024:.0f},{procs},{written / 1e6:.0f}")
                next_trace = now + TRACE_SECONDS
            time.sleep(SAMPLE_SECONDS)
    if trace is not None:
        trace.write_text("seconds,tree_rss_mb,main_rss_mb,processes,output_mb_written\n" + "\n".join(rows) + "\n")
    return {"seconds": seconds, "returncode": proc.returncode, "peak_tree_mb": peak_tree / 1024,
            "peak_main_mb": peak_main / 1024, "processes": max_procs, "wait4_maxrss_mb": usage.ru_maxrss / 1024}


# ---------------------------------------------------------------- one benchmark run


def dedupe_command() -> str:
    """The `dedupe` console script of this interpreter's environment."""
    exe = Path(sys.executable).with_name("dedupe")
    return str(exe) if exe.exists() else shutil.which("dedupe") or "dedupe"


def score(rejects: Path, truth: Truth, threshold: float) -> dict:
    """Precision and recall of the duplicate rejections against the injected copies."""
    flagged = right = right_family = 0
    caught: set[str] = set()
    with rejects.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            info = rec["dedupe"]
            if not any(r in DUPLICATE_REASONS for r in info["reasons"]):
                continue
            flagged += 1
            doc_id = info["id"]
            if doc_id in truth.family:
                right += 1
                caught.add(doc_id)
                if truth.family_of(info.get("duplicate_of", "")) == truth.family[doc_id]:
                    right_family += 1
    above = [d for d, j in truth.true_j.items() if j >= threshold]
    return {
        "copies": len(truth.family),
        "flagged": flagged,
        "true_positives": right,
        "same_family": right_family,
        "precision": right / flagged if flagged else float("nan"),
        "recall": len(caught) / len(truth.family) if truth.family else float("nan"),
        "copies_above": len(above),
        "recall_above": sum(d in caught for d in above) / len(above) if above else float("nan"),
        "true_j_unknown": truth.unknown_j,
    }


def bench_one(docs: int, args: argparse.Namespace, workdir: Path, threshold: float, ngram: int) -> dict:
    tag = f"{docs}-{'classify' if args.classify else 'noclassify'}-w{args.workers}"
    corpus = workdir / f"corpus-{docs}.jsonl"
    t0 = time.perf_counter()
    truth, size = make_corpus(corpus, docs, args.dup_rate, args.seed, ngram)
    print(f"[{docs:,}] corpus written in {time.perf_counter() - t0:.0f}s: {size / 1e6:,.0f} MB", file=sys.stderr, flush=True)

    kept, rejects, report = workdir / f"kept-{tag}.jsonl", workdir / f"rejects-{tag}.jsonl", workdir / f"report-{tag}.json"
    cmd = [dedupe_command(), "filter", str(corpus), "-o", str(kept), "--rejects", str(rejects), "--report", str(report),
           "--quiet", "--workers", str(args.workers)]
    if not args.classify:
        cmd.append("--no-classify")
    if args.batch_docs:
        cmd += ["--batch-docs", str(args.batch_docs)]
    run = run_sampled(cmd, workdir / f"filter-{tag}.log", workdir / f"trace-{tag}.csv", [kept, rejects])
    print(f"[{docs:,}] filter: {run['seconds']:.0f}s, exit {run['returncode']}, peak tree {run['peak_tree_mb']:,.0f} MB",
          file=sys.stderr, flush=True)
    row = {"docs": docs, "classify": args.classify, "workers": args.workers, "batch_docs": args.batch_docs,
           "input_mb": size / 1e6, "text_mb": truth.text_mb, "command": " ".join(cmd), **run}
    if run["returncode"] != 0:
        row["error"] = (workdir / f"filter-{tag}.log").read_text(errors="replace")[-2000:]
        return row
    rep = json.loads(report.read_text())
    row.update(kept=rep["summary"]["kept"], rejected=rep["summary"]["rejected"], reasons=rep["summary"]["reasons"],
               batches=rep["near"].get("batches"))
    row.update(score(rejects, truth, threshold))

    if args.reference and docs <= args.reference_max_docs:
        ref_cmd = [sys.executable, str(HERE / "bench_minhash.py"), "--worker", "datasketch", "detect",
                   "--docs", str(docs), "--seed", str(args.seed), "--repeat", "1"]
        ref_log = workdir / f"datasketch-{docs}.log"
        ref = run_sampled(ref_cmd, ref_log)
        if ref["returncode"] == 0:
            out = json.loads(ref_log.read_text().strip().splitlines()[-1])
            row["datasketch"] = {"seconds": out["seconds"], "text_mb": out["mb"], "duplicates": out["duplicates"],
                                 "peak_rss_mb": out["peak_rss_mb"], "process_seconds": ref["seconds"],
                                 "same_documents": abs(out["mb"] - truth.text_mb) < 1e-6 * max(1.0, truth.text_mb)}
            print(f"[{docs:,}] datasketch near-duplicates: {out['seconds']:.0f}s", file=sys.stderr, flush=True)
        else:
            row["datasketch"] = {"error": ref_log.read_text(errors="replace")[-2000:]}
    if not args.keep_outputs:
        for path in (corpus, kept, rejects):
            path.unlink(missing_ok=True)
    return row


# ---------------------------------------------------------------- table


def _reasons(r: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(r["reasons"].items())) or "—"


def print_tables(rows: list[dict]) -> None:
    print("| docs | classify | input MB | wall s | docs/s | MB/s | peak RSS tree MB | peak RSS main MB | kept | rejected (by reason) "
          "| injected copies | precision | recall | recall (true J ≥ 0.7) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        head = (f"| {r['docs']:,} | {'on' if r['classify'] else 'off'} | {r['input_mb']:,.0f} | {r['seconds']:,.1f} | "
                f"{r['docs'] / r['seconds']:,.0f} | {r['input_mb'] / r['seconds']:.2f} | {r['peak_tree_mb']:,.0f} | {r['peak_main_mb']:,.0f} |")
        if "error" in r:
            print(head + f" failed (exit {r['returncode']}) | | | | | |")
            continue
        print(head + f" {r['kept']:,} | {r['rejected']:,} ({_reasons(r)}) | {r['copies']:,} | {r['precision']:.4f} | "
              f"{r['recall']:.4f} | {r['recall_above']:.4f} (of {r['copies_above']:,}) |")
    refs = [r for r in rows if "datasketch" in r]
    if not refs:
        return
    print("\n| docs | classify | `dedupe filter` s (everything) | datasketch near-duplicates s | filter ÷ datasketch | datasketch duplicates | datasketch peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in refs:
        d = r["datasketch"]
        if "error" in d:
            print(f"| {r['docs']:,} | {'on' if r['classify'] else 'off'} | {r['seconds']:,.1f} | failed | | | |")
            continue
        print(f"| {r['docs']:,} | {'on' if r['classify'] else 'off'} | {r['seconds']:,.1f} | {d['seconds']:,.1f} | "
              f"{r['seconds'] / d['seconds']:.2f} | {d['duplicates']:,} | {d['peak_rss_mb']:,.0f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", action="append", default=None, help="documents per run (repeatable or a comma list; default 10000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--classify", action=argparse.BooleanOptionalAction, default=False,
                    help="run the classifier too (default: --no-classify)")
    ap.add_argument("--batch-docs", type=int, default=None, help="pass --batch-docs to dedupe filter (default: its [filter] batch_docs)")
    ap.add_argument("--workdir", default=None, help="where the corpus and outputs go (default: a temporary folder, removed after)")
    ap.add_argument("--keep-outputs", action="store_true", help="keep corpus, kept and rejects files in --workdir")
    ap.add_argument("--reference", action=argparse.BooleanOptionalAction, default=True,
                    help="also time datasketch's near-duplicate detection on the same documents")
    ap.add_argument("--reference-max-docs", type=int, default=100_000, help="skip the datasketch run above this many documents")
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    sizes = [int(n.replace("_", "")) for spec in (args.docs or ["10000"]) for n in spec.split(",") if n]

    cfg = load_config()
    tmp = None
    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench-filter-")
        workdir = Path(tmp.name)
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"corpus: benchmarks/corpus.py, {args.dup_rate:.0%} injected copies, seed {args.seed}; filter settings: defaults "
          f"(batch_docs {args.batch_docs or cfg.filter.batch_docs}, threshold {cfg.near.threshold})\n")
    rows = []
    try:
        for docs in sizes:
            rows.append(bench_one(docs, args, workdir, cfg.near.threshold, cfg.near.ngram))
            print(f"command: {rows[-1]['command']}")
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        print()
        print_tables(rows)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
