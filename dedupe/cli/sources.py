"""`dedupe sources`: one row per source with duplicate and first-publisher rates, label means and a verdict."""

from __future__ import annotations

import click

from dedupe import api
from dedupe.cli import options
from dedupe.io import write_records


@click.command(name="sources")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Per-source rows: .jsonl, .csv, .parquet or - for stdout.")
@click.option("--model", "model_path", default=None, metavar="FILE", help="A model from `dedupe train` [default: the packaged model].")
@click.option("--near/--no-near", default=True, show_default=True, help="Find near-duplicate clusters (duplicate and first-publisher rates).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where the stages run: this machine, or Apache Spark (the whole input as one batch).")
@click.option("--spark-master", default=None, metavar="URL",
              help="Spark master for --engine spark (default [spark] master, local[*]; sc://HOST for Spark Connect).")
@options.common_options
def command(inputs: tuple[str, ...], output: str, model_path: str | None, near: bool, **params: object) -> None:
    """Score every source (--source-field, default the URL's registered domain) of INPUT..."""
    cfg = options.load_settings(params)
    if params.pop("engine") == "spark":
        from dedupe.engines.spark_cli import sources_rows

        rows = sources_rows(inputs, cfg, master=params.pop("spark_master"), model=model_path, near=near)
    else:
        docs = options.progress(api.read(inputs, cfg), quiet=bool(params.get("quiet")), desc="sources")
        rows = api.sources(docs, cfg, model=model_path, near=near)
    write_records(output, rows)
    if output != "-":
        click.echo(f"{'source':<32} {'docs':>5} {'dup':>5} {'first':>5} {'p_synd':>6} {'p_mt':>6} {'p_lowq':>6}  verdict")
        for row in rows:
            first = "-" if row["first_publisher_rate"] is None else f"{row['first_publisher_rate']:.2f}"
            click.echo(f"{row['source'][:32]:<32} {row['documents']:>5} {row['duplicate_rate']:>5.2f} {first:>5} "
                       f"{_p(row['p_syndicated'])} {_p(row['p_machine_translated'])} {_p(row['p_low_quality'])}  {row['verdict']}")
        click.echo(f"sources: {len(rows)}  output: {output}")


def _p(value: float | None) -> str:
    return f"{'-':>6}" if value is None else f"{value:>6.2f}"
