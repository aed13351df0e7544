"""`dedupe classify`: label every document (syndicated, machine_translated, low_quality) and say why."""

from __future__ import annotations

import sys
from collections import Counter

import click

from dedupe import api
from dedupe.cli import options
from dedupe.cli.rejected import UnreadableNotes
from dedupe.io import open_outputs


@click.command(name="classify")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Labeled records: .jsonl, .jsonl.gz, .jsonl.zst, .parquet or - for stdout.")
@click.option("--rejects", default=None,
              help="Where unreadable records go under --on-error skip. Without it they are counted and named on "
                   "stderr, never written to the output.")
@click.option("--model", "model_path", default=None, metavar="FILE", help="A model from `dedupe train` [default: the packaged model].")
@click.option("--near/--no-near", default=True, show_default=True, help="Find near-duplicate clusters in the batch (cluster size, first publisher).")
@click.option("--explain", is_flag=True, help="Print each document's labels and explanation.")
@options.common_options
def command(inputs: tuple[str, ...], output: str, rejects: str | None, model_path: str | None, near: bool,
            explain: bool, **params: object) -> None:
    """Add dedupe.labels (probabilities), dedupe.signals and dedupe.explanation to INPUT... and write them.

    Under --on-error skip an unreadable record never reaches OUTPUT: it goes to --rejects when
    given, and is otherwise counted and named on stderr.
    """
    cfg = options.load_settings(params)
    report = sys.stderr if output == "-" else sys.stdout
    counts: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    n = unreadable = 0
    model_labels: list[str] = []  # in the model's order, as the first labelled document has them
    skipped = UnreadableNotes()
    labels = api.classify(api.read(inputs, cfg), cfg, model=model_path, near=near)
    with open_outputs(output, rejects or output, text_field=cfg.input.text_field) as (out, rejects_out):
        for doc in options.progress(labels, quiet=bool(params.get("quiet")), desc="classify"):
            n += 1
            if doc.error is not None:
                unreadable += 1
                if rejects:
                    rejects_out.write(doc)
                else:
                    skipped.add(doc)
                continue
            out.write(doc)
            model_labels = model_labels or list(doc.labels)
            counts.update(label for label, p in doc.labels.items() if p >= cfg.quality.explain_threshold)
            signals.update(doc.signals)
            if explain:
                click.echo(f"{doc.id}\t" + " ".join(f"{k}={v:.2f}" for k, v in doc.labels.items()), file=report)
                for line in doc.explanation:
                    click.echo(f"  {line}", file=report)
    click.echo(f"documents: {n}" + (f"  unreadable: {unreadable}" if unreadable else ""), file=report)
    for label in model_labels:
        click.echo(f"  {label} >= {cfg.quality.explain_threshold:g}: {counts[label]}", file=report)
    if signals:
        top = ", ".join(f"{name} ({count})" for name, count in sorted(signals.items(), key=lambda t: (-t[1], t[0]))[:8])
        click.echo(f"signals: {top}", file=report)
    skipped.echo()
    click.echo(f"output: {output}" + (f"  rejects: {rejects}" if rejects else ""), file=report)
