"""The library face of dedupe: what `from dedupe import ...` gives, and what every CLI command calls.

    >>> import dedupe
    >>> records = [{"id": "a", "text": "A story told once."}, {"id": "b", "text": "A story told once."}]
    >>> [(d.id, d.decision, d.reasons) for d in dedupe.filter(records, classify=False)]
    [('a', 'keep', []), ('b', 'reject', ['exact_duplicate'])]

Records are dicts read by the same rules as the lines of a JSONL input (the same field options
as the CLI: `text_field`, `id_field`, `url_field`, `source_field`, `date_field`), or `Document`s.
Functions that run stages yield `Document`s in input order, each carrying its findings
(`removed`, `signals`, `cluster`, `labels`, `decision`, `reasons`); `doc.to_record()` is the
output record the CLI writes. Heavy libraries (scikit-learn, scipy, trafilatura) are imported
only by the functions that need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dedupe.config import Config, load_config
from dedupe.document import Document
from dedupe.errors import ConfigError
from dedupe.reasons import EXACT_DUPLICATE, NEAR_DUPLICATE, UNREADABLE
from dedupe.summary import LABELLED, RunSummary

__all__ = ["Config", "Document", "FilterRun", "GateResult", "Index", "IndexMatch", "classify", "clean",
           "filter", "gate", "read", "report", "sources"]

_FIELDS = ("text_field", "id_field", "url_field", "source_field", "date_field")


def _settings(config: Config | str | Path | None, on_error: str | None = None, **fields: str | None) -> Config:
    """The Config to use: given, loaded from a TOML path, or the defaults; field options and on_error on top."""
    if config is None:
        cfg = load_config(None)
    elif isinstance(config, (str, Path)):
        cfg = load_config(config)
    elif isinstance(config, Config):
        cfg = config
    else:
        raise TypeError(f"config must be a Config, a TOML path or None, not {type(config).__name__}")
    changes = {k: v for k, v in fields.items() if v is not None}
    if on_error is not None:
        if on_error not in ("fail", "skip"):
            raise ConfigError(f"on_error {on_error!r}: expected 'fail' or 'skip'")
        changes["on_error"] = on_error
    if changes:
        cfg = replace(cfg, input=replace(cfg.input, **changes))
    return cfg


def _documents(records: Iterable[Any], cfg: Config) -> Iterator[Document]:
    from dedupe.io import FieldMap, documents_from_records

    return documents_from_records(records, FieldMap.from_config(cfg.input), cfg.input.on_error, cfg.input.max_chars)


def read(inputs: str | Path | Iterable[str | Path], config: Config | str | Path | None = None, *,
         on_error: str | None = None, **fields: str | None) -> Iterator[Document]:
    """Documents from files (.jsonl[.gz|.zst], .parquet, .txt, .html), folders or `-` (stdin), in input order.

        >>> docs = dedupe.read("fixtures/sample/corpus.jsonl")        # doctest: +SKIP
        >>> kept = [d for d in dedupe.filter(docs) if d.decision == "keep"]   # doctest: +SKIP
    """
    from dedupe.io import read_configured

    cfg = _settings(config, on_error, **fields)
    paths = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    return read_configured([os.fspath(p) for p in paths], cfg.input)


def clean(records: Iterable[Any], config: Config | str | Path | None = None, *, learned: bool | None = None,
          on_error: str | None = None, text_field: str | None = None, id_field: str | None = None,
          url_field: str | None = None, source_field: str | None = None,
          date_field: str | None = None) -> Iterator[Document]:
    """Language and boilerplate stripping of every record: `doc.text` cleaned, `doc.removed` says what and why.

    Learned chrome (lines recurring across articles, `learned=True` by default from the config)
    needs every document before it can decide, so it holds the input in memory.

        >>> [doc] = dedupe.clean([{"id": "x", "text": "[ad_1]\\nThe story itself, told at length."}])
        >>> doc.text, [r.rule for r in doc.removed]
        ('The story itself, told at length.', ['wp-automatic.ad-slot'])

    Unreadable records (under on_error="skip") come out with `doc.error` set and no text.
    """
    from dedupe.lang import LanguageDetector
    from dedupe.pipeline import run_pipeline
    from dedupe.strip import LearnedChrome, RuleSet, Stripper

    cfg = _settings(config, on_error, text_field=text_field, id_field=id_field, url_field=url_field,
                    source_field=source_field, date_field=date_field)
    stages: list[Any] = [LanguageDetector.from_config(cfg.lang),
                         Stripper(RuleSet.load(cfg.strip.rules_dirs, cfg.strip.disable))]
    if cfg.strip.learned.enabled if learned is None else learned:
        stages.append(LearnedChrome(replace(cfg.strip.learned, enabled=True)))
    return run_pipeline(_documents(records, cfg), stages)


def _reject_thresholds(reject_labels: Mapping[str, float] | Iterable[str] | None, classify: bool,
                       cfg: Config) -> dict[str, float]:
    """{label: probability} from a mapping or from "label[=P]" specs; they need the classifier."""
    if not reject_labels:
        return {}
    if not classify:
        raise ConfigError("--reject-label needs the classifier: drop --no-classify (or [filter] classify = false)")
    from dedupe.quality import parse_reject_label

    if isinstance(reject_labels, Mapping):
        specs = [f"{label}={p}" for label, p in reject_labels.items()]
    else:
        specs = list(reject_labels)
    return dict(parse_reject_label(spec, cfg.quality.reject_probability) for spec in specs)


def _check_settings(cfg: Config, workers: int | None) -> None:
    if workers is not None and workers < 0:
        raise ConfigError(f"--workers {workers}: must be 0 (all cores) or more")
    if cfg.filter.batch_docs < 1:
        raise ConfigError(f"batch_docs {cfg.filter.batch_docs}: must be at least 1")
    if not 0.0 < cfg.near.threshold <= 1.0:
        raise ConfigError(f"threshold {cfg.near.threshold}: must be above 0 and at most 1")


class _Abandoned(Exception):
    """Thrown into the run's resources when it stops before its last document: the index rolls back."""


