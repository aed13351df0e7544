"""`dedupe report`: the filter's findings on INPUT... as one HTML page a person reads (and JSON), no documents written."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from dedupe import api
from dedupe.cli import options
from dedupe.errors import ConfigError


@click.command(name="report")
@options.input_arguments
@click.option("-o", "--output", default=None, metavar="FILE.html",
              help="The HTML report: one self-contained page (inline CSS, JS and SVG; opens from disk, no network).")
@click.option("--json", "json_path", default=None, metavar="FILE.json",
              help="The same data as JSON, with every cluster and source (the page shows the largest; [report] caps).")
@click.option("--reject-label", "reject_labels", multiple=True, metavar="LABEL[=P]",
              help="Count documents whose LABEL probability is at least P as rejected, as `filter` would. Repeatable.")
@click.option("--no-classify", is_flag=True, help="Skip the classifier (no labels or verdicts by label; faster).")
@options.run_options
@options.strip_options
@options.common_options
def command(inputs: tuple[str, ...], output: str | None, json_path: str | None, reject_labels: tuple[str, ...],
            no_classify: bool, model: str | None, workers: int | None, batch_docs: int | None,
            threshold: float | None, rules_dirs: tuple[str, ...], disable: tuple[str, ...], no_learned: bool,
            **params: Any) -> None:
    """Run the filter over INPUT... without writing documents, and report what it found.

    The page shows the run's summary (documents, kept and rejected by reason, clusters, characters
    stripped by category, label rates, charts), the largest duplicate clusters with side-by-side
    diffs, what was stripped by rule with examples in context, and a sortable table of sources.
    """
    if not output and not json_path:
        raise ConfigError("dedupe report: give -o FILE.html, --json FILE.json, or both")
    for path in (output, json_path):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise ConfigError(f"{path}: cannot write the report: its folder does not exist")
    overrides = options.run_overrides(rules_dirs, disable, no_learned, threshold, batch_docs)
    cfg = options.load_settings(params, overrides)
    docs = options.progress(api.read(inputs, cfg), quiet=params.get("quiet", False), desc="report")
    data = api.report(docs, cfg, html=output, json=json_path, classify=False if no_classify else None,
                      reject_labels=reject_labels, model=model, workers=workers, inputs=inputs)
    s = data["summary"]
    click.echo(f"documents: {s['documents']}  kept: {s['kept']}  rejected: {s['rejected']}  "
               f"clusters: {s['clusters']}  sources: {data['sources']['count']}", file=sys.stdout)
    where = "  ".join(f"{name}: {path}" for name, path in (("html", output), ("json", json_path)) if path)
    click.echo(where, file=sys.stdout)

