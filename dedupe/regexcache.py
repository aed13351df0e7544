"""Compiled regexes kept between runs: the rule packs' large patterns, compiled once per machine.

The `regex` module parses a pattern in Python before its C engine compiles it: the rule groups'
combined patterns take about 0.3-0.5 s to compile at every run that meets them, more than
stripping a thousand documents. A compiled `regex.Pattern` pickles as the C engine's call with
the already parsed code, and reading that back takes milliseconds, so `compile_cached` keeps each
pattern's pickle in the cache folder (dedupe.cachedir), named by a digest of the pattern, its
flags and the versions of `regex` and Python. Files are read with an unpickler that allows one
callable, `regex`'s own compile function, so a tampered file cannot run other code. A missing,
damaged or stale file only means the pattern is compiled again; a folder that cannot be written
is not an error.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from pathlib import Path

import regex

from dedupe.cachedir import cache_dir, write_cache_file

_FORMAT = "1"
_ALLOWED = {("_regex", "compile"), ("regex._regex", "compile")}  # what a compiled pattern pickles as


class _PatternUnpickler(pickle.Unpickler):
    """Unpickles a compiled regex and nothing else."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a regex compile function")


def _path(source: str, flags: int) -> Path:
    parts = (_FORMAT, regex.__version__, sys.version, str(flags), source)
    digest = hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return cache_dir() / "regex" / f"{digest}.pickle"


def compile_cached(source: str, flags: int = 0) -> regex.Pattern[str]:
    """regex.compile(source, flags), or the same pattern compiled by an earlier run."""
    path = _path(source, flags)
    try:
        pattern = _PatternUnpickler(io.BytesIO(path.read_bytes())).load()
        if isinstance(pattern, regex.Pattern) and pattern.pattern == source:  # the name holds the flags
            return pattern
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError, regex.error):
        pass  # not compiled here before, or damaged: compile it again
    pattern = regex.compile(source, flags)
    write_cache_file(path, pickle.dumps(pattern, protocol=pickle.HIGHEST_PROTOCOL))
    return pattern
