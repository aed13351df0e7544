"""Does `machine_translated` transfer to years and systems it never saw? Held-out figures, printed and as JSON.

    .venv/bin/python scripts/mt_transfer.py --balanced [--shared ../shared] [--json benchmarks/mt-transfer.json]
    .venv/bin/python scripts/mt_transfer.py --dev-only --keep-top 0     # one setting scored on WMT18 alone

The data are the default model's training data (scripts/train_default_model.py) with the WMT
2008-2018 documents of mt-de-en/train-docs. Only the machine_translated label is fitted, with the
default model's settings for it (`[quality.train]`) unless options replace them; benchmarks/mt-transfer.json
and docs/model-card.md hold the figures of `--balanced`, the setting chosen on WMT18.

- dev: train on everything but WMT18, score WMT18 (`docs/` and the 2018 files of train-docs). This
  is the only figure settings may be chosen on.
- leave one year out, 2008-2017: the held-out year's documents are scored by a model trained on the
  other years and the rest of the data (WMT18 included); the other data sets are split into ten
  grouped folds that are held out alongside the years, so every row of them is scored once by a
  model that never saw it (false positives on human-written text, Arabic by domain). HPLT rows carry
  no machine_translated label and are only scored.
- cross-system: positives of one system only (DeepL or Google, every year and WMT18) against the
  same negatives, scored on the other system's output and the human texts of years held out in two
  blocks (even years, odd years).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from dedupe.config import load_config  # noqa: E402
from dedupe.quality import corpora  # noqa: E402
from dedupe.quality.classifier import signal_settings  # noqa: E402
from dedupe.quality.features import FEATURE_VERSION, HashingSettings  # noqa: E402
from dedupe.quality.metrics import label_metrics  # noqa: E402
from dedupe.quality.model import TrainSettings, fit_model  # noqa: E402
from dedupe.quality.split import group_folds  # noqa: E402
from dedupe.quality.training import Prepared, prepare  # noqa: E402

LABEL = "machine_translated"
YEARS = tuple(range(2008, 2018))
DEV_YEAR = 2018
THRESHOLD = 0.5  # the default reject probability


@dataclass
class Rows:
    """Per prepared row: the facts the slices are cut by."""

    corpus: np.ndarray
    year: np.ndarray
    system: np.ndarray
    lang: np.ndarray
    hplt_natural: np.ndarray
    domain: np.ndarray
    y: np.ndarray

    @classmethod
    def of(cls, data: Prepared) -> Rows:
        rec = [e.doc.record for e in data.examples]
        corpus = np.array([r.get("corpus", "") for r in rec])
        year = np.array([int(r.get("year", DEV_YEAR if r.get("corpus") == "mt-de-en" else 0)) for r in rec])
        system = np.array([str(r.get("system", "")) for r in rec])
        hplt_natural = np.array([r.get("corpus") == "hplt" and e.targets.get("low_quality") == 0
                                 for r, e in zip(rec, data.examples)])
        domain = np.array([e.doc.id.split("_#_")[1] if r.get("corpus") == "mt-ar" else "" for r, e in zip(rec, data.examples)])
        return cls(corpus, year, system, np.array(data.langs), hplt_natural, domain, data.targets[LABEL])

    @property
    def wmt(self) -> np.ndarray:
        return np.isin(self.corpus, ["mt-de-en", "wmt-de-en"])

    @property
    def dev(self) -> np.ndarray:
        return self.wmt & (self.year == DEV_YEAR)


def load(shared: Path) -> Prepared:
    """Every labeled document, prepared as `dedupe classify` prepares it."""
    import train_default_model as tdm  # scripts/: the default model's data and preparation

    examples = tdm.load_examples(shared)
    examples += corpora.wmt_de_en_years(shared / "data/mt-de-en")
    tdm.prepare_documents(examples)
    cfg = load_config().quality
    return prepare(examples, signal_settings(cfg), HashingSettings())


def settings_from(args: argparse.Namespace) -> TrainSettings:
    """The default model's settings, with the machine_translated values the options replace."""
    base = TrainSettings.from_config(load_config().quality.train)
    own = dict(base.per_label.get(LABEL, {}))
    if args.keep_top is not None:
        own["keep_top"] = args.keep_top
    if args.C_grid:
        own["C_grid"] = tuple(args.C_grid)
    if args.signal_C_grid:
        own["signal_C_grid"] = tuple(args.signal_C_grid)
    if args.balanced:
        own["balanced"] = True
    return TrainSettings(C=base.C, C_grid=base.C_grid, signal_C=base.signal_C, signal_C_grid=base.signal_C_grid,
                         keep_top=base.keep_top, folds=base.folds, seed=base.seed, per_label={**base.per_label, LABEL: own})