class FilterRun:
    """The documents of one filter run in input order (iterate it), and the run's figures as they accrue.

    `summary` (a RunSummary: kept, rejected, reasons, removals, labels), `totals` (duplicates found
    in the batch and against the index, documents added to it), `clusters` (every cluster of the
    run, a ClusterLog), `bands` and `rows`. In a `with` block the index commit waits for the end
    of the block, so a caller's outputs are written first; iterated without one, the index commits
    when the last document is out. A run stopped early, or by an error, adds nothing to the index.
    """

    def __init__(self, docs: Iterable[Document], cfg: Config, *, index: str | None, classify: bool,
                 model: str | None, reject_labels: dict[str, float], workers: int | None, commit: bool = True) -> None:
        from dedupe.filtering import FilterJob, run_index
        from dedupe.workers import Workers, worker_count

        self.cfg = cfg
        self.classify = classify
        self.reject_labels = reject_labels
        self.index_path = index
        self.summary = RunSummary()
        self.done = False
        self._docs = docs
        self._in_block = False
        self._closed = False
        self._stack = ExitStack()
        try:
            pool = self._stack.enter_context(Workers(cfg, worker_count(workers, cfg.workers.count), classify, model))
            path = index or cfg.index.path or None
            opened = self._stack.enter_context(run_index(path, cfg, commit=commit))
            self.job = FilterJob(cfg, opened, pool, reject_labels=reject_labels, learned=cfg.strip.learned.enabled,
                                 scratch_index=path is None)
        except BaseException:
            self._stack.close()
            raise
        self._gen = self._run()

    @property
    def totals(self) -> dict[str, int]:
        return self.job.totals

    @property
    def clusters(self) -> Any:
        return self.job.clusters

    @property
    def bands(self) -> int:
        return self.job.bands

    @property
    def rows(self) -> int:
        return self.job.rows

    def _run(self) -> Iterator[Document]:
        try:
            for doc in self.job.run(self._docs):
                doc.decision = doc.decision or "keep"  # every document leaves the filter decided
                self.summary.add(doc)
                yield doc
        except BaseException as exc:
            self._finish(exc)
            raise
        self.done = True
        if not self._in_block:
            self._finish(None)

    def __iter__(self) -> FilterRun:
        return self

    def __next__(self) -> Document:
        return next(self._gen)

    def _finish(self, exc: BaseException | None) -> None:
        """Commit the index (run complete, no error) or roll it back; stop the workers."""
        if self._closed:
            return
        self._closed = True
        if exc is None and not self.done:
            exc = _Abandoned("the run stopped before its last document")
        if exc is None:
            self._stack.close()
        else:
            self._stack.__exit__(type(exc), exc, exc.__traceback__)

    def close(self) -> None:
        """End the run: commit the index if every document went through, roll it back otherwise."""
        self._finish(None)

    def __enter__(self) -> FilterRun:
        self._in_block = True
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._finish(exc)

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            try:
                self._finish(None)
            except Exception:
                pass


