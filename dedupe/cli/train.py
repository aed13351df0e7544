"""`dedupe train`: fit a quality model on labeled JSONL and print its held-out scores per label."""

from __future__ import annotations

from pathlib import Path

import click

from dedupe.cli import options
from dedupe.io import FieldMap, read_documents
from dedupe.pipeline import run_pipeline
from dedupe.quality.classifier import signal_settings
from dedupe.quality.features import HashingSettings
from dedupe.quality.metrics import metrics_table
from dedupe.quality.model import TrainSettings
from dedupe.quality.prepare import preparation_stages
from dedupe.quality.training import evaluate, examples_from_documents, fit_prepared, held_out_predictions, language_slices, prepare


@click.command(name="train")
@options.input_arguments
@click.option("-o", "--output", required=True, metavar="MODEL", help="Where to write the model (JSON).")
@click.option("--labels-field", default="labels", show_default=True, help="Record field with the labels: a list, or {label: 0|1}.")
@click.option("--group-field", default="group", show_default=True, help="Record field grouping related documents on one side of the split [missing: the id].")
@click.option("--test-share", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.5), help="Share of groups held out for the scores.")
@click.option("--folds", default=0, type=click.IntRange(0, 20), help="Grouped k-fold cross-validation instead of one held-out share.")
@click.option("--C", "c", default=None, type=click.FloatRange(min=1e-6),
              help="Fix the n-gram regression's inverse regularisation [default: chosen per label from [quality.train] C_grid].")
@click.option("--seed", default=None, type=int, help="Seed of the split and of the regression [default: [quality.train] seed].")
@options.common_options
def command(inputs: tuple[str, ...], output: str, labels_field: str, group_field: str, test_share: float, folds: int,
            c: float | None, seed: int | None, **params: object) -> None:
    """Train on LABELED... (JSONL with a labels field), print held-out precision, recall, F1 and ROC AUC, save MODEL.

    The saved model is fitted on every row after the held-out scores are taken.
    """
    cfg = options.load_settings(params)
    fields = FieldMap.from_config(cfg.input)
    docs = list(read_documents(list(inputs), fields, on_error="fail", max_chars=cfg.input.max_chars))
    for i, doc in enumerate(docs):
        doc.input_order = i
    list(run_pipeline(docs, preparation_stages(cfg)))
    examples = examples_from_documents(docs, labels_field, group_field)
    hashing, settings = HashingSettings(), TrainSettings.from_config(cfg.quality.train, C=c, seed=seed)
    data = prepare(examples, signal_settings(cfg.quality), hashing)
    probs, mask = held_out_predictions(data, hashing, settings, folds=folds, test_share=test_share)
    how = f"grouped {folds}-fold cross-validation" if folds else f"{test_share:.0%} of groups held out"
    click.echo(f"documents: {len(examples)}  held-out scores: {how} ({int(mask.sum())} predicted)")
    for line in metrics_table(evaluate(data, probs, mask, language_slices(data, min_rows=10))):
        click.echo(line)
    model = fit_prepared(data, hashing, settings, {"trained_by": "dedupe train", "documents": len(examples),
                                                   "inputs": [Path(p).name for p in inputs]})
    model.save(output)
    click.echo(f"model: {output} ({Path(output).stat().st_size / 1e6:.2f} MB)")
