"""The whole gate as users run it: `dedupe filter` against a datasketch-only script and datatrove.

    python benchmarks/bench_gate.py                        # English and Arabic, 10,000 documents
    python benchmarks/bench_gate.py --docs 10000,100000 --lang ar

For each language and size it builds one corpus from ../shared/data, byte for byte the one
../shared/tools/gate-speed builds (English article bodies from extraction-aeb, Arabic articles from arabic-news, those over 150
words; 40 % of words swapped at random so every document is distinct; 10 % light copies of the
document before, one word changed), then times on those same documents, each as a whole process
(start-up, imports, reading and writing included) on one core, one after the other:

  datasketch-only       regex \\w+ words, lower-cased, word 5-grams, MinHash(128).update_batch,
                        MinHashLSH(threshold 0.7): query, then insert when nothing matched
  dedupe filter         `dedupe filter --workers 1` with its defaults (classifier on)
  --no-classify         the same without the classifier
  datatrove             its MinHash deduplication pipeline with its default MinhashConfig (5-grams,
                        14 buckets x 8 hashes, 64-bit xxhash), the four local stages
                        (MinhashDedupSignature, MinhashDedupBuckets with one task per bucket,
                        MinhashDedupCluster, MinhashDedupFilter) between JsonlReader and
                        JsonlWriter on local files, LocalPipelineExecutor with one worker

and prints Markdown tables: wall and CPU seconds (user + system of the process and its children),
the ratios to datasketch-only (above 1 = faster than it) and duplicates found; on a machine shared
with other work, read the CPU columns; then where dedupe filter's time went, stage by stage (its `--report` timings;
"start-up and rest" is the process's wall time not inside a stage: interpreter start, imports,
building the stages, the summary). Paste them into benchmarks/RESULTS.md with the load average.

Needs the `bench` extra (`make install-test`): datatrove with orjson, spaCy (its word tokenizer),
tokenizers and xxhash < 4 (see pyproject.toml); without them the datatrove rows are skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(os.environ.get("DEDUPE_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
ENGINES = ("datasketch", "dedupe", "dedupe-no-classify", "datatrove")
STAGES = ("read", "language", "strip", "learned", "sign", "match", "classify", "index", "write")
# Every engine gets one core: numerical libraries must not start thread pools of their own.
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                               "RAYON_NUM_THREADS", "TOKENIZERS_PARALLELISM")} | {"TOKENIZERS_PARALLELISM": "false"}


# ---------------------------------------------------------------------------------------- corpus

def base_texts(lang: str) -> list[str]:
    """News-length real texts of one language (over 150 words), read from ../shared/data."""
    if lang == "en":
        truth = json.loads((SHARED / "data" / "extraction-aeb" / "ground-truth.json").read_text(encoding="utf-8"))
        texts = [page["articleBody"] for page in truth.values()]
    elif lang == "ar":
        with (SHARED / "data" / "arabic-news" / "articles.jsonl").open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh]
    else:
        raise SystemExit(f"--lang {lang}: only en and ar have a corpus")
    return [t for t in texts if len(t.split()) > 150]


def write_corpus(lang: str, docs: int, path: Path, seed: int = 7) -> int:
    """gate-speed's corpus recipe: returns the bytes written (JSONL records {id, text})."""
    rng = random.Random(seed)
    base = base_texts(lang)
    vocab = sorted({w for t in base for w in t.split()})
    previous: str | None = None
    with path.open("w", encoding="utf-8") as out:
        for i in range(docs):
            if previous and rng.random() < 0.1:  # a light copy: the document before, one word changed
                words = previous.split(" ")
                at = rng.randrange(len(words))  # drawn before the word, as gate-speed does
                words[at] = rng.choice(vocab)
            else:  # a distinct document: a real text with 40 % of its words swapped
                words = [w if rng.random() > 0.4 else rng.choice(vocab) for w in rng.choice(base).split(" ")]
            previous = " ".join(words)
            out.write(json.dumps({"id": f"{lang}{i}", "text": previous}, ensure_ascii=False) + "\n")
    return path.stat().st_size


# ------------------------------------------------------------------ engines (each in its own process)

def run_datasketch(corpus: Path) -> int:
    """The script a user writes with datasketch alone; returns documents that matched an earlier one."""
    import regex
    from datasketch import MinHash, MinHashLSH

    words = regex.compile(r"\w+")
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    duplicates = 0
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            toks = words.findall(record["text"].lower())
            grams = [" ".join(toks[i : i + 5]).encode("utf-8") for i in range(max(1, len(toks) - 4))]
            sketch = MinHash(num_perm=128)
            sketch.update_batch(grams)
            if lsh.query(sketch):
                duplicates += 1
            else:
                lsh.insert(record["id"], sketch)
    return duplicates


