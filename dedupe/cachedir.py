"""The user's cache folder, and code point tables kept in it between runs.

A table with one value per code point (which code points are word characters, which change under
casefold, each BMP code point's letter class and script) takes 30-70 ms to build: one regex pass
over every code point, at the start of every run. Its values depend only on the code that builds
it, the versions of `regex`, of Python (its Unicode database, str.casefold) and of numpy, and on
its own key (e.g. the patterns it reads), so `cached_table` keeps it as a .npy file named by a
digest of all of them and reads it back in well under a millisecond. A missing, damaged or stale
file only means the table is built again; a folder that cannot be written is not an error.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import regex

_FORMAT = "1"


def cache_dir() -> Path:
    """Where dedupe keeps files it can rebuild (DEDUPE_CACHE_DIR, XDG_CACHE_HOME, ~/.cache)."""
    explicit = os.environ.get("DEDUPE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dedupe"


def _digest(name: str, key: str, source: str) -> str:
    try:
        code = Path(source).read_bytes()
    except OSError:
        code = b""  # no source to read (a frozen install): the versions still key the table
    parts = (_FORMAT, name, key, regex.__version__, unicodedata.unidata_version, sys.version, np.__version__)
    h = hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=12)
    h.update(code)
    return h.hexdigest()


def cached_table(name: str, key: str, source: str, shape: tuple[int, ...], dtype: type | np.dtype,
                 build: Callable[[], np.ndarray]) -> np.ndarray:
    """`build()`, or the same table an earlier run built and saved.

    `source`: the file holding the code that builds the table (its bytes are part of the digest);
    `key`: whatever else the table depends on; `shape` and `dtype` are checked on reading.
    """
    folder = cache_dir() / "tables"
    path = folder / f"{name}-{_digest(name, key, source)}.npy"
    try:
        table = np.load(path, allow_pickle=False)
        if table.shape == shape and table.dtype == np.dtype(dtype):
            return table
    except (OSError, ValueError, EOFError):
        pass  # not built yet, or damaged: build it again
    table = build()
    if table.shape != shape or table.dtype != np.dtype(dtype):
        raise AssertionError(f"table {name} built as {table.dtype}{table.shape}, expected {np.dtype(dtype)}{shape}")
    _save(folder, path, name, table)
    return table


def write_cache_file(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file beside it, so a reader sees the old file or
    the new one, never half of one. False when the folder cannot be written: a cache that is not
    kept only costs the next run its time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def _save(folder: Path, path: Path, name: str, table: np.ndarray) -> None:
    """Write the table and drop the files of older builds of it."""
    buffer = io.BytesIO()
    np.save(buffer, table, allow_pickle=False)
    if not write_cache_file(path, buffer.getvalue()):
        return
    for old in folder.glob(f"{name}-*.npy"):
        if old != path:
            old.unlink(missing_ok=True)
