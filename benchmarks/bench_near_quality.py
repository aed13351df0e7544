"""Near-duplicate quality: precision and recall on injected copies, the five seeds, reuse-en, arabic-news pairs.

    python benchmarks/bench_near_quality.py                 # 10,000 documents, default settings
    python benchmarks/bench_near_quality.py --docs 100000 --threshold 0.8

Prints Markdown tables (paste into benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import SHARED, CorpusGenerator, seed_texts  # noqa: E402

from dedupe.config import load_config  # noqa: E402
from dedupe.document import Document  # noqa: E402
from dedupe.near import Signer, find_clusters  # noqa: E402
from dedupe.near.settings import lsh_shape  # noqa: E402
from dedupe.near.verify import MatchRule, estimate_containment  # noqa: E402
from dedupe.text import normalise, tokens, word_shingles  # noqa: E402


def injected(docs_n: int, dup_rate: float, seed: int, near, keep, informal: float = 0.0) -> dict:
    """Run find_clusters on a generated corpus and score it against the injection labels
    (`informal`: share of copies also respelled as Egyptian sites and forums write)."""
    records = list(CorpusGenerator(docs_n, dup_rate, seed, informal=informal))
    docs = [Document(id=r["id"], text=r["text"], published=r["published"], input_order=i) for i, r in enumerate(records)]
    family = {r["id"]: r["family"] for r in records}
    start = time.perf_counter()
    result = find_clusters(docs, near, keep)
    elapsed = time.perf_counter() - start
    copies = [(r, d) for r, d in zip(records, docs) if r["copy_of"] is not None]
    caught = [d.duplicate_of is not None and family.get(d.duplicate_of) == r["family"] for r, d in copies]
    rejected = [(r, d) for r, d in zip(records, docs) if d.duplicate_of is not None]
    right = [family.get(d.duplicate_of) == r["family"] and r["copy_of"] is not None for r, d in rejected]
    per_edit: dict[str, list[bool]] = {}
    for (r, _), ok in zip(copies, caught):
        per_edit.setdefault("+".join(sorted(r["edits"])), []).append(ok)
    # Exact 5-gram Jaccard of each copy with its original: recall among copies that really are >= threshold.
    text_of = {r["id"]: r["text"] for r in records if r["copy_of"] is None}
    true_sim = [_jaccard(r["text"], text_of[r["copy_of"]], near.ngram, near.ta_marbuta) for r, _ in copies]
    above = [ok for ok, s in zip(caught, true_sim) if s >= near.threshold]
    seeds = [d for d in docs if d.id.startswith("seed")]
    seed_merges = sum(1 for d in seeds if d.duplicate_of is not None and d.duplicate_of.startswith("seed"))
    return {
        "docs": len(docs),
        "copies": len(copies),
        "recall": float(np.mean(caught)) if caught else float("nan"),
        "recall_true_above": float(np.mean(above)) if above else float("nan"),
        "copies_true_above": len(above),
        "precision": float(np.mean(right)) if right else float("nan"),
        "rejected": len(rejected),
        "per_edit": {k: (len(v), float(np.mean(v))) for k, v in sorted(per_edit.items())},
        "seed_merges": seed_merges,
        "seconds": elapsed,
        "result": result.to_dict() | {"clusters": len(result.clusters)},
    }


def _jaccard(a: str, b: str, n: int, ta_marbuta: bool = False) -> float:
    sa = set(word_shingles(tokens(normalise(a, ta_marbuta=ta_marbuta)), n))
    sb = set(word_shingles(tokens(normalise(b, ta_marbuta=ta_marbuta)), n))
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def seeds_pairwise(near) -> tuple[float, float]:
    """Highest estimated and exact 5-gram Jaccard between two different seeds."""
    texts = seed_texts()
    sigs = Signer(near).sign_many(texts)
    est = max(float((sigs[i] == sigs[j]).mean()) for i in range(5) for j in range(i + 1, 5))
    exact = max(_jaccard(texts[i], texts[j], near.ngram, near.ta_marbuta) for i in range(5) for j in range(i + 1, 5))
    return est, exact


def _matched(rule: MatchRule, signed) -> bool:
    """The product's decision for the pair of rows 0 and 1: Jaccard, or containment at a close length."""
    jaccard = np.array([(signed.signatures[0] == signed.signatures[1]).mean()])
    cont = estimate_containment(jaccard, signed.sizes[:1], signed.sizes[1:])
    return bool(rule.decide_sizes(jaccard, cont, signed.sizes[:1], signed.sizes[1:])[0])


