"""`dedupe index`: inspect a persistent near-duplicate index."""

from __future__ import annotations

import json

import click

from dedupe.index import open_index


@click.group(name="index")
def command() -> None:
    """Inspect the persistent index used by `dedupe filter --index PATH` (or --index redis://HOST:PORT/DB)."""


@command.command("stats")
@click.argument("path", metavar="PATH|redis://HOST:PORT/DB")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(path: str, as_json: bool) -> None:
    """Print the size, number of documents and settings of the index at PATH (an SQLite file or a Redis URL)."""
    with open_index(path, None) as index:
        info = index.stats()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, sort_keys=True))
        return
    click.echo(f"index      {info['path']}")
    where = " (Redis server memory, all databases)" if info.get("backend") == "redis" else ""
    click.echo(f"size       {info['size_bytes']:,} bytes{where}")
    click.echo(f"documents  {info['documents']:,}")
    click.echo(f"batches    {info['batches']:,}")
    if "rechecks" in info:
        click.echo(f"rechecks   {info['rechecks']:,} (commits re-checked against other workers' newer documents)")
    click.echo("settings")
    for key, value in sorted(info["settings"].items()):
        click.echo(f"  {key} = {value}")