def fit_predict(data: Prepared, train: np.ndarray, test: np.ndarray, settings: TrainSettings,
                hashing: HashingSettings) -> np.ndarray:
    """machine_translated probabilities of the `test` rows from a model fitted on the labelled `train` rows."""
    y = data.targets[LABEL]
    rows = np.flatnonzero(train & (y >= 0))
    model = fit_model(data.numeric[rows], data.chars[rows], {LABEL: y[rows]}, [data.examples[i].group for i in rows],
                      hashing, settings)
    idx = np.flatnonzero(test)
    return model.predict(data.numeric[idx], data.chars[idx])[:, 0]


def scores(y: np.ndarray, p: np.ndarray) -> dict:
    m = label_metrics(y, p, THRESHOLD)
    return {"n": m["n"], "positive": m["positive"], "accuracy": m["accuracy"], "roc_auc": m["roc_auc"],
            "labelled_mt": round(float(np.mean(p >= THRESHOLD)), 4) if len(p) else None}


def wmt_slices(rows: Rows, p: np.ndarray, where: np.ndarray) -> dict[str, dict]:
    """All, per MT system (its output + every human text), and per kind of text."""
    out = {"all": scores(rows.y[where], p[where])}
    human = where & np.isin(rows.system, ["human", "original"])
    for system in ("deepl", "google"):
        part = human | (where & (rows.system == system))
        if (part & (rows.system == system)).any():
            out[system] = scores(rows.y[part], p[part])
    for kind in ("deepl", "google", "human", "original"):
        part = where & (rows.system == kind)
        if part.any():
            out[f"only:{kind}"] = scores(rows.y[part], p[part])
    return out


def dev_figures(data: Prepared, rows: Rows, settings: TrainSettings, hashing: HashingSettings) -> dict:
    p = np.full(len(rows.y), np.nan)
    p[rows.dev] = fit_predict(data, ~rows.dev, rows.dev, settings, hashing)
    out = wmt_slices(rows, p, rows.dev)
    out["docs/"] = scores(rows.y[rows.dev & (rows.corpus == "mt-de-en")], p[rows.dev & (rows.corpus == "mt-de-en")])
    return out


def leave_one_year_out(data: Prepared, rows: Rows, settings: TrainSettings, hashing: HashingSettings,
                       log) -> np.ndarray:
    """Held-out probabilities of every row outside WMT18: year k of 2008-2017 with grouped fold k of the rest."""
    other = ~rows.wmt
    fold = np.full(len(rows.y), -1)
    fold[other] = group_folds([data.examples[i].group for i in np.flatnonzero(other)], len(YEARS), settings.seed + 7)
    for k, year in enumerate(YEARS):
        fold[rows.wmt & (rows.year == year)] = k
    p = np.full(len(rows.y), np.nan)
    for k, year in enumerate(YEARS):
        t = time.perf_counter()
        test = fold == k
        p[test] = fit_predict(data, ~test, test, settings, hashing)
        held = rows.wmt & test
        log(f"held out {year}: accuracy {np.mean((p[held] >= THRESHOLD) == (rows.y[held] == 1)):.3f} "
            f"({held.sum()} documents, {time.perf_counter() - t:.0f} s)")
    return p


def cross_system(data: Prepared, rows: Rows, settings: TrainSettings, hashing: HashingSettings, log) -> dict:
    """Train with one system's positives, score the other system's output of years held out in two blocks."""
    out = {}
    blocks = {"even years": rows.year % 2 == 0, "odd years": rows.year % 2 == 1}
    for seen, unseen in (("deepl", "google"), ("google", "deepl")):
        p = np.full(len(rows.y), np.nan)
        tested = np.zeros(len(rows.y), dtype=bool)
        for block in blocks.values():
            test = rows.wmt & ~rows.dev & block & (rows.system != seen)
            train = ~test & ~(rows.wmt & block & ~rows.dev) & (rows.system != unseen)
            p[test] = fit_predict(data, train, test, settings, hashing)
            tested |= test
        out[f"{seen}->{unseen}"] = wmt_slices(rows, p, tested)
        log(f"{seen} -> {unseen}: accuracy {out[f'{seen}->{unseen}']['all']['accuracy']:.3f}")
    return out


