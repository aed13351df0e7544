"""Per-source scores: rates, label means and verdicts with the config's thresholds."""

from __future__ import annotations

import json

from conftest import FIXTURES
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.pipeline import run_pipeline
from dedupe.quality import Classifier, score_sources
from dedupe.quality.prepare import preparation_stages


def doc(i: int, url: str, labels: dict[str, float], signals: list[str] = (), source: str | None = None) -> Document:
    return Document(id=str(i), text="x", url=url, source=source, labels=dict(labels), signals=list(signals), input_order=i)


def test_verdicts_follow_the_thresholds():
    low = {"syndicated": 0.1, "machine_translated": 0.1, "low_quality": 0.1}
    docs = [
        doc(0, "https://news.original-daily.com/a", low, ["near:first-publisher"]),
        doc(1, "https://original-daily.com/b", low),
        doc(2, "https://copies.repost-hub.net/a", low, ["near:later-copy"]),
        doc(3, "https://repost-hub.net/b", low, ["near:later-copy"]),
        doc(4, "https://mt-mill.org/a", {**low, "machine_translated": 0.9}),
        doc(5, "https://spam-lists.info/a", {**low, "low_quality": 0.8}),
        doc(6, "https://both-bad.com/a", {**low, "machine_translated": 0.9, "low_quality": 0.9}),
        doc(7, None, low, source="Agency Feed"),
    ]
    rows = {r["source"]: r for r in score_sources(docs, load_config())}
    assert rows["original-daily.com"]["verdict"] == "original"
    assert rows["original-daily.com"]["documents"] == 2
    assert rows["original-daily.com"]["first_publisher_rate"] == 1.0
    assert rows["repost-hub.net"]["verdict"] == "syndicator"
    assert rows["repost-hub.net"]["duplicate_rate"] == 1.0
    assert rows["repost-hub.net"]["first_publisher_rate"] == 0.0
    assert rows["mt-mill.org"]["verdict"] == "machine-translating"
    assert rows["spam-lists.info"]["verdict"] == "low-quality"
    assert rows["both-bad.com"]["verdict"] == "mixed"
    assert rows["both-bad.com"]["findings"] == ["machine-translating", "low-quality"]
    assert rows["Agency Feed"]["documents"] == 1
    assert list(rows) == sorted(rows)


def test_thresholds_come_from_the_config():
    cfg = load_config(overrides={"quality": {"verdict": {"machine_translated": 0.95}}})
    rows = score_sources([doc(0, "https://mt-mill.org/a", {"syndicated": 0, "machine_translated": 0.9, "low_quality": 0})], cfg)
    assert rows[0]["verdict"] == "original"


def test_a_repost_outlet_and_its_source_end_to_end():
    """Two outlets (fixture in our own words): one publishes, the other reposts the same stories hours later."""
    cfg = load_config()
    path = FIXTURES / "quality" / "sources.jsonl"
    docs = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        docs.append(Document(id=r["id"], text=r["text"], url=r["url"], published=r["published"], record=r, input_order=i))
    out = list(run_pipeline(docs, [*preparation_stages(cfg, near=True), Classifier.load(cfg=cfg.quality)]))
    rows = {r["source"]: r for r in score_sources(out, cfg)}
    assert rows["naql-feed.net"]["verdict"] == "syndicator"
    assert rows["naql-feed.net"]["duplicate_rate"] == 1.0
    assert rows["madina-alyawm.com"]["first_publisher_rate"] == 1.0
    assert rows["madina-alyawm.com"]["verdict"] == "original"
    assert any(s.startswith("near:later-copy") for s in rows["naql-feed.net"]["top_signals"])
