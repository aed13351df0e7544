"""Precision on real article text: the packs must remove almost nothing from gold article bodies.

Reads ../shared/data at run time (never copied): extraction-aeb gold bodies (English news and
blogs), arabic-news article texts, mt-ar system outputs and hplt-quality snippets. Prints the
share of characters removed and the rules that fired, so a run shows what to investigate.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import shared_path
from dedupe.strip import RuleSet, strip_text

# What a rule may take out of real article text: datelines, credits and footers of agencies,
# "Source: ..." lines and a repeated title; never forum or ad chrome firing on article sentences.
EXPECTED_IN_ARTICLES = {"dateline", "wire_footer", "byline", "source_line", "site_chrome"}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def _measure(name: str, items: list[tuple[str | None, str]], rules: RuleSet) -> tuple[float, list]:
    total = removed = 0
    fired: Counter[str] = Counter()
    spans = []
    for lang, text in items:
        result = strip_text(text, lang, rules)
        total += len(text)
        for r in result.removed:
            removed += r.end - r.start
            fired[r.rule] += 1
            spans.append(r)
    share = removed / total
    print(f"\n{name}: {len(items)} docs, {total} chars, {removed} removed ({share:.4%}); fired: {dict(fired)}")
    return share, spans


def _check_spans(spans: list) -> None:
    for r in spans:
        assert r.category in EXPECTED_IN_ARTICLES, (r.rule, r.text)
        # nothing longer than a short line: a removal that ate a paragraph is a broken rule
        assert len(r.text.strip()) <= 120, (r.rule, r.text)
        assert r.text.count("\n") <= 4, (r.rule, r.text)


def test_extraction_aeb_gold_bodies(rules: RuleSet) -> None:
    data = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    items = [(None, v["articleBody"]) for v in data.values() if v.get("articleBody")]
    share, spans = _measure("extraction-aeb", items, rules)
    assert share < 0.001
    _check_spans(spans)
    # the only removals there are agency datelines and the Reuters footer
    assert {r.category for r in spans} <= {"dateline", "wire_footer"}


def test_arabic_news_texts(rules: RuleSet) -> None:
    path = shared_path("data", "arabic-news", "articles.jsonl")
    items = [("ar", json.loads(line)["text"]) for line in path.read_text(encoding="utf-8").splitlines() if line]
    share, spans = _measure("arabic-news", items, rules)
    assert share < 0.005
    _check_spans(spans)


def test_mt_ar_outputs(rules: RuleSet) -> None:
    path = shared_path("data", "mt-ar", "system_outputs.jsonl")
    items = [("ar", json.loads(line)["hypothesis"]) for line in path.read_text(encoding="utf-8").splitlines() if line]
    share, spans = _measure("mt-ar", items, rules)
    assert share < 0.001
    _check_spans(spans)


def test_hplt_snippets(rules: RuleSet) -> None:
    path = shared_path("data", "hplt-quality", "annotations.jsonl")
    items = [(None, json.loads(line)["text_show"]) for line in path.read_text(encoding="utf-8").splitlines() if line]
    share, spans = _measure("hplt-quality", items, rules)
    assert share < 0.001
    _check_spans(spans)


def test_extracted_pages_lose_only_chrome(rules: RuleSet) -> None:
    """The HTML path: trafilatura's text of 60 benchmark pages, then strip. Whatever the packs take
    that is also in the page's gold article body must be an agency credit, never article prose."""
    import gzip

    trafilatura = pytest.importorskip("trafilatura")
    data = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    html_dir = shared_path("data", "extraction-aeb", "html")
    fired: Counter[str] = Counter()
    for key in sorted(data)[:60]:
        html = gzip.decompress((html_dir / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        text = trafilatura.extract(html, favor_precision=True, deduplicate=False) or ""
        gold = data[key]["articleBody"]
        for r in strip_text(text, None, rules).removed:
            fired[r.rule] += 1
            piece = r.text.strip()
            if piece and piece in gold:
                assert r.category in {"dateline", "wire_footer", "byline"}, (key, r.rule, piece)
    print(f"\nextraction-aeb via trafilatura, 60 pages; fired: {dict(fired)}")
