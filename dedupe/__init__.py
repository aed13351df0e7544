"""dedupe: deduplication and source-quality checking for scraped news and web text.

    from dedupe import Config, clean, filter, gate, report, Index, Document

The names are loaded from `dedupe.api` on first use, so `import dedupe` (and the CLI's start-up)
stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("Config", "Document", "FilterRun", "GateResult", "Index", "IndexMatch", "classify", "clean", "filter",
        "gate", "read", "report", "sources")

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        from dedupe import api

        return getattr(api, name)
    raise AttributeError(f"module 'dedupe' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
