"""The CLI's `--engine spark`: `dedupe filter`, `clusters` and `sources` run on Spark, reading
through Spark's readers and writing the local engine's output files (the same bytes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click

from dedupe.config import Config
from dedupe.engines import spark as dspark
from dedupe.engines.spark_io import local_rows, read_frame
from dedupe.engines.spark_rows import load
from dedupe.errors import ConfigError
from dedupe.io import open_outputs, write_records
from dedupe.summary import RunSummary


def _start(cfg: Config, master: str | None) -> tuple[Any, dspark.SparkSettings]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError("--engine spark needs pyspark: pip install 'dedupe-gate[spark]'") from None
    settings = dspark.SparkSettings.from_config(cfg)
    return dspark.session(master, settings), settings


def _documents(run: dspark.SparkRun) -> Iterator[Any]:
    for row in local_rows(run.finished.select("_order", "_doc"), "_order"):
        yield load(row["_doc"])


def _cluster_records(run: dspark.SparkRun) -> Iterator[dict[str, Any]]:
    for row in local_rows(run.clusters.select("first", "record"), "first"):
        yield json.loads(row["record"])


def filter_command(inputs: tuple[str, ...], output: str, rejects: str, cfg: Config, *, master: str | None,
                   classify: bool, reject_labels: dict[str, float], model: str | None, progress: Any) -> list[str]:
    """`dedupe filter --engine spark`: kept and rejected records written as the local engine writes
    them (input order, one transaction for both files); returns the summary lines."""
    spark, settings = _start(cfg, master)
    run = dspark.run_frame(read_frame(spark, list(inputs)), cfg, classify=classify, model_path=model,
                           reject_labels=reject_labels, settings=settings)
    summary = RunSummary()
    with open_outputs(output, rejects, text_field=cfg.input.text_field) as (kept_out, rejects_out):
        for doc in progress(_documents(run)):
            summary.add(doc)
            (rejects_out if doc.decision == "reject" else kept_out).write(doc)
    lines = summary.lines()
    counts = run.clusters.selectExpr("count(*) AS n", "coalesce(sum(size - 1), 0) AS d").collect()[0]
    largest = run.clusters.orderBy(run.clusters["size"].desc(), "first").limit(1).collect()
    biggest = f"  largest: {largest[0]['size']} ({largest[0]['cluster']})" if largest else ""
    lines.append(f"clusters: {counts['n']} with {counts['d']} duplicates{biggest}")
    stats = run.stats
    lines.append(f"spark: {stats['candidate_pairs']} candidate pairs, {stats['verified_pairs']} verified; "
                 f"components by {stats['components']}"
                 + (f" in {stats['component_rounds']} rounds" if stats["component_rounds"] else ""))
    return lines


def clusters_command(inputs: tuple[str, ...], output: str, cfg: Config, *, master: str | None) -> str:
    """`dedupe clusters --engine spark`: one record per cluster, in order of first appearance."""
    spark, settings = _start(cfg, master)
    run = dspark.run_frame(read_frame(spark, list(inputs)), cfg, classify=False, settings=settings)
    written = write_records(output, _cluster_records(run))
    documents = run.finished.count()
    duplicates = run.clusters.selectExpr("coalesce(sum(size - 1), 0) AS d").collect()[0]["d"]
    return f"documents: {documents}  clusters: {written}  duplicates in them: {duplicates}"


def sources_rows(inputs: tuple[str, ...], cfg: Config, *, master: str | None, model: str | None,
                 near: bool) -> list[dict[str, Any]]:
    """`dedupe sources --engine spark`: the per-source rows, sorted by source (near-duplicates marked, not rejected)."""
    spark, settings = _start(cfg, master)
    if not near:
        raise click.UsageError("--no-near is not supported with --engine spark")
    run = dspark.run_frame(read_frame(spark, list(inputs)), cfg, classify=True, model_path=model, learned=False,
                           settings=settings, mark_only=True)
    return [json.loads(row["record"]) for row in local_rows(dspark.score_sources(run, cfg).select("source", "record"), "source")]
