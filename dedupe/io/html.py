"""Main text of an HTML page with trafilatura: precision first, no cross-document cache."""

from __future__ import annotations

from typing import Any


def extract_html(data: bytes) -> dict[str, str]:
    """`text` (the main text, "" if none was found) and, when the page names them, `url` and `title`.

    favor_precision keeps navigation and teasers out; deduplicate=False because trafilatura's
    duplicate cache is process-wide state, which would make output depend on what ran before.
    """
    import trafilatura  # imported here: it is slow to import and only the HTML path needs it

    result: Any = trafilatura.bare_extraction(
        data,
        favor_precision=True,
        deduplicate=False,
        include_comments=False,
        with_metadata=True,
    )
    if result is None:
        return {"text": ""}
    out = {"text": (result.text or "").strip()}
    for key in ("url", "title"):
        value = getattr(result, key, None)
        if isinstance(value, str) and value.strip():
            out[key] = value.strip()
    return out
