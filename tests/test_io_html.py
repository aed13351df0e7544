"""HTML extraction on real pages (../shared/data/extraction-aeb): the article body must survive."""

from __future__ import annotations

import json
from collections import Counter

import regex

from conftest import shared_path
from dedupe.io import read_documents

PAGES = 10
_WORD = regex.compile(r"\w+")


def _bag(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


def _recall(gold: str, extracted: str) -> float:
    g = _bag(gold)
    return sum((g & _bag(extracted)).values()) / max(1, sum(g.values()))


def test_extracted_text_keeps_the_gold_article_body() -> None:
    root = shared_path("data", "extraction-aeb")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:PAGES]
    paths = [str(root / "html" / f"{page}.html.gz") for page in ids]
    docs = list(read_documents(paths))
    assert [d.id for d in docs] == ids  # id: the file name without .html.gz
    recalls = [_recall(truth[page]["articleBody"], doc.text) for page, doc in zip(ids, docs)]
    assert sum(recalls) / len(recalls) >= 0.9, recalls
    assert min(recalls) >= 0.5, recalls
    # precision-first: the extracted text is not the whole page
    for page, doc in zip(ids, docs):
        assert len(_bag(doc.text)) <= 3 * len(_bag(truth[page]["articleBody"])) + 50


def test_extraction_is_deterministic_across_runs() -> None:
    root = shared_path("data", "extraction-aeb")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    paths = [str(root / "html" / f"{page}.html.gz") for page in sorted(truth)[:3]]
    first = [d.text for d in read_documents(paths)]
    second = [d.text for d in read_documents(list(reversed(paths)))]
    assert first == list(reversed(second))  # no cross-document cache: order does not change text
