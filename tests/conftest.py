"""Shared fixtures: where the repository, its fixtures and ../shared live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = Path(os.environ.get("DEDUPE_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when it is missing, fails under DEDUPE_REQUIRE_SHARED=1."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the tests read real data from ../shared beside the clone"
        if os.environ.get("DEDUPE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def seeds_dir() -> Path:
    return shared_path("seeds")


def real_quality_documents(*, seeds: bool, news: int, articles: int, translations: int, hplt_every: int,
                           extra: list | None = None) -> list:
    """Real documents for the classifier's tests, numbered in input order: the seeds (optional), Arabic
    news, English article bodies, German-English MT and every n-th HPLT snippet (many languages)."""
    import json

    from dedupe.document import Document
    from dedupe.quality import corpora

    docs = [Document(id=p.name[:3], text=p.read_text(encoding="utf-8"))
            for p in sorted(shared_path("seeds").glob("*.txt"))] if seeds else []
    rows = shared_path("data", "arabic-news", "articles.jsonl").read_text(encoding="utf-8").splitlines()
    docs += [Document(id=f"news-{r['id']}", text=r["text"]) for r in map(json.loads, rows[:news])]
    gold = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    docs += [Document(id=k, text=v["articleBody"]) for k, v in sorted(gold.items())[:articles] if v.get("articleBody")]
    docs += [e.doc for e in corpora.mt_de_en(shared_path("data", "mt-de-en"))[:translations]]
    docs += [e.doc for e in corpora.hplt_quality(shared_path("data", "hplt-quality", "annotations.jsonl"))[::hplt_every]]
    docs += extra or []
    for i, d in enumerate(docs):
        d.input_order = i
    return docs
