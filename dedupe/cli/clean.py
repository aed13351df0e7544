"""`dedupe clean`: strip boilerplate from every document and say what was removed and why."""

from __future__ import annotations

import sys

import click

from dedupe.cli import options
from dedupe.document import Document
from dedupe.io import FieldMap, open_outputs, read_documents
from dedupe.lang import LanguageDetector
from dedupe.pipeline import run_pipeline
from dedupe.strip import LearnedChrome, RuleSet, Stripper
from dedupe.summary import RunSummary


@click.command(name="clean")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Cleaned records: .jsonl, .jsonl.gz, .jsonl.zst, .parquet or - for stdout.")
@click.option("--rejects", default=None, help="Where unreadable records go under --on-error skip (default: the output).")
@options.strip_options
@click.option("--explain", is_flag=True, help="Print every removal: document, rule, category, text.")
@options.common_options
def command(inputs: tuple[str, ...], output: str, rejects: str | None, rules_dirs: tuple[str, ...],
            disable: tuple[str, ...], no_learned: bool, explain: bool, **params: object) -> None:
    """Strip ad slots, forum, site and wire chrome from INPUT... and write the cleaned records."""
    cfg = options.load_settings(params, options.strip_overrides(rules_dirs, disable, no_learned))
    fields = FieldMap.from_config(cfg.input)
    rules = RuleSet.load(cfg.strip.rules_dirs, cfg.strip.disable)
    stages = [LanguageDetector(cfg.lang.sample_chars, cfg.lang.seed, cfg.lang.script_share), Stripper(rules)]
    if cfg.strip.learned.enabled:
        stages.append(LearnedChrome(cfg.strip.learned))

    summary = RunSummary()
    report = sys.stderr if output == "-" else sys.stdout
    docs = read_documents(list(inputs), fields, on_error=cfg.input.on_error, max_chars=cfg.input.max_chars)
    with open_outputs(output, rejects, text_field=fields.text_field) as (kept_out, rejects_out):
        for doc in options.progress(run_pipeline(docs, stages), quiet=params.get("quiet", False), desc="clean"):
            summary.add(doc)
            (rejects_out if doc.decision == "reject" else kept_out).write(doc)
            if explain:
                _explain(doc, report)
    for line in summary.lines():
        click.echo(line, file=report)
    click.echo(f"output: {output}" + (f"  rejects: {rejects}" if rejects else ""), file=report)


def _explain(doc: Document, out: object) -> None:
    """One line per removal, with newlines shown as ⏎ so each stays on one line."""
    for r in doc.removed:
        text = r.text.strip().replace("\n", " ⏎ ")
        click.echo(f"{doc.id}\t{r.rule}\t{r.category}\t{text}", file=out)
    if doc.error is not None:
        click.echo(f"{doc.id}\tunreadable\t{doc.where}: {doc.error}", file=out)
