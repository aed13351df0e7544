"""`dedupe clean`: strip boilerplate from every document and say what was removed and why."""

from __future__ import annotations

import sys
from typing import Any

import click

from dedupe import api
from dedupe.cli import options
from dedupe.cli.rejected import UnreadableNotes
from dedupe.document import Document
from dedupe.io import open_outputs
from dedupe.summary import RunSummary

@click.command(name="clean")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Cleaned records: .jsonl, .jsonl.gz, .jsonl.zst, .parquet or - for stdout.")
@click.option("--rejects", default=None,
              help="Where unreadable records go under --on-error skip. Without it they are counted and named on "
                   "stderr, never written to the output.")
@options.strip_options
@click.option("--explain", is_flag=True, help="Print every removal: document, rule, category, text.")
@options.common_options
def command(inputs: tuple[str, ...], output: str, rejects: str | None, rules_dirs: tuple[str, ...],
            disable: tuple[str, ...], no_learned: bool, explain: bool, **params: Any) -> None:
    """Strip ad slots, forum, site and wire chrome from INPUT... and write the cleaned records.

    Under --on-error skip an unreadable record never reaches OUTPUT: it goes to --rejects when
    given, and is otherwise counted and named on stderr.
    """
    cfg = options.load_settings(params, options.strip_overrides(rules_dirs, disable, no_learned))
    summary = RunSummary()
    report = sys.stderr if output == "-" else sys.stdout
    skipped = UnreadableNotes()
    docs = api.clean(api.read(inputs, cfg), cfg)
    with open_outputs(output, rejects or output, text_field=cfg.input.text_field) as (kept_out, rejects_out):
        for doc in options.progress(docs, quiet=params.get("quiet", False), desc="clean"):
            summary.add(doc)
            if doc.error is not None and not rejects:
                skipped.add(doc)
            else:
                (rejects_out if doc.decision == "reject" else kept_out).write(doc)
            if explain:
                _explain(doc, report)
    for line in summary.lines():
        click.echo(line, file=report)
    skipped.echo()
    click.echo(f"output: {output}" + (f"  rejects: {rejects}" if rejects else ""), file=report)


def _explain(doc: Document, out: object) -> None:
    """One line per removal, with newlines shown as ⏎ so each stays on one line."""
    for r in doc.removed:
        text = r.text.strip().replace("\n", " ⏎ ")
        click.echo(f"{doc.id}\t{r.rule}\t{r.category}\t{text}", file=out)
    if doc.error is not None:
        click.echo(f"{doc.id}\tunreadable\t{doc.where}: {doc.error}", file=out)
