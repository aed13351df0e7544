"""Clusters: verification, the chain guard, the keep policy, the seeds, copies of a seed, reuse-en."""

from __future__ import annotations

import csv
import random

import numpy as np
import pytest

from dedupe import reasons
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.near import KeepPolicy, NearDuplicates, Signer, find_clusters
from dedupe.near.unionfind import UnionFind
from tests.conftest import shared_path


def cfgs():
    cfg = load_config()
    return cfg.near, cfg.keep_policy


def words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(shared_path("seeds").glob("*.txt"))]


def test_union_find_path_compression():
    uf = UnionFind(6)
    uf.union(0, 1)
    uf.union(1, 2)
    uf.union(4, 5)
    assert uf.find(2) == uf.find(0)
    assert uf.parent[2] == uf.find(0)  # compressed after find
    assert sorted(map(sorted, uf.groups().values())) == [[0, 1, 2], [3], [4, 5]]


def test_chain_is_not_merged_into_one_cluster():
    near, keep = cfgs()
    base = words(400, 1)
    fresh_a, fresh_c = words(52, 2), words(52, 3)
    a = " ".join(base[:348] + fresh_a)
    b = " ".join(base)
    c = " ".join(fresh_c + base[52:])
    sa, sb, sc = Signer(near).sign_many([a, b, c])
    assert (sa == sb).mean() >= near.threshold and (sb == sc).mean() >= near.threshold
    assert (sa == sc).mean() < near.threshold  # the construction: A~B, B~C, not A~C
    docs = [
        Document(id="A", text=a, published="2024-01-01T00:00:00Z", input_order=0),
        Document(id="B", text=b, published="2024-01-02T00:00:00Z", input_order=1),
        Document(id="C", text=c, published="2024-01-03T00:00:00Z", input_order=2),
    ]
    find_clusters(docs, near, keep)
    A, B, C = docs
    assert A.decision is None and A.cluster.size == 2
    assert B.duplicate_of == "A" and B.reasons == [reasons.NEAR_DUPLICATE]
    assert C.duplicate_of is None and C.decision is None  # not a duplicate of A through B
    assert C.cluster.representative == "C"


def test_keep_policy_order():
    policy = KeepPolicy(["wire.example", "paper.example"])
    docs = [
        Document(id="late", text="x" * 50, published="2024-03-02", source="wire.example", input_order=0),
        Document(id="undated", text="x" * 90, published=None, source="wire.example", input_order=1),
        Document(id="early-blog", text="x" * 10, published="2024-03-01T10:00:00+02:00", source="blog.example", input_order=2),
        Document(id="early-wire", text="x" * 10, published="2024-03-01T08:00:00Z", source="wire.example", input_order=3),
        Document(id="early-paper-long", text="x" * 20, published="2024-03-01T08:00:00Z", source="paper.example", input_order=4),
        Document(id="early-paper-short", text="x" * 10, published="2024-03-01T08:00:00Z", source="paper.example", input_order=5),
        Document(id="early-paper-short-2", text="x" * 10, published="2024-03-01T08:00:00Z", source="paper.example", input_order=6),
    ]
    order = [d.id for d in policy.order(list(reversed(docs)))]
    # 10:00+02:00 is 08:00Z: a tie on date, broken by source priority, then length, then input order.
    assert order == ["early-wire", "early-paper-long", "early-paper-short", "early-paper-short-2", "early-blog", "late", "undated"]


def test_exact_and_near_duplicates_get_reasons_and_cluster_fields():
    near, keep = cfgs()
    text = " ".join(words(300, 5))
    docs = [
        Document(id="orig", text=text, published="2024-01-01", input_order=0),
        Document(id="same", text=text.replace(" ", "  ") + " .", published="2024-01-02", input_order=1),
        Document(id="edited", text=text + " " + " ".join(words(10, 6)), published="2024-01-03", input_order=2),
        Document(id="broken", text=text, error="unreadable", input_order=3),
        Document(id="other", text=" ".join(words(300, 7)), input_order=4),
    ]
    result = find_clusters(docs, near, keep)
    orig, same, edited, broken, other = docs
    assert orig.cluster.size == 3 and orig.cluster.representative == "orig" and orig.decision is None
    assert same.reasons == [reasons.EXACT_DUPLICATE] and same.duplicate_of == "orig" and same.cluster.similarity == 1.0
    assert edited.reasons == [reasons.NEAR_DUPLICATE] and edited.duplicate_of == "orig"
    assert near.threshold <= edited.cluster.similarity < 1.0
    assert broken.cluster is None and broken.decision is None  # treated as absent
    assert other.cluster.size == 1 and other.decision is None
    assert result.exact_duplicates == 1 and result.near_duplicates == 1
    assert result.clusters == {"orig": ["orig", "same", "edited"]}


