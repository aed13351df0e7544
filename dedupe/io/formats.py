"""File formats by name ending, for inputs and outputs."""

from __future__ import annotations

STDIO = "-"

# ending -> format name; longest endings first so `.jsonl.gz` wins over a bare `.gz` check
INPUT_ENDINGS: dict[str, str] = {
    ".jsonl.gz": "jsonl.gz",
    ".jsonl.zst": "jsonl.zst",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
    ".txt": "txt",
    ".html.gz": "html.gz",
    ".htm.gz": "html.gz",
    ".html": "html",
    ".htm": "html",
}

DOCUMENT_OUTPUT_ENDINGS: dict[str, str] = {
    ".jsonl.gz": "jsonl.gz",
    ".jsonl.zst": "jsonl.zst",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
}

RECORD_OUTPUT_ENDINGS: dict[str, str] = {**DOCUMENT_OUTPUT_ENDINGS, ".csv": "csv"}


def _match(path: str, endings: dict[str, str]) -> tuple[str, str] | None:
    lower = path.lower()
    for ending, fmt in endings.items():
        if lower.endswith(ending):
            return ending, fmt
    return None


def input_format(path: str) -> str | None:
    """The reader for `path` ("jsonl", "jsonl.gz", ..., "stdin" for `-`), or None if unknown."""
    if path == STDIO:
        return "stdin"
    found = _match(path, INPUT_ENDINGS)
    return found[1] if found else None


def output_format(path: str, endings: dict[str, str] = DOCUMENT_OUTPUT_ENDINGS) -> str | None:
    """The writer for `path` ("jsonl", ..., "stdout" for `-`), or None if unknown."""
    if path == STDIO:
        return "stdout"
    found = _match(path, endings)
    return found[1] if found else None


def stem(name: str) -> str:
    """A file name without its known ending: `a/b/page.html.gz` -> `page`, `notes.txt` -> `notes`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    found = _match(base, INPUT_ENDINGS)
    return base[: len(base) - len(found[0])] if found else base


def known_endings(endings: dict[str, str] = INPUT_ENDINGS) -> str:
    """`.jsonl, .jsonl.gz, ...` for error messages."""
    return ", ".join(sorted(endings, key=lambda e: (e.count("."), e)))
