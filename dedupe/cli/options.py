"""Options every command shares (inputs, field names, --on-error, --config, --quiet) and a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import click

from dedupe.config import Config, load_config, resolve_config_path

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# CLI parameter name -> key of the [input] config section
FIELD_OPTIONS: dict[str, str] = {
    "text_field": "text_field",
    "id_field": "id_field",
    "url_field": "url_field",
    "source_field": "source_field",
    "date_field": "date_field",
}


def input_arguments(func: F) -> F:
    """INPUT...: files (.jsonl, .jsonl.gz, .jsonl.zst, .parquet, .txt, .html, .htm), folders, or - for stdin.

    Plain strings, not click.Path(exists=True): a missing file is reported by the reader as one
    line (`missing.jsonl: no such file or directory`), like every other input problem.
    """
    return click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")(func)


def field_options(func: F) -> F:
    """--text-field, --id-field, --url-field, --source-field, --date-field (default: from the config)."""
    helps = {
        "text_field": "Record field holding the text [default: text].",
        "id_field": "Record field holding the id [default: id; missing ids become file:line].",
        "url_field": "Record field holding the URL [default: url].",
        "source_field": "Record field naming the source [default: the URL's registered domain].",
        "date_field": "Record field holding the publication date [default: published].",
    }
    for name in reversed(list(FIELD_OPTIONS)):
        func = click.option(f"--{name.replace('_', '-')}", name, default=None, metavar="NAME", help=helps[name])(func)
    return func


def on_error_option(func: F) -> F:
    """--on-error fail|skip."""
    return click.option(
        "--on-error",
        "on_error",
        type=click.Choice(["fail", "skip"]),
        default=None,
        help="On a record that cannot be read: stop with its file and line (fail, default) or reject it as unreadable (skip).",
    )(func)


def config_option(func: F) -> F:
    """--config FILE."""
    return click.option("--config", "config", default=None, metavar="FILE",
                        help="TOML settings overriding the defaults [default: ./dedupe.toml when present].")(func)


def quiet_option(func: F) -> F:
    """--quiet / -q."""
    return click.option("-q", "--quiet", "quiet", is_flag=True, default=False, help="No progress bar.")(func)


def common_options(func: F) -> F:
    """Field names, --on-error, --config and --quiet together."""
    for decorate in (quiet_option, config_option, on_error_option, field_options):
        func = decorate(func)
    return func


def cli_overrides(ctx_params: Mapping[str, Any]) -> dict[str, Any]:
    """The [input] settings the user gave on the command line (options left out are not overrides)."""
    section = {key: ctx_params[name] for name, key in FIELD_OPTIONS.items() if ctx_params.get(name) is not None}
    if ctx_params.get("on_error") is not None:
        section["on_error"] = ctx_params["on_error"]
    return {"input": section} if section else {}


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def merged_overrides(ctx_params: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The shared options' settings, then a command's own `overrides`, as one nested dict."""
    return _deep_merge(cli_overrides(ctx_params), {k: v for k, v in (overrides or {}).items() if v != {}})


def load_settings(ctx_params: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then --config FILE (or ./dedupe.toml), then the shared options, then a command's own `overrides`."""
    merged = merged_overrides(ctx_params, overrides)
    return load_config(resolve_config_path(ctx_params.get("config")), merged or None)


def progress(iterable: Iterable[T], quiet: bool = False, desc: str = "", total: int | None = None) -> Iterator[T]:
    """`iterable` with a tqdm bar on stderr; no bar when quiet or when stderr is not a terminal."""
    stream = sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        yield from iterable
        return
    from tqdm import tqdm

    yield from tqdm(iterable, desc=desc or None, total=total, file=stream, unit=" docs", dynamic_ncols=True, leave=False)


def run_options(func: F) -> F:
    """--model, --workers, --batch-docs and --threshold: how the filter's stages run (filter, gate, report)."""
    func = click.option("--threshold", type=float, default=None,
                        help="Near-duplicate Jaccard threshold (default: [near] threshold).")(func)
    func = click.option("--batch-docs", type=int, default=None,
                        help="Documents held in memory at once (default: [filter] batch_docs).")(func)
    func = click.option("--workers", type=int, default=None,
                        help="Worker processes (default: [workers] count, 0 = all cores).")(func)
    return click.option("--model", default=None, type=click.Path(dir_okay=False),
                        help="Model file from `dedupe train` (default: the packaged one).")(func)


def strip_options(func: F) -> F:
    """--rules, --disable and --no-learned, shared by the commands that strip."""
    func = click.option("--no-learned", is_flag=True, help="Do not strip chrome lines learned from the batch.")(func)
    func = click.option("--disable", multiple=True, help="Rule id or pack name to turn off (repeatable).")(func)
    return click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
                        help="Extra rule pack folder (repeatable).")(func)


def run_overrides(rules_dirs: tuple[str, ...], disable: tuple[str, ...], no_learned: bool,
                  threshold: float | None, batch_docs: int | None) -> dict[str, Any]:
    """The config overrides of strip_options and run_options (threshold, batch size) together."""
    overrides = strip_overrides(rules_dirs, disable, no_learned)
    if threshold is not None:
        overrides["near"] = {"threshold": threshold}
    if batch_docs is not None:
        overrides["filter"] = {"batch_docs": batch_docs}
    return overrides


def strip_overrides(rules_dirs: tuple[str, ...], disable: tuple[str, ...], no_learned: bool) -> dict[str, Any]:
    """The [strip] settings given by strip_options."""
    section: dict[str, Any] = {}
    if rules_dirs:
        section["rules_dirs"] = list(rules_dirs)
    if disable:
        section["disable"] = list(disable)
    if no_learned:
        section["learned"] = {"enabled": False}
    return {"strip": section} if section else {}