def filter(records: Iterable[Any], config: Config | str | Path | None = None, *, index: str | Path | Index | None = None,
           classify: bool | None = None, reject_labels: Mapping[str, float] | Iterable[str] | None = None,
           model: str | Path | None = None, workers: int | None = 1, on_error: str | None = None,
           text_field: str | None = None, id_field: str | None = None, url_field: str | None = None,
           source_field: str | None = None, date_field: str | None = None, _commit: bool = True) -> FilterRun:
    """The pre-ingest filter: strip, find exact and near duplicates (in the input and against `index`),
    label, and decide keep or reject for every record, in input order.

        >>> run = dedupe.filter(records, index="store.sqlite", reject_labels={"machine_translated": 0.9})  # doctest: +SKIP
        >>> for doc in run:                                                                               # doctest: +SKIP
        ...     (kept if doc.decision == "keep" else rejected).append(doc.to_record())
        >>> run.summary.to_dict()["reasons"]                                                              # doctest: +SKIP
        {'exact_duplicate': 2, 'label:machine_translated': 18, 'near_duplicate': 12}

    `index`: a persistent SQLite index (path or Index) checked and grown with the kept documents
    when the run completes; without one, a temporary index spans the run. `classify` defaults to
    `[filter] classify`; `reject_labels` maps a label to the probability that rejects it (or gives
    "label[=P]" strings, as `--reject-label`). `workers`: processes for language, strip and
    classify (1: none started; 0 or None: the config's count, where 0 means every core).
    """
    cfg = _settings(config, on_error, text_field=text_field, id_field=id_field, url_field=url_field,
                    source_field=source_field, date_field=date_field)
    _check_settings(cfg, workers)
    use_classifier = cfg.filter.classify if classify is None else classify
    thresholds = _reject_thresholds(reject_labels, use_classifier, cfg)
    index_path = index.path if isinstance(index, Index) else (os.fspath(index) if index else None)
    return FilterRun(_documents(records, cfg), cfg, index=index_path, classify=use_classifier,
                     model=os.fspath(model) if model else None, reject_labels=thresholds, workers=workers,
                     commit=_commit)


def classify(records: Iterable[Any], config: Config | str | Path | None = None, *, model: str | Path | None = None,
             near: bool = True, on_error: str | None = None, text_field: str | None = None,
             id_field: str | None = None, url_field: str | None = None, source_field: str | None = None,
             date_field: str | None = None) -> Iterator[Document]:
    """Label every record (`doc.labels`: syndicated, machine_translated, low_quality probabilities) and say why.

    With `near`, near-duplicate clusters of the input are found first (cluster size, first
    publisher). Nothing is rejected. Needs the whole input in memory.

        >>> for doc in dedupe.classify(records):                       # doctest: +SKIP
        ...     print(doc.id, doc.labels["machine_translated"], doc.explanation)
    """
    from dedupe.pipeline import run_pipeline
    from dedupe.quality import Classifier
    from dedupe.quality.prepare import preparation_stages

    cfg = _settings(config, on_error, text_field=text_field, id_field=id_field, url_field=url_field,
                    source_field=source_field, date_field=date_field)
    stages = [*preparation_stages(cfg, near=near), Classifier.load(model, cfg.quality)]
    return run_pipeline(_documents(records, cfg), stages)


def sources(records: Iterable[Any], config: Config | str | Path | None = None, *, model: str | Path | None = None,
            near: bool = True, **options: Any) -> list[dict[str, Any]]:
    """One row per source (duplicate and first-publisher rates, mean label probabilities, verdict), by source name.

        >>> rows = dedupe.sources(records)                    # doctest: +SKIP
        >>> [(r["source"], r["verdict"]) for r in rows]       # doctest: +SKIP
    """
    from dedupe.quality import score_sources

    cfg = _settings(config, options.pop("on_error", None), **options)
    return score_sources(classify(records, cfg, model=model, near=near), cfg)


