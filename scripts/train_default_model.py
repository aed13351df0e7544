"""Rebuild the default quality model shipped in the package from the public data in ../shared/data.

    .venv/bin/python scripts/train_default_model.py [--shared ../shared] [-o dedupe/models/quality-default.json]

Every document goes through the same preparation as `dedupe classify` (language, strip), then
grouped 5-fold cross-validation gives every row a held-out prediction for the metrics (written to
dedupe/models/quality-default-metrics.json and printed), and the shipped model is fitted on all rows.
machine_translated on years of news it never saw: scripts/mt_transfer.py. `--wmt-years` also trains
machine_translated on mt-de-en/train-docs (WMT 2008-2018) with a balanced signal stage: the recipe
mt_transfer.py measures, which the shipped model does not use (docs/model-card.md says why).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dedupe.lang import LanguageDetector  # noqa: E402
from dedupe.pipeline import run_pipeline  # noqa: E402
from dedupe.quality import corpora  # noqa: E402
from dedupe.quality.classifier import signal_settings  # noqa: E402
from dedupe.config import load_config  # noqa: E402
from dedupe.quality.features import FEATURE_VERSION, HashingSettings  # noqa: E402
from dedupe.quality.metrics import metrics_table  # noqa: E402
from dedupe.quality.model import TrainSettings  # noqa: E402
from dedupe.quality.training import evaluate, fit_prepared, held_out_predictions, language_slices, prepare  # noqa: E402
from dedupe.strip import RuleSet, Stripper  # noqa: E402

SOURCES = {
    "hplt": ("data/hplt-quality/annotations.jsonl", "hplt-project/release2_inspection @401e9e5", "MIT"),
    "mt-de-en": ("data/mt-de-en", "tobiasvanderwerff/HT-vs-MT @5b89f32 (WMT18 de-en)", "MIT"),
    "wmt-de-en": ("data/mt-de-en/train-docs", "tobiasvanderwerff/HT-vs-MT @5b89f32, experiments/10/data "
                  "(WMT 2008-2018 de-en documents; original English as human negatives)", "MIT"),
    "mt-ar": ("data/mt-ar/system_outputs.jsonl", "wmt-conference/wmt25-general-mt @ebae873 (en-ar_EG)", "WMT research data, no licence file"),
    "arabic-news": ("data/arabic-news", "AdarshKumar712/NLP_Shared_Task_2022 @16090f5 + SemEval-2022 Task 8 pairs", "no licence file; research and evaluation only"),
    "extraction-aeb": ("data/extraction-aeb/ground-truth.json", "scrapinghub/article-extraction-benchmark @4a3bc97", "MIT"),
    "seeds": ("seeds", "the project's five seed articles", "given"),
    "sample": ("fixtures/sample/corpus.jsonl", "this repository", "project licence"),
}


def load_examples(shared: Path, wmt_years: bool = False) -> list[corpora.Example]:
    examples = corpora.hplt_quality(shared / SOURCES["hplt"][0])
    examples += corpora.mt_de_en(shared / SOURCES["mt-de-en"][0])
    examples += corpora.mt_ar(shared / SOURCES["mt-ar"][0])
    examples += corpora.arabic_news(shared / SOURCES["arabic-news"][0])
    examples += corpora.extraction_aeb(shared / SOURCES["extraction-aeb"][0])
    examples += corpora.seeds(shared / SOURCES["seeds"][0])
    if wmt_years:  # WMT 2008-2018 (mt-de-en/train-docs): not in the shipped model, see docs/model-card.md
        examples += corpora.wmt_de_en_years(shared / SOURCES["mt-de-en"][0])
    sample = REPO / SOURCES["sample"][0]
    if sample.exists():
        examples += corpora.sample_corpus(sample)
    return examples


def prepare_documents(examples: list[corpora.Example]) -> None:
    """Language and strip, exactly as `dedupe classify` does before classifying."""
    cfg = load_config()
    stages = [LanguageDetector.from_config(cfg.lang), Stripper(RuleSet.load(cfg.strip.rules_dirs, cfg.strip.disable))]
    docs = [e.doc for e in examples]
    for i, d in enumerate(docs):
        d.input_order = i
    list(run_pipeline(docs, stages))
    corpora.credited_as_syndicated(examples)


def corpus_slices(data) -> dict[str, np.ndarray]:
    corpus = np.array([e.doc.record.get("corpus", "") for e in data.examples])
    langs = np.array(data.langs)
    return {
        "hplt": corpus == "hplt",
        "hplt-ar": (corpus == "hplt") & (langs == "ar"),
        "mt-de-en": corpus == "mt-de-en",
        "wmt-de-en": corpus == "wmt-de-en",
        "mt-ar+news": np.isin(corpus, ["mt-ar", "arabic-news"]),
        "arabic-news": corpus == "arabic-news",
        "seeds": corpus == "seeds",
        "extraction-aeb": corpus == "extraction-aeb",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "dedupe/models/quality-default.json")
    parser.add_argument("--metrics", type=Path, default=REPO / "dedupe/models/quality-default-metrics.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--predictions", type=Path, help="also write every row's held-out probabilities (JSONL)")
    parser.add_argument("--wmt-years", action="store_true",
                        help="also train machine_translated on mt-de-en/train-docs, its signal stage balanced")
    args = parser.parse_args()

    t0 = time.perf_counter()
    examples = load_examples(args.shared, args.wmt_years)
    prepare_documents(examples)
    cfg = load_config().quality
    hashing = HashingSettings()
    settings = TrainSettings.from_config(cfg.train)  # [quality.train] in dedupe/defaults.toml
    if args.wmt_years:
        mt = {**settings.per_label.get("machine_translated", {}), "balanced": True}
        settings = replace(settings, per_label={**settings.per_label, "machine_translated": mt})
    data = prepare(examples, signal_settings(cfg), hashing)
    print(f"prepared {len(examples)} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    probs, mask = held_out_predictions(data, hashing, settings, folds=args.folds)
    if args.predictions:
        with args.predictions.open("w", encoding="utf-8") as fh:
            for i, e in enumerate(data.examples):
                fh.write(json.dumps({"id": e.doc.id, "group": e.group, "corpus": e.doc.record.get("corpus", ""),
                                     "lang": data.langs[i], "targets": e.targets,
                                     "held_out": {l: round(float(probs[i, j]), 6) for j, l in enumerate(data.targets)}},
                                    ensure_ascii=False, sort_keys=True) + "\n")
    slices = {**language_slices(data), **corpus_slices(data)}
    rows = evaluate(data, probs, mask, slices)
    for line in metrics_table(rows):
        print(line)

    seeds = []
    for i, e in enumerate(data.examples):
        if e.doc.record.get("corpus") == "seeds":
            seeds.append({"id": e.doc.id, "held_out": {l: round(float(probs[i, j]), 4) for j, l in enumerate(data.targets)},
                          "signals": list(e.doc.signals) + data.flags[i], "evidence": data.evidence[i]})
    counts = {}
    for e in examples:
        c = e.doc.record.get("corpus", "")
        entry = counts.setdefault(c, {"documents": 0})
        entry["documents"] += 1
        for label, v in e.targets.items():
            entry.setdefault(label, [0, 0])[v] += 1
    metadata = {
        "trained_by": "scripts/train_default_model.py",
        "feature_version": FEATURE_VERSION,
        "data": {name: {"path": p, "source": s, "licence": lic, "counts": counts.get(name, {})}
                 for name, (p, s, lic) in SOURCES.items()},
        "held_out": f"grouped {args.folds}-fold cross-validation, out-of-fold predictions",
    }
    model = fit_prepared(data, hashing, settings, metadata)
    model.save(args.output)
    report = {"metrics": [{"label": l, "slice": s, **m} for l, s, m in rows], "seeds_held_out": seeds,
              "counts": counts, "model_bytes": args.output.stat().st_size,
              "char_weights": {l: int(len(m.char_index)) for l, m in model.label_models.items()}}
    args.metrics.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"model: {args.output} ({args.output.stat().st_size / 1e6:.2f} MB), metrics: {args.metrics}, "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