def run_datatrove(corpus: Path, lang: str, work: Path) -> int:
    """datatrove's four MinHash stages on one worker; returns documents removed."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.typeshelper import Languages

    # "arb" alone maps to a Maltese (Latin-script) tokenizer in datatrove 0.10.1: name the script.
    language = Languages.english if lang == "en" else Languages.standard_arabic__arab
    config = MinhashConfig()
    data, logs = str(corpus.parent), work / "logs"

    def reader() -> JsonlReader:
        return JsonlReader(data, glob_pattern=corpus.name, text_key="text", id_key="id")

    stages = [
        LocalPipelineExecutor([reader(), MinhashDedupSignature(str(work / "signatures"), config=config, language=language)],
                              tasks=1, workers=1, logging_dir=str(logs / "1")),
        LocalPipelineExecutor([MinhashDedupBuckets(str(work / "signatures"), str(work / "buckets"), config=config)],
                              tasks=config.num_buckets, workers=1, logging_dir=str(logs / "2")),
        LocalPipelineExecutor([MinhashDedupCluster(str(work / "buckets"), str(work / "remove_ids"), config=config)],
                              tasks=1, workers=1, logging_dir=str(logs / "3")),
        LocalPipelineExecutor([reader(), MinhashDedupFilter(str(work / "remove_ids")), JsonlWriter(str(work / "kept"))],
                              tasks=1, workers=1, logging_dir=str(logs / "4")),
    ]
    for stage in stages:
        stage.run()
    kept = 0
    for path in (work / "kept").glob("*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            kept += sum(1 for _ in fh)
    with corpus.open(encoding="utf-8") as fh:
        return sum(1 for _ in fh) - kept


# ----------------------------------------------------------------------------------- the harness

def dedupe_command() -> list[str]:
    """The `dedupe` console script of this interpreter's environment (what `make install-test` made)."""
    script = Path(sys.executable).parent / "dedupe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dedupe"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], timeout: float) -> tuple[float | None, float, str]:
    """Wall seconds and CPU seconds (user + system, its own children included) of a whole process,
    or None and its last error line. On a machine shared with other work the CPU seconds are the
    fairer measure: wall time then counts the waits for a core."""
    start, cpu = time.perf_counter(), _children_cpu()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=os.environ | ONE_THREAD)
    except subprocess.TimeoutExpired:
        return None, 0.0, f"over {timeout:.0f} s"
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode != 0:
        return None, cpu, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:200]
    return seconds, cpu, proc.stdout