def report(records: Iterable[Any], config: Config | str | Path | None = None, *, html: str | Path | None = None,
           json: str | Path | None = None, classify: bool | None = None,
           reject_labels: Mapping[str, float] | Iterable[str] | None = None, model: str | Path | None = None,
           workers: int | None = 1, inputs: Iterable[str] | None = None, **options: Any) -> dict[str, Any]:
    """Run the filter over the records without writing documents, and write its report: one
    self-contained HTML page (`html`) and/or the same data as JSON (`json`); returns that data.

        >>> data = dedupe.report(dedupe.read("fixtures/sample/corpus.jsonl"), html="report.html")  # doctest: +SKIP
        >>> data["summary"]["clusters"]                                                               # doctest: +SKIP
        6

    A temporary index spans the run: a report never grows a persistent one. The page is built
    by `dedupe.reporting` (as `dedupe report` and `dedupe filter --html` build it).
    """
    from dedupe.reporting import write_report

    cfg = _settings(config, options.pop("on_error", None), **options)
    cfg = replace(cfg, index=replace(cfg.index, path=""))
    run = filter(records, cfg, classify=classify, reject_labels=reject_labels, model=model, workers=workers,
                 _commit=False)
    with run:
        data = write_report(run, os.fspath(html) if html else None, os.fspath(json) if json else None,
                            run={"inputs": list(inputs)} if inputs is not None else None)
    run.clusters.close()
    return data


# -- the gate ------------------------------------------------------------------------------------


@dataclass
class GateCheck:
    """One threshold of the gate: the figure it reads, its value, the threshold and whether it passed."""

    name: str
    figure: str
    value: float
    threshold: float
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "figure": self.figure, "value": self.value, "threshold": self.threshold,
                "passed": self.passed}