def test_result_does_not_depend_on_input_order():
    near, keep = cfgs()
    base = words(200, 11)
    texts = [" ".join(base[:190] + words(10, 20 + i)) for i in range(5)] + [" ".join(words(200, 40 + i)) for i in range(3)]

    def run(order):
        docs = [Document(id=f"d{i}", text=texts[i], published=f"2024-01-0{1 + i % 5}", input_order=k) for k, i in enumerate(order)]
        find_clusters(docs, near, keep)
        return {d.id: (d.duplicate_of, d.cluster.representative) for d in docs}

    # input_order only breaks ties; dates differ, so any order gives the same decisions.
    assert run(list(range(8))) == run([7, 3, 5, 0, 6, 2, 4, 1])


def test_seeds_are_never_merged():
    near, keep = cfgs()
    texts = seeds()
    sigs = Signer(near).sign_many(texts)
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert (sigs[i] == sigs[j]).mean() < near.threshold
    docs = [Document(id=f"seed{i}", text=t, input_order=i) for i, t in enumerate(texts)]
    result = find_clusters(docs, near, keep)
    assert all(d.decision is None and d.duplicate_of is None and d.cluster.size == 1 for d in docs)
    assert result.clusters == {}


def _alef_variants(text: str) -> str:
    # A copy typed without hamza seats: أ/إ/آ written as bare alef, ى written as ي.
    return text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي")


def _new_headline(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(["عنوان جديد مختلف تماما للخبر المنشور اليوم"] + lines[1:])


def _chrome(text: str) -> str:
    return "الرئيسية | أخبار | اتصل بنا\nشارك على فيسبوك\n" + text + "\nجميع الحقوق محفوظة ٢٠٢٤\nاترك تعليقاً"


@pytest.mark.parametrize("edit", [_alef_variants, _new_headline, _chrome, lambda t: _chrome(_new_headline(_alef_variants(t)))])
def test_copies_of_a_seed_are_merged(edit):
    near, keep = cfgs()
    texts = seeds()
    docs = [Document(id=f"seed{i}", text=t, published="2024-05-01", input_order=i) for i, t in enumerate(texts)]
    docs += [Document(id=f"copy{i}", text=edit(t), published="2024-05-02", input_order=10 + i) for i, t in enumerate(texts)]
    find_clusters(docs, near, keep)
    for i in range(len(texts)):
        copy = docs[len(texts) + i]
        assert copy.duplicate_of == f"seed{i}", (copy.id, copy.cluster)
        assert copy.decision == "reject"
        assert docs[i].decision is None and docs[i].cluster.size == 2


def test_reuse_en_non_is_never_a_duplicate_and_cut_is_more_similar():
    base = shared_path("data", "reuse-en")
    near, _ = cfgs()
    rows = list(csv.DictReader((base / "file_information.csv").open(encoding="utf-8")))
    read = lambda name: (base / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    sources = {r["Task"]: read(r["File"]) for r in rows if r["Category"] == "orig"}
    signer = Signer(near)
    sims: dict[str, list[float]] = {}
    for r in rows:
        if r["Category"] in ("cut", "light", "non"):
            a, b = signer.sign_many([read(r["File"]), sources[r["Task"]]])
            sims.setdefault(r["Category"], []).append(float((a == b).mean()))
    assert max(sims["non"]) < near.threshold
    assert np.mean(sims["cut"]) > np.mean(sims["light"]) > np.mean(sims["non"])


def test_stage_yields_every_document_in_order():
    near, keep = cfgs()
    text = " ".join(words(100, 9))
    docs = [Document(id=str(i), text=text, input_order=i) for i in range(4)]
    stage = NearDuplicates(near, keep)
    out = list(stage(iter(docs)))
    assert [d.id for d in out] == ["0", "1", "2", "3"]
    assert [d.duplicate_of for d in out] == [None, "0", "0", "0"]
    assert stage.result.exact_duplicates == 3


def test_verify_exact_uses_the_shingle_jaccard():
    near, keep = cfgs()
    near.verify_exact = True
    base = words(300, 21)
    docs = [
        Document(id="a", text=" ".join(base), published="2024-01-01", input_order=0),
        Document(id="b", text=" ".join(base[:285] + words(15, 22)), published="2024-01-02", input_order=1),
    ]
    find_clusters(docs, near, keep)
    # 281 shared 5-grams of 296 each: Jaccard 281 / 311.
    assert docs[1].duplicate_of == "a"
    assert docs[1].cluster.similarity == round(281 / 311, 4)


def test_sign_equals_sign_many_rows():
    near, _ = cfgs()
    texts = seeds()[:3] + ["", "كلمة"]
    signer = Signer(near)
    many = signer.sign_many(texts)
    for text, row in zip(texts, many):
        assert np.array_equal(signer.sign(text), row)
