"""Reports people read: one self-contained HTML page (and the same data as JSON) of a filter run.

    >>> import dedupe
    >>> from dedupe.reporting import write_report
    >>> run = dedupe.filter(dedupe.read("fixtures/sample/corpus.jsonl"))           # doctest: +SKIP
    >>> data = write_report(run, html="report.html", json="report.json")          # doctest: +SKIP

`write_report` reads the documents once (any iterable of Documents whose decisions are made; a
FilterRun also lends its clusters and summary), so memory stays bounded on a run of any size.
`ReportCollector` is the same thing for a caller that writes outputs in the same loop.
The package is `dedupe.reporting`, not `dedupe.report`, so that `dedupe.report` can be the API function.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterable
from typing import Any

from dedupe.clusterlog import ClusterLog
from dedupe.config import Config, load_config
from dedupe.document import Document
from dedupe.io.atomic import AtomicFile
from dedupe.reporting.data import ReportCollector, public
from dedupe.summary import RunSummary

__all__ = ["ReportCollector", "write_files", "write_report"]


def write_report(docs: Iterable[Document], html: str | None = None, json: str | None = None, *,
                 cfg: Config | None = None, clusters: ClusterLog | None = None, summary: RunSummary | None = None,
                 run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read every document of a run and write the HTML page and/or the JSON; returns the report's data.

    `docs`: Documents after the filter's decision (e.g. a `dedupe.filter(...)` run, whose `cfg`,
    `clusters` and `summary` are used when not given). Without a ClusterLog the documents are held
    in memory and clustered as one batch (as found: each one's `cluster` and `duplicate_of`).
    `run`: what to say about the run (e.g. {"inputs": [...]}).
    """
    cfg = cfg or getattr(docs, "cfg", None) or load_config(None)
    collector = ReportCollector(cfg)
    count_summary = summary is None and getattr(docs, "summary", None) is None
    own = RunSummary() if count_summary else None
    held: list[Document] | None = [] if clusters is None and getattr(docs, "clusters", None) is None else None
    try:
        for doc in docs:
            collector.add(doc)
            if own is not None:
                own.add(doc)
            if held is not None:
                held.append(doc)
        summary = summary or own or docs.summary  # type: ignore[attr-defined]
        log = clusters if clusters is not None else getattr(docs, "clusters", None)
        if log is None:
            log = ClusterLog()
            log.add(held or [])
        try:
            return write_files(collector, log, summary, html=html, json=json, run=run)
        finally:
            if clusters is None and held is not None:
                log.close()
    finally:
        collector.close()


def write_files(collector: ReportCollector, clusters: ClusterLog, summary: RunSummary, *, html: str | None = None,
                json: str | None = None, run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the report's data from a collector that saw every document, and write HTML and/or JSON atomically."""
    from dedupe.reporting.html import render

    data = collector.build(clusters, summary, run)
    if html:
        _write_bytes(html, [render(data).encode("utf-8")])
    if json:
        _write_bytes(json, _json_chunks(data, collector, clusters))
    return public(data)


def _json_chunks(data: dict[str, Any], collector: ReportCollector, clusters: ClusterLog) -> Iterable[bytes]:
    """The report as JSON: every cluster (streamed from the log) and every source, not only those shown."""
    head = public(data)
    head["clusters"] = {"count": data["clusters"]["count"]}
    head["sources"] = {"count": data["sources"]["count"], "rows": collector.all_sources()}
    yield b"{"
    for n, (key, value) in enumerate(head.items()):
        yield b",\n " if n else b"\n "
        if key == "clusters":
            yield b'"clusters": {"count": %d, "items": [' % value["count"]
            for k, cluster in enumerate(collector.all_clusters(clusters)):
                yield (b",\n  " if k else b"\n  ") + jsonlib.dumps(public(cluster), ensure_ascii=False).encode("utf-8")
            yield b"\n ]}"
            continue
        yield jsonlib.dumps(key).encode("utf-8") + b": " + \
            jsonlib.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ").encode("utf-8")
    yield b"\n}\n"


def _write_bytes(path: str, chunks: Iterable[bytes]) -> None:
    target = AtomicFile(path)
    try:
        for chunk in chunks:
            target.stream.write(chunk)
        target.commit()
    except BaseException:
        target.abort()
        raise
