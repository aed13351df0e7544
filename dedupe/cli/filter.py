"""`dedupe filter`: the pre-ingest gate. Every input document lands in exactly one of KEPT and REJECTS."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from dedupe import api
from dedupe.api import FilterRun
from dedupe.cli import options
from dedupe.config import Config, as_dict
from dedupe.errors import ConfigError
from dedupe.io import open_outputs
from dedupe.io.atomic import AtomicFile
from dedupe.summary import RunSummary


@click.command(name="filter")
@options.input_arguments
@click.option("-o", "--output", required=True, help="Kept records: .jsonl, .jsonl.gz, .jsonl.zst, .parquet or - for stdout.")
@click.option("--rejects", required=True, help="Rejected records, each with dedupe.reasons (same formats).")
@click.option("--index", "index_path", default=None, help="Persistent index, an SQLite file or redis://HOST:PORT/DB (shared by many workers): checked, and grown with the kept documents.")
@click.option("--report", default=None, help="Write the run's figures and largest clusters as JSON here.")
@click.option("--html", "html", default=None, metavar="FILE.html",
              help="Also write the HTML report of this run (as `dedupe report -o`), in the same pass.")
@click.option("--reject-label", "reject_labels", multiple=True, metavar="LABEL[=P]",
              help="Reject documents whose LABEL probability is at least P (default [quality] reject_probability). Repeatable.")
@click.option("--no-classify", is_flag=True, help="Skip the classifier (no labels; faster).")
@options.run_options
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where the stages run: this machine, or Apache Spark (the whole input as one batch).")
@click.option("--spark-master", default=None, metavar="URL",
              help="Spark master for --engine spark (default [spark] master, local[*]; sc://HOST for Spark Connect).")
@options.strip_options
@options.common_options
def command(inputs: tuple[str, ...], output: str, rejects: str, index_path: str | None, report: str | None, html: str | None,
            reject_labels: tuple[str, ...], no_classify: bool, model: str | None, workers: int | None,
            batch_docs: int | None, threshold: float | None, rules_dirs: tuple[str, ...], disable: tuple[str, ...],
            no_learned: bool, **params: Any) -> None:
    """Strip, find exact and near duplicates (in the batch and against --index), label, and decide.

    Kept documents go to OUTPUT; rejected ones to REJECTS with their reasons (exact_duplicate,
    near_duplicate, unreadable, label:<name>). The summary says how many of each.
    """
    overrides = options.run_overrides(rules_dirs, disable, no_learned, threshold, batch_docs)
    cfg = options.load_settings(params, overrides)
    if output == rejects or (output != "-" and os.path.abspath(output) == os.path.abspath(rejects)):
        raise ConfigError(f"-o {output} and --rejects {rejects}: kept and rejected documents need two different outputs")
    if report and not os.path.isdir(os.path.dirname(os.path.abspath(report))):
        raise ConfigError(f"{report}: cannot write the report: its folder does not exist")
    if html and not os.path.isdir(os.path.dirname(os.path.abspath(html))):
        raise ConfigError(f"{html}: cannot write the HTML report: its folder does not exist")
    out = sys.stderr if output == "-" or rejects == "-" else sys.stdout
    if params.pop("engine") == "spark":
        _spark(inputs, output, rejects, cfg, params, index_path, report, html, reject_labels, no_classify, model, out)
        return

    run = api.filter(api.read(inputs, cfg), cfg, index=index_path, classify=False if no_classify else None,
                     reject_labels=reject_labels, model=model, workers=workers)
    with run:
        with open_outputs(output, rejects, text_field=cfg.input.text_field) as (kept_out, rejects_out):
            collector = _collector(cfg) if html else None
            for doc in options.progress(run, quiet=params.get("quiet", False), desc="filter"):
                if collector is not None:
                    collector.add(doc)
                (rejects_out if doc.decision == "reject" else kept_out).write(doc)
    if collector is not None:
        from dedupe.reporting import write_files

        write_files(collector, run.clusters, run.summary, html=html, run={"inputs": list(inputs)})
        collector.close()
    if report:
        _write_report(report, run, inputs, output, rejects, index_path)
    for line in run_lines(run.summary, run, cfg):
        click.echo(line, file=out)
    run.clusters.close()
    where = f"kept: {output}  rejects: {rejects}"
    where += f"  index: {index_path}" if index_path else ""
    where += f"  report: {report}" if report else ""
    where += f"  html: {html}" if html else ""
    click.echo(where, file=out)


def _collector(cfg: Config) -> Any:
    """The HTML report's collector, imported only when --html asks for it (it loads the quality stack)."""
    from dedupe.reporting import ReportCollector

    return ReportCollector(cfg)