def human_text_fp(rows: Rows, p: np.ndarray) -> dict[str, dict]:
    """Share of human-written text labelled machine_translated, per data set and language."""
    out: dict[str, dict] = {}
    for lang in sorted(set(rows.lang[rows.hplt_natural].tolist())):
        part = rows.hplt_natural & (rows.lang == lang) & ~np.isnan(p)
        out[f"hplt-natural:{lang}"] = {"n": int(part.sum()), "labelled_mt": round(float(np.mean(p[part] >= THRESHOLD)), 4)}
    part = rows.hplt_natural & ~np.isnan(p)
    out["hplt-natural:all"] = {"n": int(part.sum()), "labelled_mt": round(float(np.mean(p[part] >= THRESHOLD)), 4)}
    for corpus in ("extraction-aeb", "arabic-news"):
        part = (rows.corpus == corpus) & ~np.isnan(p)
        out[corpus] = {"n": int(part.sum()), "labelled_mt": round(float(np.mean(p[part] >= THRESHOLD)), 4)}
    part = rows.wmt & ~rows.dev & (rows.system == "original")
    out["wmt-original-english"] = {"n": int(part.sum()), "labelled_mt": round(float(np.mean(p[part] >= THRESHOLD)), 4)}
    part = rows.wmt & ~rows.dev & (rows.system == "human")
    out["wmt-human-translation"] = {"n": int(part.sum()), "labelled_mt": round(float(np.mean(p[part] >= THRESHOLD)), 4)}
    return out


def arabic(rows: Rows, p: np.ndarray) -> dict[str, dict]:
    out = {}
    for domain in sorted(set(rows.domain[rows.corpus == "mt-ar"].tolist())):
        part = (rows.corpus == "mt-ar") & (rows.domain == domain)
        out[f"mt-ar:{domain}"] = scores(rows.y[part], p[part])
    conv = (rows.corpus == "mt-ar") & np.isin(rows.domain, ["speech", "social"])
    out["mt-ar:conversational"] = scores(rows.y[conv], p[conv])
    part = rows.corpus == "arabic-news"
    out["arabic-news"] = scores(rows.y[part], p[part])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks/mt-transfer.json")
    parser.add_argument("--dev-only", action="store_true", help="only the WMT18 figure (for choosing settings)")
    parser.add_argument("--keep-top", type=int, help="n-gram weights kept for machine_translated (0: none)")
    parser.add_argument("--C-grid", type=float, nargs="+", help="the n-gram stage's C grid for machine_translated")
    parser.add_argument("--signal-C-grid", type=float, nargs="+", help="the signal stage's C grid for machine_translated")
    parser.add_argument("--balanced", action="store_true", help="the signal stage weighs MT and human texts equally")
    args = parser.parse_args()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    data = load(args.shared)
    rows = Rows.of(data)
    hashing = HashingSettings()
    settings = settings_from(args)
    log(f"prepared {len(rows.y)} documents in {time.perf_counter() - t0:.0f} s; machine_translated settings "
        f"{settings.for_label(LABEL).to_dict()}")
    report: dict = {"feature_version": FEATURE_VERSION, "threshold": THRESHOLD,
                    "settings": settings.for_label(LABEL).to_dict(), "dev_wmt18": dev_figures(data, rows, settings, hashing)}
    log(f"dev WMT18: {json.dumps(report['dev_wmt18'])}")
    if not args.dev_only:
        p = leave_one_year_out(data, rows, settings, hashing, log)
        held = rows.wmt & ~rows.dev
        report["leave_one_year_out"] = {"all years": wmt_slices(rows, p, held),
                                        **{str(y): wmt_slices(rows, p, held & (rows.year == y)) for y in YEARS}}
        report["human_text_false_positives"] = human_text_fp(rows, p)
        report["arabic"] = arabic(rows, p)
        report["cross_system"] = cross_system(data, rows, settings, hashing, log)
    report["seconds"] = round(time.perf_counter() - t0)
    print_report(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.json.with_name(args.json.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.json)
    log(f"wrote {args.json}")
    return 0


def print_report(report: dict) -> None:
    def line(name: str, s: dict) -> str:
        auc = f"{s['roc_auc']:.3f}" if s.get("roc_auc") is not None else "-"
        acc = f"{s['accuracy']:.3f}" if "accuracy" in s else "-"
        return f"{name:<34} {s['n']:>6} {acc:>8} {auc:>8} {s['labelled_mt']:>8.3f}"

    print(f"{'slice':<34} {'n':>6} {'accuracy':>8} {'roc_auc':>8} {'MT@0.5':>8}")
    for name, s in report["dev_wmt18"].items():
        print(line(f"dev WMT18 {name}", s))
    for year, slices in report.get("leave_one_year_out", {}).items():
        for name, s in slices.items():
            print(line(f"held-out {year} {name}", s))
    for pair, slices in report.get("cross_system", {}).items():
        for name, s in slices.items():
            print(line(f"{pair} {name}", s))
    for name, s in report.get("arabic", {}).items():
        print(line(name, s))
    for name, s in report.get("human_text_false_positives", {}).items():
        print(f"{'human text ' + name:<34} {s['n']:>6} {'':>8} {'':>8} {s['labelled_mt']:>8.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
