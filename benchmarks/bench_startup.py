"""Start-up: wall time of `dedupe --help` and of `dedupe filter` on one document, and which imports dominate.

    python benchmarks/bench_startup.py [--runs 5] [--tree PATH]...

The document is a news article of ~5,600 characters (the first English article body of 4,000
characters or more in ../shared/data/extraction-aeb; a built-in short story when ../shared is
absent). For context, the same run times `python -c 'import numpy'` (the floor: every filter
run needs numpy) and `python -c 'import datasketch'` (what a datasketch-only script loads first).
Each command runs as a fresh process `--runs` times; the median and the fastest are printed
(the fastest is the least disturbed by other work on the machine), and the least CPU time (user +
system) of the process, which a busy machine disturbs far less than the wall time. `--tree PATH` runs the
package found at PATH instead (e.g. an older checkout unpacked with `git archive`); given twice,
the two trees' runs interleave, so a before and after are measured under the same load. The filter
also runs with a new, empty cache folder each time (`DEDUPE_CACHE_DIR`: the rule-pattern cache of
dedupe.strip.cache and the code point tables of dedupe.cachedir), as the first run after installing does. Then `python -X importtime` of the filter run is summed
per top-level package (its own time, not counting what it imports), largest first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEDUPE_SHARED", REPO.parent / "shared"))
COLD = "  ... with an empty cache folder"
COLD_DEFAULTS = "  ... defaults, empty cache folder"
ONE_DOC = {"id": "one", "url": "https://example.com/a", "text": "A single short news story, told in a few words. " * 8}


def news_document() -> dict[str, str]:
    """One news-length English article from ../shared (ONE_DOC when it is absent)."""
    path = SHARED / "data" / "extraction-aeb" / "ground-truth.json"
    if not path.exists():
        return ONE_DOC
    gold = json.loads(path.read_text(encoding="utf-8"))
    for key, value in sorted(gold.items()):
        if len(value.get("articleBody") or "") >= 4000:
            return {"id": key[:12], "url": "https://example.com/a", "text": value["articleBody"]}
    return ONE_DOC


def _env(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of `cmd` as a fresh process; CPU (user + system) is what other work on a
    shared machine disturbs least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def import_profile(cmd: list[str], env: dict[str, str], top: int = 10) -> list[tuple[str, float]]:
    """Seconds of own import time per top-level package while running `cmd` under -X importtime."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], capture_output=True, text=True, env=env)
    own: Counter[str] = Counter()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            self_us = int(parts[0].split(":")[1])
        except ValueError:
            continue
        own[parts[2].strip().split(".")[0]] += self_us / 1e6
    return own.most_common(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, action="append", default=None,
                        help="package tree to run instead of this checkout (repeatable: the trees' runs interleave, "
                             "so a busy machine slows them alike and their ratio holds)")
    args = parser.parse_args()
    trees: list[Path | None] = list(args.tree) if args.tree else [None]
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        doc = Path(tmp) / "one.jsonl"
        document = news_document()
        doc.write_text(json.dumps(document) + "\n", encoding="utf-8")
        bare = Path(tmp) / "no-url.jsonl"  # the same text without a URL: no source, so no tldextract
        bare.write_text(json.dumps({k: v for k, v in document.items() if k != "url"}) + "\n", encoding="utf-8")
        out = ["-o", str(Path(tmp) / "kept.jsonl"), "--rejects", str(Path(tmp) / "rejects.jsonl"), "-q"]
        cases = {
            "python -c 'import numpy' (reference)": [py, "-c", "import numpy"],
            "python -c 'import datasketch' (ref.)": [py, "-c", "import datasketch"],
            "python -c 'import dedupe'": [py, "-c", "import dedupe"],
            "dedupe --help": [py, "-m", "dedupe", "--help"],
            "dedupe filter, 1 doc, --no-classify": [py, "-m", "dedupe", "filter", str(doc), *out, "--no-classify"],
            COLD: [py, "-m", "dedupe", "filter", str(doc), *out, "--no-classify"],
            "dedupe filter, 1 doc, defaults": [py, "-m", "dedupe", "filter", str(doc), *out],
            COLD_DEFAULTS: [py, "-m", "dedupe", "filter", str(doc), *out],
            "  ... defaults, document without a URL": [py, "-m", "dedupe", "filter", str(bare), *out],
        }
        print(f"runs: {args.runs}   python: {sys.version.split()[0]}   cores: {os.cpu_count()}   "
              f"load at start: {os.getloadavg()[0]:.1f}   document: {document['id']} ({len(document['text'])} characters)")
        times: dict[tuple[int, str], list[tuple[float, float]]] = {(t, name): [] for t in range(len(trees)) for name in cases}
        for _ in range(args.runs):
            for t, tree in enumerate(trees):
                for name, cmd in cases.items():
                    env = _env(tree)
                    if name in (COLD, COLD_DEFAULTS):  # a fresh, empty cache folder: patterns and tables again
                        env["DEDUPE_CACHE_DIR"] = tempfile.mkdtemp(prefix="cold-cache-", dir=tmp)
                    times[(t, name)].append(run_once(cmd, env))
        for t, tree in enumerate(trees):
            print(f"\ntree: {tree or REPO}")
            print(f"{'command':<40} {'median s':>9} {'fastest s':>10} {'least CPU s':>12}")
            for name in cases:
                walls = [w for w, _ in times[(t, name)]]
                cpu = min(c for _, c in times[(t, name)])
                print(f"{name:<40} {statistics.median(walls):>9.3f} {min(walls):>10.3f} {cpu:>12.3f}")
        print(f"\nload at end: {os.getloadavg()[0]:.1f}")
        for name in ("dedupe filter, 1 doc, --no-classify", "dedupe filter, 1 doc, defaults"):
            profile = import_profile(cases[name], _env(trees[-1]))
            print(f"\nown import time by package, {name}, tree {trees[-1] or REPO} (one run, -X importtime):")
            for package, seconds in profile:
                print(f"  {package:<28} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
