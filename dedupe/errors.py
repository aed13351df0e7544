"""Errors a user can cause, each naming where in the input it happened."""

from __future__ import annotations


class DedupeError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""


class InputError(DedupeError):
    """A record or file that cannot be read, with the place it was found (file:line or record)."""

    def __init__(self, where: str, problem: str):
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class ConfigError(DedupeError):
    """A configuration file, rule pack, model or index whose settings cannot be used."""
