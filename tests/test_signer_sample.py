"""The classifier's near-duplicate context from the signer's own shingles equals hashing them again."""

from __future__ import annotations

import json

from conftest import shared_path
from dedupe.config import Config, load_config
from dedupe.document import Document
from dedupe.near.signer import Signer
from dedupe.quality.context import batch_near_facts


def _docs() -> list[Document]:
    rows = [json.loads(line) for line in
            shared_path("data", "arabic-news", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = [Document(id=r["id"], text=r["text"], input_order=i) for i, r in enumerate(rows)]
    n = len(docs)
    # copies (containment), short texts the signer shingles by characters, texts with no word at all
    docs += [Document(id=f"copy{i}", text=d.text[: len(d.text) * 3 // 4], input_order=n + i) for i, d in enumerate(docs[:20])]
    docs += [Document(id=f"short{i}", text=" ".join(["خبر", "عاجل", "news"][: 1 + i % 3] * (1 + i % 6)),
                      input_order=2 * n + i) for i in range(12)]
    docs.append(Document(id="marks", text="!!! ... ؟", input_order=3 * n))
    return docs


def test_context_from_the_signers_sample_equals_its_own_hashing() -> None:
    cfg = load_config()
    docs = _docs()
    signer = Signer(cfg.near)
    assert signer.shingles_words_as(cfg.quality.containment_ngram, ta_marbuta=True)
    signed, sample = signer.sign_and_sample([d.text for d in docs], cfg.quality.containment_sample_mod)
    assert (signed.signatures == signer.sign_all([d.text for d in docs]).signatures).all()
    assert (~sample.covered).sum() >= 10 and sample.covered.sum() > 100  # both paths are exercised
    own = batch_near_facts(docs, ngram=cfg.quality.containment_ngram, sample_mod=cfg.quality.containment_sample_mod)
    reused = batch_near_facts(docs, ngram=cfg.quality.containment_ngram, sample_mod=cfg.quality.containment_sample_mod,
                              sample=sample)
    assert reused == own
    assert any(f.containment > 0.5 for f in own)  # the copies are seen: the comparison is not vacuous


def test_a_signer_that_shingles_otherwise_is_not_used() -> None:
    base = load_config()
    assert not Signer(Config.from_dict({"near": {"ngram": 4}}).near).shingles_words_as(5, ta_marbuta=True)
    assert not Signer(Config.from_dict({"near": {"ta_marbuta": False}}).near).shingles_words_as(5, ta_marbuta=True)
    assert Signer(base.near).shingles_words_as(5, ta_marbuta=True)
