"""Classification throughput: documents per second on one core (default model, real news text).

    .venv/bin/python benchmarks/bench_classify.py [--shared ../shared] [--docs 1000] [--lang en,ar]
                                                  [--repeat 3] [--profile OUT.prof]

Per language, builds N distinct news-length documents the way `../shared/tools/gate-speed` does
(English article bodies from extraction-aeb, Arabic articles from arabic-news, each over 150 words;
40 % of words swapped for others of the corpus so no two documents are alike, 10 % light copies of
the previous one), prepares them as `dedupe classify` does (language, strip), then times the
Classifier stage alone and the whole preparation + classify chain, in one process with BLAS threads
pinned to one, so documents per second is per core; it prints documents per wall-clock second and
per CPU second of the process (the latter is the fairer figure on a shared, loaded machine, where
wall time includes waiting for a core). `--profile` writes a cProfile of one classify
run per language (OUT.en.prof, OUT.ar.prof) for `python -m pstats`.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import copy  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
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


def base_texts(shared: Path, lang: str) -> list[str]:
    """The real articles a language's corpus is built from (over 150 words each, as gate-speed)."""
    if lang == "en":
        gold = json.loads((shared / "data/extraction-aeb/ground-truth.json").read_text(encoding="utf-8"))
        texts = [v["articleBody"] for _, v in sorted(gold.items())]
    else:
        rows = [json.loads(line) for line in
                (shared / "data/arabic-news/articles.jsonl").read_text(encoding="utf-8").splitlines()]
        texts = [r["text"] for r in rows]
    return [t for t in texts if len(t.split()) > 150]


def build_docs(shared: Path, lang: str, n: int, seed: int = 7) -> list[Document]:
    """N distinct documents: words swapped at random (40 %), one in ten a light copy of the previous one."""
    rng = random.Random(seed)
    base = base_texts(shared, lang)
    vocab = sorted({w for t in base for w in t.split()})
    docs: list[Document] = []
    prev = None
    for i in range(n):
        if prev and rng.random() < 0.1:
            words = prev.split(" ")
            words[rng.randrange(len(words))] = rng.choice(vocab)
            text = " ".join(words)
        else:
            text = " ".join(w if rng.random() > 0.4 else rng.choice(vocab) for w in rng.choice(base).split(" "))
        prev = text
        docs.append(Document(id=f"{lang}{i}", text=text, input_order=i))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--lang", default="en,ar")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a cProfile of one classify run per language")
    args = parser.parse_args()
    cfg = load_config()
    classifier = Classifier.load(cfg=cfg.quality)
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"1 process, BLAS threads 1; best of {args.repeat}")
    for lang in args.lang.split(","):
        base = build_docs(args.shared, lang, args.docs)
        chars = sum(len(d.text) for d in base)
        prepared = list(run_pipeline(copy.deepcopy(base), preparation_stages(cfg)))
        classifier.classify(copy.deepcopy(prepared[:50]))  # warm caches (lexicon, patterns) before timing
        best_classify = best_total = cpu_classify = cpu_total = float("inf")
        for _ in range(args.repeat):
            docs = copy.deepcopy(prepared)
            t0, c0 = time.perf_counter(), time.process_time()
            classifier.classify(docs)
            best_classify = min(best_classify, time.perf_counter() - t0)
            cpu_classify = min(cpu_classify, time.process_time() - c0)
            docs = copy.deepcopy(base)
            t0, c0 = time.perf_counter(), time.process_time()
            list(run_pipeline(docs, [*preparation_stages(cfg), classifier]))
            best_total = min(best_total, time.perf_counter() - t0)
            cpu_total = min(cpu_total, time.process_time() - c0)
        if args.profile:
            out = args.profile.with_suffix(f".{lang}.prof")
            docs = copy.deepcopy(prepared)
            cProfile.runctx("classifier.classify(docs)", globals(), {"classifier": classifier, "docs": docs},
                            filename=str(out))
            print(f"  profile: {out}")
        n = len(base)
        print(f"{lang}: {n} documents, {chars / n / 1000:.1f} K characters on average")
        print(f"  classify stage alone:        {n / best_classify:8.1f} documents/s wall, "
              f"{n / cpu_classify:8.1f} per CPU second ({1000 * cpu_classify / n:.2f} ms CPU each)")
        print(f"  language + strip + classify: {n / best_total:8.1f} documents/s wall, "
              f"{n / cpu_total:8.1f} per CPU second ({1000 * cpu_total / n:.2f} ms CPU each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
