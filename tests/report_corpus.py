"""The report tests' input: the sample corpus plus two documents full of hostile markup (a near copy pair)."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample" / "corpus.jsonl"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

_BODY = (
    "The city council met on Tuesday to discuss the new bus routes that will connect the northern "
    "districts with the harbour, and the mayor said the first buses would run before the summer. "
    "Residents asked why the plan had taken three years, and the transport office answered that the "
    "tender had to be repeated twice after the first bids came in far above the budget. "
    "The new routes will stop at the hospital, the university and the central market, and tickets "
    "will cost the same as on the existing lines, according to the office's written statement."
)


def hostile_records() -> list[dict]:
    """Two near-duplicate documents whose id, title, URL and text carry script and attribute injections."""
    text = f"{SCRIPT}\n[ad_1]\n{IMG} {_BODY}\n{SCRIPT} {IMG}"
    return [
        {"id": f"hostile-{SCRIPT}", "title": f"{SCRIPT} {IMG}", "url": f"https://hostile-news.com/a?q={IMG}",
         "text": text, "published": "2024-05-01T08:00:00+00:00", "lang": "en"},
        {"id": f"hostile-copy-{IMG}", "title": f"Copy {IMG}", "url": "https://copy-site.net/hostile",
         "text": text.replace("Tuesday", "Wednesday"), "published": "2024-05-02T08:00:00+00:00", "lang": "en"},
    ]


def write_corpus(path: Path) -> Path:
    """The sample corpus followed by the hostile documents, as JSONL at `path`."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines += [json.dumps(r, ensure_ascii=False) for r in hostile_records()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