def measure(engine: str, lang: str, corpus: Path, work: Path, timeout: float) -> dict:
    """One engine on one corpus: {seconds, cpu, duplicates, timings (dedupe only), error}."""
    here = Path(__file__).resolve()
    if engine in ("datasketch", "datatrove"):
        cmd = [sys.executable, str(here), "--run", engine, "--input", str(corpus)]
        if engine == "datatrove":
            shutil.rmtree(work / "datatrove", ignore_errors=True)
            cmd += ["--lang", lang, "--work", str(work / "datatrove")]
        seconds, cpu, out = timed(cmd, timeout)
        return {"seconds": seconds, "cpu": cpu, "duplicates": int(out.split()[-1]) if seconds else None,
                "error": out if not seconds else ""}
    report = work / f"{engine}.report.json"
    cmd = [*dedupe_command(), "filter", str(corpus), "-o", str(work / "kept.jsonl"), "--rejects", str(work / "rejects.jsonl"),
           "--report", str(report), "--workers", "1", "--quiet"]
    if engine == "dedupe-no-classify":
        cmd.append("--no-classify")
    seconds, cpu, out = timed(cmd, timeout)
    if not seconds:
        return {"seconds": None, "cpu": cpu, "duplicates": None, "error": out}
    data = json.loads(report.read_text(encoding="utf-8"))
    reasons = data["summary"]["reasons"]
    return {"seconds": seconds, "cpu": cpu, "duplicates": reasons.get("exact_duplicate", 0) + reasons.get("near_duplicate", 0),
            "timings": data.get("timings", {}), "error": ""}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", default="10000", help="comma-separated corpus sizes (default 10000)")
    ap.add_argument("--lang", default="en,ar", help="comma-separated: en, ar")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds one engine may take on one corpus")
    ap.add_argument("--workdir", default=None, help="keep corpora and outputs here (default: a temporary folder)")
    ap.add_argument("--run", choices=("datasketch", "datatrove"), help=argparse.SUPPRESS)  # one engine, in this process
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run == "datasketch":
        print(run_datasketch(Path(args.input)))
        return
    if args.run == "datatrove":
        print(run_datatrove(Path(args.input), args.lang, Path(args.work)))
        return

    engines = [e for e in args.engines.split(",") if e]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        ap.error(f"unknown engines: {', '.join(unknown)}")
    if "datatrove" in engines and subprocess.run([sys.executable, "-c", "import datatrove.pipeline.dedup, spacy, orjson"],
                                                 capture_output=True).returncode:
        print("datatrove, spacy or orjson is missing: install the bench extra (make install-test); datatrove skipped\n")
        engines.remove("datatrove")
    sizes = [int(n) for n in args.docs.split(",")]
    langs = args.lang.split(",")
    print(f"cores: {os.cpu_count()}, load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"python {sys.version.split()[0]}; one core per engine, one engine at a time\n")
    rows, stage_rows = [], []
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
        root = Path(args.workdir or tmp)
        for docs in sizes:
            for lang in langs:
                work = root / f"{lang}-{docs}"
                (work / "in").mkdir(parents=True, exist_ok=True)
                corpus = work / "in" / "corpus.jsonl"
                size = write_corpus(lang, docs, corpus)
                results = {}
                for e in engines:  # each result to stderr as it comes: a long run shows progress
                    results[e] = r = measure(e, lang, corpus, work, args.timeout)
                    print(f"... {lang} {docs} {e}: " + (f"wall {r['seconds']:.1f} s, CPU {r['cpu']:.1f} s, "
                          f"{r['duplicates']} duplicates" if r["seconds"] else f"failed: {r['error']}"),
                          file=sys.stderr, flush=True)
                base = results.get("datasketch", {})
                for engine, r in results.items():
                    rows.append((lang, docs, size, engine, r, base))
                    if r.get("timings") and r["seconds"]:
                        stage_rows.append((lang, docs, engine, r))
                print(f"... {lang} {docs}: " + ", ".join(f"{e} {r['seconds']:.1f} s" if r["seconds"] else f"{e} failed"
                                                        for e, r in results.items()), file=sys.stderr, flush=True)
    print("| corpus | docs | MB | engine | wall s | × datasketch-only (wall) | CPU s | × datasketch-only (CPU) | docs/s (wall) | duplicates found |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    names = {"datasketch": "datasketch-only", "dedupe": "`dedupe filter` (defaults)",
             "dedupe-no-classify": "`dedupe filter --no-classify`", "datatrove": "datatrove MinHash (4 stages)"}
    for lang, docs, size, engine, r, base in rows:
        if not r["seconds"]:
            print(f"| {lang} | {docs:,} | {size / 1e6:.0f} | {names[engine]} | failed: {r['error']} | | | | | |")
            continue
        wall = f"{base['seconds'] / r['seconds']:.2f}" if base.get("seconds") else "—"
        cpu = f"{base['cpu'] / r['cpu']:.2f}" if base.get("seconds") and r["cpu"] > 0 else "—"
        print(f"| {lang} | {docs:,} | {size / 1e6:.0f} | {names[engine]} | {r['seconds']:.1f} | {wall} | {r['cpu']:.1f} | "
              f"{cpu} | {docs / r['seconds']:,.0f} | {r['duplicates']:,} |")
    if stage_rows:
        print("\nWhere `dedupe filter --workers 1` spent its time (seconds; from its --report timings):\n")
        print("| corpus | docs | run | " + " | ".join(STAGES) + " | start-up and rest | wall | CPU |")
        print("|---|---:|---|" + "---:|" * (len(STAGES) + 3))
        for lang, docs, engine, r in stage_rows:
            t = r["timings"]
            rest = r["seconds"] - sum(t.get(s, 0.0) for s in STAGES)
            print(f"| {lang} | {docs:,} | {'defaults' if engine == 'dedupe' else '--no-classify'} | "
                  + " | ".join(f"{t.get(s, 0.0):.1f}" for s in STAGES) + f" | {rest:.1f} | {r['seconds']:.1f} | {r['cpu']:.1f} |")
    print(f"\nload average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
