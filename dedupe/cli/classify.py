"""`dedupe classify`: label every document (syndicated, machine_translated, low_quality) and say why."""

from __future__ import annotations

import sys
from collections import Counter

import click

from dedupe.cli import options
from dedupe.io import FieldMap, open_writer, read_documents
from dedupe.pipeline import run_pipeline
from dedupe.quality import Classifier
from dedupe.quality.prepare import preparation_stages


@click.command(name="classify")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Labeled records: .jsonl, .jsonl.gz, .jsonl.zst, .parquet or - for stdout.")
@click.option("--model", "model_path", default=None, metavar="FILE", help="A model from `dedupe train` [default: the packaged model].")
@click.option("--near/--no-near", default=True, show_default=True, help="Find near-duplicate clusters in the batch (cluster size, first publisher).")
@click.option("--explain", is_flag=True, help="Print each document's labels and explanation.")
@options.common_options
def command(inputs: tuple[str, ...], output: str, model_path: str | None, near: bool, explain: bool, **params: object) -> None:
    """Add dedupe.labels (probabilities), dedupe.signals and dedupe.explanation to INPUT... and write them."""
    cfg = options.load_settings(params)
    fields = FieldMap.from_config(cfg.input)
    classifier = Classifier.load(model_path, cfg.quality)
    stages = [*preparation_stages(cfg, near=near), classifier]
    report = sys.stderr if output == "-" else sys.stdout
    docs = read_documents(list(inputs), fields, on_error=cfg.input.on_error, max_chars=cfg.input.max_chars)
    counts: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    n = unreadable = 0
    with open_writer(output, fields.text_field) as out:
        for doc in options.progress(run_pipeline(docs, stages), quiet=bool(params.get("quiet")), desc="classify"):
            n += 1
            out.write(doc)
            if doc.error is not None:
                unreadable += 1
                continue
            counts.update(label for label, p in doc.labels.items() if p >= cfg.quality.explain_threshold)
            signals.update(doc.signals)
            if explain:
                click.echo(f"{doc.id}\t" + " ".join(f"{k}={v:.2f}" for k, v in doc.labels.items()), file=report)
                for line in doc.explanation:
                    click.echo(f"  {line}", file=report)
    click.echo(f"documents: {n}" + (f"  unreadable: {unreadable}" if unreadable else ""), file=report)
    for label in classifier.model.labels:
        click.echo(f"  {label} >= {cfg.quality.explain_threshold:g}: {counts[label]}", file=report)
    if signals:
        top = ", ".join(f"{name} ({count})" for name, count in sorted(signals.items(), key=lambda t: (-t[1], t[0]))[:8])
        click.echo(f"signals: {top}", file=report)
    click.echo(f"output: {output}", file=report)
