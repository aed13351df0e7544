"""The report's data as one self-contained HTML page: jinja2 with autoescape on, inline CSS, JS and SVG.

Every scraped string reaches the page through jinja2's escaping (no `|safe` on data); our own CSS
and JS are package files placed inline, and the Content-Security-Policy allows exactly them (by
their SHA-256) and nothing from the network. No timestamp or random nonce: same data, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from dedupe.quality.model import LABELS
from dedupe.reporting.charts import cluster_size_chart, label_rate_chart
from dedupe.reporting.diff import side_by_side

TEMPLATE = "report.html.j2"
_BREAK = re.compile(r"\s*\n\s*")

# why a member was not kept, by the keep rule that put the representative first
NOT_KEPT: dict[str, str] = {
    "published": "published later",
    "source_priority": "its source comes later in source_priority",
    "length": "shorter text (same date)",
    "input_order": "later in the input (same date and length)",
    "kept_earlier": "the representative was kept before this batch",
}


def _asset(name: str) -> str:
    return resources.files("dedupe.reporting").joinpath("templates", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("dedupe.reporting", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    env.filters["num"] = lambda v: "–" if v is None else f"{v:,}"
    env.filters["p"] = lambda v: "–" if v is None else f"{v:.2f}"
    env.filters["lines"] = lambda v: _BREAK.sub(" ⏎ ", v or "")  # an example stays one line of text
    env.filters["date"] = lambda v: (v or "")[:16].replace("T", " ")
    return env


def _with_diffs(cluster: dict[str, Any], per_cluster: int, context: int, max_chars: int) -> dict[str, Any]:
    """A shown cluster with side-by-side diffs of its first members against the representative."""
    rep_text = cluster.get("_rep_text")
    diffs = []
    for member in cluster["members"]:
        if len(diffs) >= per_cluster:
            break
        if rep_text is None or member.get("_text") is None:
            continue
        diffs.append({"member": member, "diff": side_by_side(rep_text, member["_text"], context, max_chars)})
    return cluster | {"diffs": diffs, "diffable": rep_text is not None}


def render(data: dict[str, Any]) -> str:
    """The page for one report's data (as built by ReportCollector.build)."""
    limits = data["run"]["settings"]["report"]
    css, js = _asset("report.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    clusters = [_with_diffs(c, limits["diffs_per_cluster"], limits["diff_context_words"], limits["diff_chars"])
                for c in data["clusters"]["items"]]
    page = _environment().get_template(TEMPLATE).render(
        data=data,
        s=data["summary"],
        labels=LABELS,
        not_kept=NOT_KEPT,
        short={"syndicated": "synd.", "machine_translated": "MT", "low_quality": "low q."},
        clusters=clusters,
        limits=limits,
        csp=Markup(csp),  # our own string: quotes left as written
        css=Markup(css),
        js=Markup(js),
        size_chart=cluster_size_chart(data["cluster_sizes"]),
        label_chart=label_rate_chart(data["sources"]["rows"][: limits["chart_sources"]], LABELS),
    )
    return page