def run_lines(summary: RunSummary, run: FilterRun, cfg: Config) -> list[str]:
    """The summary printed at the end of a run: documents, reasons, clusters, LSH settings."""
    lines = summary.lines()
    largest = run.clusters.largest(1)
    biggest = f"  largest: {largest[0]['size']} ({largest[0]['cluster']})" if largest else ""
    lines.append(f"clusters: {len(run.clusters)} with {run.clusters.duplicates} duplicates{biggest}")
    near = cfg.near
    contained = f" or containment {near.containment} (length ratio >= {near.containment_min_ratio})" if near.containment > 0 else ""
    lines.append(f"LSH: {run.bands} bands x {run.rows} rows; duplicate at Jaccard {near.threshold}{contained}; "
                 f"{near.num_perm} permutations, {near.shingle} {near.ngram}-grams")
    labelled = {label: n for label, n in summary.labels.items() if n}
    if labelled:
        lines.append("labelled (p >= 0.5): " + "  ".join(f"{k}: {v}" for k, v in sorted(labelled.items())))
    return lines


def _spark(inputs: tuple[str, ...], output: str, rejects: str, cfg: Config, params: dict[str, Any], index_path: str | None,
           report: str | None, html: str | None, reject_labels: tuple[str, ...], no_classify: bool, model: str | None,
           out: Any) -> None:
    """`--engine spark`: the same outputs from dedupe.engines.spark (no --index, --report or --html there)."""
    from dedupe.engines.spark_cli import filter_command
    from dedupe.quality import parse_reject_label

    if index_path or report or html:
        raise ConfigError("--engine spark: --index, --report and --html are local-engine options")
    classify = cfg.filter.classify and not no_classify
    if reject_labels and not classify:
        raise ConfigError("--reject-label needs the classifier: drop --no-classify (or [filter] classify = false)")
    thresholds = dict(parse_reject_label(spec, cfg.quality.reject_probability) for spec in reject_labels)
    lines = filter_command(inputs, output, rejects, cfg, master=params.pop("spark_master"), classify=classify,
                           reject_labels=thresholds, model=model,
                           progress=lambda docs: options.progress(docs, quiet=params.get("quiet", False), desc="filter"))
    for line in lines:
        click.echo(line, file=out)
    click.echo(f"kept: {output}  rejects: {rejects}", file=out)


def _write_report(path: str, run: FilterRun, inputs: tuple[str, ...], output: str, rejects: str,
                  index_path: str | None) -> None:
    """The run as one JSON object, written atomically."""
    cfg = run.cfg
    report = {
        "inputs": list(inputs),
        "outputs": {"kept": output, "rejects": rejects, "index": index_path},
        "summary": run.summary.to_dict(),
        "near": run.totals | {"bands": run.bands, "rows": run.rows, "threshold": cfg.near.threshold,
                              "num_perm": cfg.near.num_perm},
        "clusters": {"count": len(run.clusters), "largest": run.clusters.largest(cfg.filter.report_clusters)},
        "reject_labels": run.reject_labels,
        "timings": run.job.timings,  # seconds per stage: where the run's time went
        "settings": {"near": as_dict(cfg.near), "keep_policy": as_dict(cfg.keep_policy), "filter": as_dict(cfg.filter)},
    }
    write_json(path, report)


def write_json(path: str, data: Any) -> None:
    """`data` as indented JSON at `path` (temporary file, then rename)."""
    target = AtomicFile(path)
    try:
        target.stream.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        target.commit()
    except BaseException:
        target.abort()
        raise