@dataclass
class GateResult:
    """What `gate` found: the batch's figures, every check, and whether all passed (`bool(result)` too)."""

    figures: dict[str, Any]
    checks: list[GateCheck]
    thresholds: dict[str, Any]
    index: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failed(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object `dedupe gate` prints (schema in docs/gate.md)."""
        return {"passed": self.passed, "figures": self.figures, "thresholds": self.thresholds,
                "checks": [c.to_dict() for c in self.checks], "failed": [c.name for c in self.failed],
                "index": self.index}


def _rate(n: int, total: int) -> float:
    return round(n / total, 6) if total else 0.0


def gate_figures(summary: RunSummary, totals: Mapping[str, int], labels: Iterable[str]) -> dict[str, Any]:
    """The batch figures a gate checks, from a filter run's summary and totals."""
    n = summary.documents
    duplicates = summary.reasons.get(EXACT_DUPLICATE, 0) + summary.reasons.get(NEAR_DUPLICATE, 0)  # one of the two per document
    unreadable = summary.reasons.get(UNREADABLE, 0)
    return {
        "documents": n,
        "kept": summary.kept,
        "rejected": summary.rejected,
        "reasons": dict(sorted(summary.reasons.items())),
        "unreadable": unreadable,
        "duplicates": duplicates,
        "exact_duplicates": summary.reasons.get(EXACT_DUPLICATE, 0),
        "near_duplicates": summary.reasons.get(NEAR_DUPLICATE, 0),
        "index_duplicates": int(totals.get("index_duplicates", 0)),
        "duplicate_rate": _rate(duplicates, n),
        "label_counts": {label: summary.labels.get(label, 0) for label in sorted(labels)},
        "label_rates": {label: _rate(summary.labels.get(label, 0), n) for label in sorted(labels)},
        "label_probability": LABELLED,
        "chars_in": summary.chars_in,
        "chars_removed": summary.chars_removed,
        "stripped_share": _rate(summary.chars_removed, summary.chars_in),
    }


def gate_thresholds(cfg: Config, max_duplicate_rate: float | None = None, max_rates: Mapping[str, float] | None = None,
                    min_documents: int | None = None, max_stripped_share: float | None = None) -> dict[str, Any]:
    """The gate's thresholds: the arguments given, else `[gate]` of the config."""
    rates = dict(cfg.gate.max_rate)
    rates.update(max_rates or {})
    out = {
        "max_duplicate_rate": cfg.gate.max_duplicate_rate if max_duplicate_rate is None else max_duplicate_rate,
        "max_rate": dict(sorted(rates.items())),
        "min_documents": cfg.gate.min_documents if min_documents is None else min_documents,
        "max_stripped_share": cfg.gate.max_stripped_share if max_stripped_share is None else max_stripped_share,
    }
    for name in ("max_duplicate_rate", "max_stripped_share"):
        if not 0.0 <= float(out[name]) <= 1.0:
            raise ConfigError(f"{name} {out[name]}: must be between 0 and 1")
    for label, r in out["max_rate"].items():
        if not 0.0 <= float(r) <= 1.0:
            raise ConfigError(f"max_rate {label}={r}: must be between 0 and 1")
    if int(out["min_documents"]) < 0:
        raise ConfigError(f"min_documents {out['min_documents']}: must be 0 or more")
    return out


def gate_checks(figures: Mapping[str, Any], thresholds: Mapping[str, Any]) -> list[GateCheck]:
    """Every check, in a fixed order: documents, duplicate rate, stripped share, then each label rate."""
    checks = [
        GateCheck("min_documents", "documents", figures["documents"], thresholds["min_documents"],
                  figures["documents"] >= thresholds["min_documents"]),
        GateCheck("max_duplicate_rate", "duplicate_rate", figures["duplicate_rate"], thresholds["max_duplicate_rate"],
                  figures["duplicate_rate"] <= thresholds["max_duplicate_rate"]),
        GateCheck("max_stripped_share", "stripped_share", figures["stripped_share"], thresholds["max_stripped_share"],
                  figures["stripped_share"] <= thresholds["max_stripped_share"]),
    ]
    for label, r in thresholds["max_rate"].items():
        value = figures["label_rates"][label]
        checks.append(GateCheck(f"max_rate:{label}", f"label_rates.{label}", value, r, value <= r))
    return checks


def gate(records: Iterable[Any], config: Config | str | Path | None = None, *,
         max_duplicate_rate: float | None = None, max_rates: Mapping[str, float] | None = None,
         min_documents: int | None = None, max_stripped_share: float | None = None,
         index: str | Path | Index | None = None, classify: bool | None = None,
         reject_labels: Mapping[str, float] | Iterable[str] | None = None, model: str | Path | None = None,
         workers: int | None = 1, **options: Any) -> GateResult:
    """Pass or fail a batch: run it through the filter (nothing written, `index` checked but not grown)
    and compare its figures with thresholds (arguments, else `[gate]` of the config).

        >>> result = dedupe.gate(records, max_duplicate_rate=0.3, max_rates={"machine_translated": 0.2})  # doctest: +SKIP
        >>> result.passed, [c.name for c in result.failed]                                                 # doctest: +SKIP
        (False, ['max_duplicate_rate'])

    A label rate is the share of documents with that label at probability >= 0.5; it needs the
    classifier, so `max_rates` with classify=False is a ConfigError. The same figures and verdict
    as `dedupe gate`, whose JSON is `result.to_dict()`.
    """
    cfg = _settings(config, options.pop("on_error", None), **options)
    thresholds = gate_thresholds(cfg, max_duplicate_rate, max_rates, min_documents, max_stripped_share)
    use_classifier = cfg.filter.classify if classify is None else classify
    labels: tuple[str, ...] = ()
    if use_classifier:
        from dedupe.quality.model import LABELS

        labels = tuple(LABELS)
    unknown = sorted(set(thresholds["max_rate"]) - set(labels))
    if unknown and not use_classifier:
        raise ConfigError("--max-rate needs the classifier: drop --no-classify (or [filter] classify = false)")
    if unknown:
        raise ConfigError(f"--max-rate {unknown[0]}: unknown label (known: {', '.join(labels)})")
    index_path = index.path if isinstance(index, Index) else (os.fspath(index) if index else cfg.index.path or None)
    shared = bool(index_path) and "://" in str(index_path)  # a server index (redis://) always exists
    checked = index_path if index_path and (shared or os.path.exists(index_path)) else None  # none yet: empty
    cfg = replace(cfg, index=replace(cfg.index, path=""))
    run = filter(records, cfg, index=checked, classify=use_classifier, reject_labels=reject_labels, model=model,
                 workers=workers, _commit=False)
    with run:
        for _ in run:
            pass
        totals = dict(run.totals)
    run.clusters.close()
    figures = gate_figures(run.summary, totals, labels)
    return GateResult(figures, gate_checks(figures, thresholds), thresholds, index_path, run.summary.to_dict())


# -- the persistent index ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexMatch:
    """The indexed document a text duplicates: its id, estimated Jaccard and containment, and the reason."""

    id: str
    similarity: float
    containment: float
    reason: str


class Index:
    """A persistent near-duplicate index (one SQLite file): the one `dedupe filter --index` checks and grows.

        >>> with dedupe.Index.open("store.sqlite") as index:                          # doctest: +SKIP
        ...     index.add([{"id": "a", "text": story}])
        ...     index.query([{"id": "b", "text": story + " Updated."}])
        1
        [IndexMatch(id='a', similarity=0.94, containment=1.0, reason='near_duplicate')]

    Texts are signed as given: to index documents as the filter does, pass them through `clean`
    first (the filter signs the stripped text). The index stores its near-duplicate settings and
    refuses a Config whose settings differ.
    """

    def __init__(self, path: str | Path, config: Config | str | Path | None = None) -> None:
        from dedupe.index import open_index
        from dedupe.near import index_settings

        self.cfg = _settings(config)
        self.path = os.fspath(path)
        self._index = open_index(self.path, index_settings(self.cfg.near), self.cfg.index.backend)

    @classmethod
    def open(cls, path: str | Path, config: Config | str | Path | None = None) -> Index:
        """Open the index at `path`, creating it when absent."""
        return cls(path, config)

    def _signed(self, records: Iterable[Any]) -> tuple[list[Document], Any]:
        from dedupe.near.signer import Signer

        docs = [d for d in _documents(records, self.cfg) if d.error is None]
        return docs, Signer(self.cfg.near).sign_all([d.text for d in docs])

    def add(self, records: Iterable[Any]) -> int:
        """Add records or Documents (their text as given) in one transaction; returns how many were added.

        A text with no word or character shingle is not added (it cannot be matched).
        """
        from dedupe.near import band_keys
        from dedupe.near.settings import lsh_shape

        docs, signed = self._signed(records)
        keep = [i for i, kind in enumerate(signed.kinds) if kind != "empty"]
        if not keep:
            return 0
        keys = band_keys(signed.signatures[keep], *lsh_shape(self.cfg.near))
        return self._index.add_batch((docs[i].id, int(signed.exact_keys[i]), signed.signatures[i], keys[k],
                                      int(signed.sizes[i])) for k, i in enumerate(keep))

    def query(self, records: Iterable[Any]) -> list[IndexMatch | None]:
        """For each readable record, the indexed document it duplicates (exactly, or by the
        near-duplicate rule: Jaccard or containment), the most similar one first; None if none."""
        import numpy as np

        from dedupe.near import band_keys
        from dedupe.near.settings import lsh_shape
        from dedupe.near.verify import MatchRule, Similarity, estimate_containment

        docs, signed = self._signed(records)
        if not docs:
            return []
        exact = self._index.lookup_exact(signed.exact_keys)
        keys = band_keys(signed.signatures, *lsh_shape(self.cfg.near))
        found = self._index.query(keys)
        indexed = self._index.documents(n for cands in found for n in cands)
        rule = MatchRule.from_config(self.cfg.near)
        out: list[IndexMatch | None] = []
        for i, cands in enumerate(found):
            if signed.kinds[i] == "empty":
                out.append(None)
                continue
            hit = exact.get(int(signed.exact_keys[i]))
            if hit is not None:
                out.append(IndexMatch(hit, 1.0, 1.0, EXACT_DUPLICATE))
                continue
            best = None
            if cands:
                jac = np.array([Similarity.estimate(signed.signatures[i], indexed[n].signature) for n in cands])
                other = np.array([indexed[n].shingles for n in cands], dtype=np.int64)
                size = np.full(len(cands), signed.sizes[i])
                cont = estimate_containment(jac, size, other)
                for k in np.flatnonzero(rule.decide_sizes(jac, cont, size, other)).tolist():
                    if best is None or jac[k] > best.similarity:
                        best = IndexMatch(indexed[cands[k]].doc_id, float(jac[k]), float(cont[k]), NEAR_DUPLICATE)
            out.append(best)
        return out

    def stats(self) -> dict[str, Any]:
        """Path, bytes on disk, documents, batches and settings (as `dedupe index stats --json`)."""
        return self._index.stats()

    def __len__(self) -> int:
        return len(self._index)

    def close(self) -> None:
        self._index.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
