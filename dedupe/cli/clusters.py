"""`dedupe clusters`: one line per near-duplicate cluster, with its members and their similarities."""

from __future__ import annotations

import sys
from typing import Any

import click

from dedupe import api
from dedupe.cli import options
from dedupe.errors import DedupeError
from dedupe.io import write_records
from dedupe.io.formats import RECORD_OUTPUT_ENDINGS, known_endings, output_format


@click.command(name="clusters")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Clusters: .jsonl, .jsonl.gz, .jsonl.zst, .parquet, .csv or - for stdout.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: [workers] count, 0 = all cores).")
@click.option("--threshold", type=float, default=None, help="Near-duplicate Jaccard threshold (default: [near] threshold).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where the stages run: this machine, or Apache Spark (the whole input as one batch).")
@click.option("--spark-master", default=None, metavar="URL",
              help="Spark master for --engine spark (default [spark] master, local[*]; sc://HOST for Spark Connect).")
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
    cfg.index.path = ""  # clusters of the input alone: a temporary index, never the configured one
    if params.pop("engine") == "spark":
        from dedupe.engines.spark_cli import clusters_command

        line = clusters_command(inputs, output, cfg, master=params.pop("spark_master"))
        out = sys.stderr if output == "-" else sys.stdout
        click.echo(line, file=out)
        click.echo(f"output: {output}", file=out)
        return
    documents = 0
    run = api.filter(api.read(inputs, cfg), cfg, classify=False, workers=workers)
    with run:
        for _ in options.progress(run, quiet=params.get("quiet", False), desc="clusters"):
            documents += 1
        written = write_records(output, run.clusters.clusters())
    out = sys.stderr if output == "-" else sys.stdout
    click.echo(f"documents: {documents}  clusters: {written}  duplicates in them: {run.clusters.duplicates}", file=out)
    run.clusters.close()
    click.echo(f"output: {output}", file=out)
