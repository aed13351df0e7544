"""`dedupe config show`: the effective settings and where each came from (default, file, option)."""

from __future__ import annotations

import json
from typing import Any

import click

from dedupe.cli import options
from dedupe.config import LOCAL_CONFIG, resolve_config_path, setting_sources


@click.group(name="config")
def command() -> None:
    """Inspect the settings commands run with."""


def _toml_value(value: Any) -> str:
    """A value as it would be written in TOML (strings quoted, booleans lower case, tables inline)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


@command.command("show")
@click.option("--workers", type=int, default=None, help="As the commands' --workers ([workers] count).")
@click.option("--batch-docs", type=int, default=None, help="As filter's --batch-docs ([filter] batch_docs).")
@click.option("--threshold", type=float, default=None, help="As filter's --threshold ([near] threshold).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: {config_file, settings: {key: {value, source}}}.")
@options.strip_options
@options.common_options
def show(workers: int | None, batch_docs: int | None, threshold: float | None, as_json: bool,
         rules_dirs: tuple[str, ...], disable: tuple[str, ...], no_learned: bool, **params: Any) -> None:
    """Print every setting with its value and source: default (dedupe/defaults.toml), file (--config,
    or ./dedupe.toml when no --config is given) or option (given on this command line).

    Give the same options as the command you mean to run to see what it would use.
    """
    overrides = options.run_overrides(rules_dirs, disable, no_learned, threshold, batch_docs)
    if workers is not None:
        overrides["workers"] = {"count": workers}
    path = resolve_config_path(params.get("config"))
    sources = setting_sources(path, options.merged_overrides(params, overrides) or None)
    found = f"{path} (found in the working directory)" if path and not params.get("config") else path
    if as_json:
        click.echo(json.dumps({"config_file": path, "settings": {k: {"value": v, "source": s} for k, (v, s) in sources.items()}},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"# config file: {found or f'none (no --config, no ./{LOCAL_CONFIG})'}")
    width = max(len(f"{k} = {_toml_value(v)}") for k, (v, _) in sources.items())
    for key, (value, source) in sources.items():
        line = f"{key} = {_toml_value(value)}"
        click.echo(f"{line:<{width}}  # {source}")
