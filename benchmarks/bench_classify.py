"""Classification throughput: documents per second on one core (default model, real news text).

    .venv/bin/python benchmarks/bench_classify.py [--shared ../shared] [--repeat 3]

Reads human Arabic news (../shared/data/arabic-news) and the extraction benchmark's gold bodies
(mostly English), prepares them as `dedupe classify` does (language, strip), then times the
Classifier stage alone and the whole preparation + classify chain, in one process with BLAS
threads pinned to one, so documents per second is per core.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dedupe.config import load_config  # noqa: E402
from dedupe.document import Document  # noqa: E402
from dedupe.pipeline import run_pipeline  # noqa: E402
from dedupe.quality import Classifier  # noqa: E402
from dedupe.quality.prepare import preparation_stages  # noqa: E402


def load_docs(shared: Path) -> list[Document]:
    docs = []
    for line in (shared / "data/arabic-news/articles.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs.append(Document(id=r["id"], text=r["text"], url=r["url"]))
    gold = json.loads((shared / "data/extraction-aeb/ground-truth.json").read_text(encoding="utf-8"))
    for key, entry in sorted(gold.items()):
        if entry.get("articleBody"):
            docs.append(Document(id=key, text=entry["articleBody"], url=entry.get("url")))
    for i, d in enumerate(docs):
        d.input_order = i
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cfg = load_config()
    classifier = Classifier.load(cfg=cfg.quality)
    base = load_docs(args.shared)
    chars = sum(len(d.text) for d in base)
    prepared = list(run_pipeline(copy.deepcopy(base), preparation_stages(cfg)))
    best_classify = best_total = float("inf")
    for _ in range(args.repeat):
        docs = copy.deepcopy(prepared)
        t0 = time.perf_counter()
        classifier.classify(docs)
        best_classify = min(best_classify, time.perf_counter() - t0)
        docs = copy.deepcopy(base)
        t0 = time.perf_counter()
        list(run_pipeline(docs, [*preparation_stages(cfg), classifier]))
        best_total = min(best_total, time.perf_counter() - t0)
    n = len(base)
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, 1 process, BLAS threads 1")
    print(f"documents: {n} ({chars / n / 1000:.1f} K characters on average; Arabic news and English web articles)")
    print(f"classify stage alone:           {n / best_classify:8.1f} documents/s per core ({1000 * best_classify / n:.1f} ms each)")
    print(f"language + strip + classify:    {n / best_total:8.1f} documents/s per core ({1000 * best_total / n:.1f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
