"""dedupe on Apache Spark: the filter's stages over a DataFrame of documents, for corpora that
outgrow one machine. Optional extra `spark` (pyspark >= 4); DataFrame API only (no RDDs, no
sparkContext, no jars), so the same code runs under Spark Connect.

    from dedupe.engines import spark as dspark
    run = dspark.filter_documents(df)            # df: one row per input record
    run.documents                                # the records, cleaned text, a `dedupe` struct column
    run.clusters                                 # one row per cluster of more than one document
    dspark.score_sources(run)                    # one row per source

The per-document stages (language, strip, learned chrome's application, signing, classifying)
run per partition over Arrow batches with the local engine's own stage objects
(dedupe.engines.spark_stages). What needs the whole corpus is DataFrame work: learned chrome's
line counts (spark_chrome), LSH buckets, verification, components and the split around
representatives (spark_near, spark_graph), the classifier's near-duplicate context (spark_facts).
The whole DataFrame is one batch: for an input of at most [filter] batch_docs documents the
outputs equal the local engine's byte for byte (tests/test_spark_parity.py); beyond that the
local engine checks later batches against earlier ones through its index, while Spark clusters
everything at once (the keep policy then chooses across the whole corpus).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, fields
from typing import Any

from dedupe.config import Config, load_config
from dedupe.engines import spark_stages as stages
from dedupe.engines.spark_chrome import chrome_lines
from dedupe.engines.spark_facts import FACTS_COLUMNS, near_counts
from dedupe.engines.spark_near import near_duplicates
from dedupe.errors import ConfigError, InputError

DEDUPE_SCHEMA = (
    "id string, lang string, source string, "
    "removed array<struct<rule: string, category: string, start: int, `end`: int, text: string>>, "
    "signals array<string>, "
    "cluster struct<id: string, size: int, representative: string, similarity: double, containment: double>, "
    "labels map<string, double>, decision string, reasons array<string>, duplicate_of string, "
    "explanation array<string>, error string, `where` string"
)
RECORDS_SCHEMA = "_order long, _where string, _record string, _problem string"


@dataclass
class SparkSettings:
    """The [spark] table of the config: where Spark runs and the knobs of its memory and shuffle."""

    master: str = "local[*]"
    partitions: int = 0
    shuffle_partitions: int = 0
    bands_per_pass: int = 0
    driver_max_edges: int = 5_000_000
    max_component_rounds: int = 40
    force_stars: bool = False

    @classmethod
    def from_config(cls, cfg: Config) -> SparkSettings:
        table = dict(cfg.extra.get("spark", {}))
        unknown = sorted(set(table) - {f.name for f in fields(cls)})
        if unknown:
            raise ConfigError(f"[spark]: unknown setting {unknown[0]!r}")
        return cls(**table)


def session(master: str | None = None, settings: SparkSettings | None = None, app: str = "dedupe") -> Any:
    """The active SparkSession, or a new one on `master` (default [spark] master, local[*]).

    In local mode the Python workers run this interpreter, so they see the same dedupe.
    """
    from pyspark.sql import SparkSession

    settings = settings or SparkSettings()
    master = master or settings.master
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        builder = builder.master(master).config("spark.ui.enabled", "false")
        if settings.shuffle_partitions:
            builder = builder.config("spark.sql.shuffle.partitions", str(settings.shuffle_partitions))
    return builder.getOrCreate()


@dataclass
class SparkRun:
    """The outcome of a run: finished documents, clusters, and what the near-duplicate step counted."""

    finished: Any  # DataFrame(stages.FINISHED_SCHEMA), one row per input document
    clusters: Any  # DataFrame(cluster, size, first, record): one row per cluster of more than one document
    stats: dict[str, Any] = field(default_factory=dict)
    records: Any = None  # the input DataFrame with its _order, when the run started from one
    text_field: str = "text"

    @property
    def documents(self) -> Any:
        """The input records with their text cleaned and a `dedupe` struct column (rejected ones included)."""
        from pyspark.sql import functions as F

        done = self.finished.select("_order", F.from_json("_dedupe", DEDUPE_SCHEMA).alias("dedupe"),
                                    F.col("_text").alias("_clean"))
        if self.records is None:
            return done
        out = self.records.join(done, "_order")
        if self.text_field in self.records.columns:
            out = out.withColumn(self.text_field, F.coalesce("_clean", F.col(self.text_field)))
        return out.drop("_clean")

    def kept(self) -> Any:
        return self.documents.where("dedupe.decision = 'keep'")

    def rejected(self) -> Any:
        return self.documents.where("dedupe.decision = 'reject'")


def records_frame(df: Any, order: str | None = None) -> Any:
    """A DataFrame of records as the engine's input: _order (the `order` column, else the
    DataFrame's own order), where (`row N`), the record as JSON."""
    from pyspark.sql import functions as F

    from dedupe.io.writers import json_default

    if order is None:
        df = df.withColumn("_order", F.monotonically_increasing_id())
    elif order != "_order":
        df = df.withColumn("_order", F.col(order).cast("long"))
    names = [c for c in df.columns if c != "_order"]

    def to_json(batches):
        import pyarrow as pa

        for batch in batches:
            rows = batch.to_pylist()
            out = {"_order": [], "_where": [], "_record": [], "_problem": []}
            for row in rows:
                o = row.pop("_order")
                out["_order"].append(o)
                out["_where"].append(f"row {o}")
                out["_record"].append(json.dumps({k: row[k] for k in names}, ensure_ascii=False, default=json_default))
                out["_problem"].append(None)
            yield pa.RecordBatch.from_pydict(out, schema=stages.arrow_schema(RECORDS_SCHEMA))

    return df, df.mapInArrow(to_json, RECORDS_SCHEMA)