def reuse_en(near) -> dict[str, tuple[int, float, float, float]]:
    """Per category: count, share flagged as near-duplicate of its source, mean similarity, mean containment."""
    base = SHARED / "data" / "reuse-en"
    rows = list(csv.DictReader((base / "file_information.csv").open(encoding="utf-8")))
    read = lambda name: (base / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    sources = {r["Task"]: read(r["File"]) for r in rows if r["Category"] == "orig"}
    signer = Signer(near)
    rule = MatchRule.from_config(near)
    out = {}
    for cat in ("cut", "light", "heavy", "non"):
        sims, conts, flags = [], [], []
        for r in rows:
            if r["Category"] != cat:
                continue
            signed = signer.sign_all([read(r["File"]), sources[r["Task"]]])
            sims.append(float((signed.signatures[0] == signed.signatures[1]).mean()))
            flags.append(bool(_matched(rule, signed)))
            sa = set(word_shingles(tokens(normalise(read(r["File"]))), near.ngram))
            sb = set(word_shingles(tokens(normalise(sources[r["Task"]])), near.ngram))
            conts.append(len(sa & sb) / len(sa) if sa else 0.0)
        flagged = float(np.mean(flags))
        out[cat] = (len(sims), flagged, float(np.mean(sims)), float(np.mean(conts)))
    return out


def arabic_news_pairs(near) -> dict[str, tuple[int, int]]:
    """Same-story pairs of real articles (hard negatives): how many pass the threshold, by overlap group."""
    base = SHARED / "data" / "arabic-news"
    texts = {}
    with (base / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts[rec["id"]] = rec["text"]
    signer = Signer(near)
    rule = MatchRule.from_config(near)
    groups: dict[str, list[bool]] = {}
    with (base / "pairs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["pair_id"].split("_")
            if a not in texts or b not in texts:
                continue
            signed = signer.sign_all([texts[a], texts[b]])
            group = "containment5 >= 0.3 (shared agency copy)" if float(row["containment5"]) >= 0.3 else "containment5 < 0.3"
            groups.setdefault(group, []).append(bool(_matched(rule, signed)))
    return {g: (len(v), sum(v)) for g, v in sorted(groups.items())}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--num-perm", type=int, default=None)
    args = ap.parse_args(argv)
    cfg = load_config()
    near = cfg.near
    if args.threshold is not None:
        near.threshold = args.threshold
    if args.num_perm is not None:
        near.num_perm = args.num_perm
    bands, rows = lsh_shape(near)
    print(f"settings: num_perm={near.num_perm} threshold={near.threshold} bands={bands} rows={rows} scheme={near.scheme} ngram={near.ngram}\n")

    q = injected(args.docs, args.dup_rate, args.seed, near, cfg.keep_policy)
    print("## Injected near-duplicates\n")
    print("| docs | injected copies | rejected | precision | recall | recall (copies with true J >= threshold) | seed merges | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {q['docs']:,} | {q['copies']:,} | {q['rejected']:,} | {q['precision']:.4f} | {q['recall']:.4f} | "
        f"{q['recall_true_above']:.4f} (of {q['copies_true_above']:,}) | {q['seed_merges']} | {q['seconds']:.1f} |"
    )
    print("\n| edit | copies | recall |\n|---|---:|---:|")
    for edit, (n, r) in q["per_edit"].items():
        print(f"| {edit} | {n} | {r:.3f} |")

    est, exact = seeds_pairwise(near)
    print(f"\n## Seeds\n\nhighest pairwise similarity between two different seeds: estimated {est:.3f}, exact 5-gram Jaccard {exact:.3f} (threshold {near.threshold})")

    print("\n## reuse-en (answer vs its Wikipedia source)\n")
    print("| category | answers | flagged near-duplicate | mean estimated Jaccard | mean 5-gram containment |\n|---|---:|---:|---:|---:|")
    for cat, (n, flagged, sim, cont) in reuse_en(near).items():
        print(f"| {cat} | {n} | {flagged:.2f} | {sim:.3f} | {cont:.3f} |")

    print("\n## arabic-news same-story pairs (different articles on one event: should not merge)\n")
    print("| group | pairs | merged |\n|---|---:|---:|")
    for group, (n, merged) in arabic_news_pairs(near).items():
        print(f"| {group} | {n} | {merged} |")


if __name__ == "__main__":
    main()
