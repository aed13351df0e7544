"""`dedupe clusters`: one line per near-duplicate cluster, with its members and their similarities."""

from __future__ import annotations

import sys
from typing import Any

import click

from dedupe.cli import options
from dedupe.errors import DedupeError
from dedupe.filtering import FilterJob, run_index
from dedupe.io import FieldMap, read_documents, write_records
from dedupe.io.formats import RECORD_OUTPUT_ENDINGS, known_endings, output_format
from dedupe.workers import Workers, worker_count


@click.command(name="clusters")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Clusters: .jsonl, .jsonl.gz, .jsonl.zst, .parquet, .csv or - for stdout.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: [workers] count, 0 = all cores).")
@click.option("--threshold", type=float, default=None, help="Near-duplicate Jaccard threshold (default: [near] threshold).")
@options.strip_options
@options.common_options
def command(inputs: tuple[str, ...], output: str, workers: int | None,
            threshold: float | None, rules_dirs: tuple[str, ...], disable: tuple[str, ...], no_learned: bool,
            **params: Any) -> None:
    """Find the near-duplicate clusters of INPUT... (after stripping) and write one line per cluster.

    A line holds the representative (the document the keep policy keeps) and every member with
    its similarity to the representative and whether it is an exact or near duplicate.
    """
    if output_format(output, RECORD_OUTPUT_ENDINGS) is None:
        raise DedupeError(f"{output}: unknown output format: expected {known_endings(RECORD_OUTPUT_ENDINGS)} or - for stdout")
    overrides = options.strip_overrides(rules_dirs, disable, no_learned)
    if threshold is not None:
        overrides["near"] = {"threshold": threshold}
    cfg = options.load_settings(params, overrides)
    fields = FieldMap.from_config(cfg.input)
    docs = read_documents(list(inputs), fields, on_error=cfg.input.on_error, max_chars=cfg.input.max_chars)
    documents = 0
    with Workers(cfg, worker_count(workers, cfg.workers.count), classify=False) as pool, \
            run_index(None, cfg) as index:
        job = FilterJob(cfg, index, pool, learned=cfg.strip.learned.enabled)
        for _ in options.progress(job.run(docs), quiet=params.get("quiet", False), desc="clusters"):
            documents += 1
        written = write_records(output, job.clusters.clusters())
    out = sys.stderr if output == "-" else sys.stdout
    click.echo(f"documents: {documents}  clusters: {written}  duplicates in them: {job.clusters.duplicates}", file=out)
    job.clusters.close()
    click.echo(f"output: {output}", file=out)