def filter_documents(df: Any, cfg: Config | None = None, *, order: str | None = None, classify: bool = True,
                     model_path: str | None = None, reject_labels: dict[str, float] | None = None,
                     learned: bool | None = None, settings: SparkSettings | None = None) -> SparkRun:
    """The filter over a DataFrame with one row per input record (fields named as in cfg.input)."""
    cfg = cfg or load_config(None)
    records, frame = records_frame(df, order)
    run = run_frame(frame, cfg, classify=classify, model_path=model_path, reject_labels=reject_labels,
                    learned=learned, settings=settings)
    run.records, run.text_field = records, cfg.input.text_field
    return run


def score_sources(run: SparkRun, cfg: Config | None = None) -> Any:
    """One row per source (source, documents, verdict, record: the JSON `dedupe sources` writes),
    scored by dedupe.quality.sources.SourceTally from the run's classified documents."""
    cfg = cfg or load_config(None)
    docs = run.finished.where("_source IS NOT NULL").select("_source", "_order", "_doc")
    return docs.groupBy("_source").applyInArrow(stages.source_scorer(cfg),
                                                "source string, documents long, verdict string, record string")


def _first_problem(prepared: Any) -> tuple[str, str] | None:
    from dedupe.engines.spark_rows import load

    row = prepared.where("NOT _live").orderBy("_order").select("_doc").limit(1).collect()
    if not row:
        return None
    doc = load(row[0]["_doc"])
    return doc.where, doc.error or "unreadable"


def run_frame(frame: Any, cfg: Config, *, classify: bool = True, model_path: str | None = None,
              reject_labels: dict[str, float] | None = None, learned: bool | None = None,
              settings: SparkSettings | None = None, mark_only: bool = False) -> SparkRun:
    """Every stage over `frame` (RECORDS_SCHEMA); the DataFrame is one batch."""
    from pyspark.sql import functions as F

    settings = settings or SparkSettings.from_config(cfg)
    learned = cfg.strip.learned.enabled if learned is None else learned
    if settings.partitions:
        frame = frame.repartition(settings.partitions, "_order")
    graph = {"driver_max_edges": settings.driver_max_edges, "max_rounds": settings.max_component_rounds}

    prepared = frame.mapInArrow(stages.preparer(cfg, learned), stages.PREPARED_SCHEMA).localCheckpoint()
    if cfg.input.on_error == "fail":
        problem = _first_problem(prepared)
        if problem is not None:
            raise InputError(*problem)
    live = prepared.where("_live")
    if learned:
        chrome = chrome_lines(live.select("_order", "_src", "_whole", "_hashes", "_body", "_more", "_short", "_long"),
                              cfg.strip.learned, **graph)
        with_chrome = prepared.select("_order", "_doc").join(chrome, "_order", "left")
    else:
        with_chrome = prepared.select("_order", "_doc", F.lit(None).cast("array<long>").alias("_chrome"))
    signed = with_chrome.mapInArrow(stages.signer(cfg, classify), stages.SIGNED_SCHEMA).localCheckpoint()

    assigned, near = near_duplicates(signed.where("_live"), cfg.near, force_stars=settings.force_stars,
                                     bands_per_pass=settings.bands_per_pass, **graph)
    ids = signed.select(F.col("_order").alias("_rep"), F.col("_id").alias("_rep_id"))
    sizes = assigned.groupBy("_rep").agg(F.count("*").alias("_csize"))
    assigned = assigned.join(sizes, "_rep").join(ids, "_rep").localCheckpoint()
    state = signed.select("_order", "_doc", "_id", "_rank", "_sampled").join(
        assigned.select("_order", "_role", "_rep_id", "_csize", "_sim", "_cont"), "_order", "left")
    if classify:
        cluster = F.coalesce(F.when(F.col("_role") == "rep", F.col("_id")).otherwise(F.col("_rep_id")), F.col("_id"))
        facts = near_counts(signed.where("_live").join(assigned.select("_order", "_role", "_rep_id"), "_order", "left")
                            .select("_order", "_id", "_rank", cluster.alias("_cluster"), "_sampled"))
        state = state.join(facts, "_order", "left")
    else:
        for name, kind in zip(FACTS_COLUMNS, ("boolean", "long", "string", "long", "long")):
            state = state.withColumn(name, F.lit(None).cast(kind))
    finished = state.mapInArrow(stages.finisher(cfg, classify, model_path, reject_labels or {}, mark_only),
                                stages.FINISHED_SCHEMA).localCheckpoint()
    reps = finished.select(F.col("_id").alias("_rep_id"), F.col("_brief").alias("_rep_brief"))
    members = finished.where("_member IS NOT NULL").select("_rep_id", "_order", "_member").join(reps, "_rep_id")
    clusters = members.groupBy("_rep_id").applyInArrow(stages.cluster_builder(),
                                                       "cluster string, size long, first long, record string")
    stats = {"candidate_pairs": near.candidate_pairs, "verified_pairs": near.verified_pairs,
             "components": near.component_method, "component_rounds": near.component_rounds}
    return SparkRun(finished=finished, clusters=clusters, stats=stats)
