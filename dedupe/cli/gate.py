"""`dedupe gate`: pass or fail a batch against thresholds; one JSON object on stdout, the verdict in the exit code."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from dedupe import api
from dedupe.cli import options

EXIT_PASS, EXIT_FAIL = 0, 1  # usage and input errors exit with 2, as in every command


def _rate(value: str, name: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number", param_hint=name) from None
    if not 0.0 <= rate <= 1.0:
        raise click.BadParameter(f"{value} must be between 0 and 1", param_hint=name)
    return rate


def parse_max_rates(specs: tuple[str, ...]) -> dict[str, float]:
    """--max-rate LABEL=R values as {label: rate}."""
    rates: dict[str, float] = {}
    for spec in specs:
        label, sep, value = spec.partition("=")
        if not sep or not label.strip():
            raise click.BadParameter(f"{spec!r}: expected LABEL=R, e.g. machine_translated=0.2", param_hint="--max-rate")
        rates[label.strip()] = _rate(value, "--max-rate")
    return rates


@click.command(name="gate")
@options.input_arguments
@click.option("--index", "index_path", default=None,
              help="Persistent index the batch is checked against (read, never grown; a missing one counts as empty).")
@click.option("--max-duplicate-rate", type=click.FloatRange(0.0, 1.0), default=None, metavar="R",
              help="Fail when more than this share of documents are exact or near duplicates [default: [gate] max_duplicate_rate].")
@click.option("--max-rate", "max_rates", multiple=True, metavar="LABEL=R",
              help="Fail when more than this share of documents have LABEL (p >= 0.5). Repeatable [default: [gate.max_rate]].")
@click.option("--min-documents", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fail when the batch has fewer documents [default: [gate] min_documents].")
@click.option("--max-stripped-share", type=click.FloatRange(0.0, 1.0), default=None, metavar="R",
              help="Fail when more than this share of the input characters was stripped as boilerplate "
                   "[default: [gate] max_stripped_share].")
@click.option("--reject-label", "reject_labels", multiple=True, metavar="LABEL[=P]",
              help="Count documents at or above this label probability as rejected, as `filter` does. Repeatable.")
@click.option("--no-classify", is_flag=True, help="Skip the classifier (no label rates; faster).")
@options.run_options
@options.strip_options
@options.common_options
def command(inputs: tuple[str, ...], index_path: str | None, max_duplicate_rate: float | None,
            max_rates: tuple[str, ...], min_documents: int | None, max_stripped_share: float | None,
            reject_labels: tuple[str, ...], no_classify: bool, model: str | None, workers: int | None,
            batch_docs: int | None, threshold: float | None, rules_dirs: tuple[str, ...], disable: tuple[str, ...],
            no_learned: bool, **params: Any) -> None:
    """Compute the figures `filter` would for INPUT... (nothing written) and check them against thresholds.

    Prints one JSON object on stdout: figures, thresholds, and every check with its value and
    verdict. Exit code 0 when every check passes, 1 when any fails, 2 on a usage or input error.
    Thresholds not given here come from the [gate] table of the config file.
    """
    overrides = options.run_overrides(rules_dirs, disable, no_learned, threshold, batch_docs)
    cfg = options.load_settings(params, overrides)
    rates = parse_max_rates(max_rates)
    result = api.gate(api.read(inputs, cfg), cfg, max_duplicate_rate=max_duplicate_rate, max_rates=rates,
                      min_documents=min_documents, max_stripped_share=max_stripped_share, index=index_path,
                      classify=False if no_classify else None, reject_labels=reject_labels, model=model,
                      workers=workers)
    report = {"inputs": list(inputs)} | result.to_dict()
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    sys.exit(EXIT_PASS if result.passed else EXIT_FAIL)
