"""The `dedupe` command group: a thin layer over the library, one module per command."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys

import click

from dedupe import __version__
from dedupe.errors import DedupeError

# command name -> module under dedupe.cli that defines a click command called `command`
COMMANDS: dict[str, str] = {
    "clean": "clean",
    "filter": "filter",
    "clusters": "clusters",
    "index": "index",
    "classify": "classify",
    "sources": "sources",
    "report": "report",
    "train": "train",
    "gate": "gate",
    "config": "config",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so `dedupe --help` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, mod in COMMANDS.items() if importlib.util.find_spec(f"dedupe.cli.{mod}"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `dedupe --help`, each described by its module's docstring, read without importing it."""
        rows = [(name, _summary(COMMANDS[name])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not importlib.util.find_spec(f"dedupe.cli.{COMMANDS[name]}"):
            return None
        return importlib.import_module(f"dedupe.cli.{COMMANDS[name]}").command


def _summary(module: str) -> str:
    """First sentence of a command module's docstring, without its "`dedupe x`: " lead, read from source."""
    spec = importlib.util.find_spec(f"dedupe.cli.{module}")
    try:
        with open(spec.origin, encoding="utf-8") as fh:  # type: ignore[union-attr, arg-type]
            doc = ast.get_docstring(ast.parse(fh.read())) or ""
    except (OSError, SyntaxError, TypeError):
        return ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    text = first.split(": ", 1)[1] if first.startswith("`dedupe") and ": " in first else first
    text = re.split(r"(?<=[\w)])\.(?:\s|$)", text)[0]  # the first sentence ("INPUT..." is not an end)
    return text[:1].upper() + text[1:]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
def cli() -> None:
    """Strip boilerplate, find near-duplicate coverage and mark source quality in scraped text."""


def main() -> None:
    """Console entry point: user mistakes become one line on stderr and exit code 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DedupeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
