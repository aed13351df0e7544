"""Whether to fold ة into ه (`[near] ta_marbuta`): false merges on real Arabic, recall on informal copies.

    python benchmarks/bench_ta_marbuta.py                  # 20,000 documents, both settings
    python benchmarks/bench_ta_marbuta.py --docs 100000

Side by side for ta_marbuta = false and true, everything else at the defaults:

1. Injected copies respelled as Egyptian sites and forums write (`corpus.informal_spelling`: final
   ة as ه in 60-100 % of words, bare alefs, ى/ي swapped at the end of words, stray tashkeel and
   tatweel), on top of each copy's usual edits: precision, recall, recall per edit.
2. Real Arabic documents that are not copies of each other: the arabic-news same-story pairs
   (pairs.csv) by overlap group; every pair among all the real Arabic texts we have (arabic-news
   articles, the seeds, the two MT systems' outputs in mt-ar, the Arabic HPLT rows), decided
   exhaustively by the product's rule (exact key, Jaccard, or containment at a close length),
   without LSH, which could only miss pairs. A pair merged under true but not under false is
   printed with its exact 5-gram overlap under both normalisations.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_near_quality import arabic_news_pairs, injected, seeds_pairwise  # noqa: E402
from corpus import SHARED, seed_texts  # noqa: E402

from dedupe.config import load_config  # noqa: E402
from dedupe.near import Signer  # noqa: E402
from dedupe.near.verify import MatchRule, estimate_containment  # noqa: E402
from dedupe.text import normalise, tokens, word_shingles  # noqa: E402


def real_arabic() -> list[tuple[str, str]]:
    """(name, text) of every real Arabic text in ../shared/data and the seeds."""
    out = [(f"seed{k}", t) for k, t in enumerate(seed_texts())]
    with (SHARED / "data" / "arabic-news" / "articles.jsonl").open(encoding="utf-8") as fh:
        out += [(f"news:{r['id']}", r["text"]) for r in map(json.loads, fh)]
    with (SHARED / "data" / "mt-ar" / "system_outputs.jsonl").open(encoding="utf-8") as fh:
        out += [(f"mt:{r['system']}:{r['doc_id']}", r["hypothesis"]) for r in map(json.loads, fh)]
    with (SHARED / "data" / "hplt-quality" / "annotations.jsonl").open(encoding="utf-8") as fh:
        out += [(f"hplt:{r['id']}", r["text_show"]) for r in map(json.loads, fh) if r["lang"] == "ara_Arab"]
    return out


def agency_copy_pairs() -> set[frozenset[str]]:
    """arabic-news pairs that share agency copy (the data set's containment5 >= 0.3): legitimate merges."""
    with (SHARED / "data" / "arabic-news" / "pairs.csv").open(encoding="utf-8") as fh:
        return {frozenset(f"news:{i}" for i in row["pair_id"].split("_"))
                for row in csv.DictReader(fh) if float(row["containment5"]) >= 0.3}


def merged_pairs(texts: list[tuple[str, str]], near) -> set[tuple[int, int]]:
    """Every pair (i < j) the product's rule calls a duplicate, checked exhaustively."""
    signed = Signer(near).sign_all([t for _, t in texts])
    rule = MatchRule.from_config(near)
    n = len(texts)
    left, right = np.triu_indices(n, k=1)
    jac = np.count_nonzero(signed.signatures[left] == signed.signatures[right], axis=1) / signed.signatures.shape[1]
    sa, sb = signed.sizes[left], signed.sizes[right]
    cont = estimate_containment(jac, sa, sb)
    hit = rule.decide_sizes(jac, cont, sa, sb) | (signed.exact_keys[left] == signed.exact_keys[right])
    empty = np.array([k == "empty" for k in signed.kinds])
    hit &= ~(empty[left] | empty[right])
    return {(int(a), int(b)) for a, b in zip(left[hit], right[hit])}


def overlap(a: str, b: str, ta_marbuta: bool) -> tuple[float, float]:
    """Exact word 5-gram Jaccard and containment of the smaller in the larger."""
    sa = set(word_shingles(tokens(normalise(a, ta_marbuta=ta_marbuta)), 5))
    sb = set(word_shingles(tokens(normalise(b, ta_marbuta=ta_marbuta)), 5))
    inter = len(sa & sb)
    return inter / max(1, len(sa | sb)), inter / max(1, min(len(sa), len(sb)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--informal", type=float, default=1.0, help="share of injected copies respelled informally")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    settings = (False, True)
    configs = {}
    for tm in settings:
        cfg = load_config()
        cfg.near.ta_marbuta = tm
        configs[tm] = cfg

    print(f"## Injected copies with informal spelling ({args.docs:,} documents, {args.informal:.0%} of copies respelled)\n")
    print("| ta_marbuta | injected copies | rejected | precision | recall | recall (true J >= 0.7) | seed merges |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    runs = {}
    for tm in settings:
        q = injected(args.docs, 0.1, args.seed, configs[tm].near, configs[tm].keep_policy, informal=args.informal)
        runs[tm] = q
        print(f"| {str(tm).lower()} | {q['copies']:,} | {q['rejected']:,} | {q['precision']:.4f} | {q['recall']:.4f} | "
              f"{q['recall_true_above']:.4f} (of {q['copies_true_above']:,}) | {q['seed_merges']} |")
    print("\n| edits | copies | recall (false) | recall (true) |\n|---|---:|---:|---:|")
    for edit, (n, r_false) in runs[False]["per_edit"].items():
        print(f"| {edit} | {n} | {r_false:.3f} | {runs[True]['per_edit'][edit][1]:.3f} |")

    print("\n## Real Arabic that must not merge\n")
    print("| check | ta_marbuta = false | ta_marbuta = true |\n|---|---:|---:|")
    est = {tm: seeds_pairwise(configs[tm].near) for tm in settings}
    print(f"| seeds: highest estimated / exact 5-gram Jaccard between two seeds | {est[False][0]:.3f} / {est[False][1]:.3f} "
          f"| {est[True][0]:.3f} / {est[True][1]:.3f} |")
    news = {tm: arabic_news_pairs(configs[tm].near) for tm in settings}
    for group in news[False]:
        n, m_false = news[False][group]
        print(f"| arabic-news same-story pairs, {group}: merged of {n} | {m_false} | {news[True][group][1]} |")
    texts = real_arabic()
    allowed = agency_copy_pairs()
    merged = {tm: merged_pairs(texts, configs[tm].near) for tm in settings}
    n_pairs = len(texts) * (len(texts) - 1) // 2
    unexpected = {tm: {p for p in merged[tm] if frozenset((texts[p[0]][0], texts[p[1]][0])) not in allowed} for tm in settings}
    print(f"| all {n_pairs:,} pairs of {len(texts)} real Arabic texts: merged | {len(merged[False])} | {len(merged[True])} |")
    print(f"| ... of them not a known agency-copy pair | {len(unexpected[False])} | {len(unexpected[True])} |")
    for tm in settings:
        for a, b in sorted(unexpected[tm]):
            j0, c0 = overlap(texts[a][1], texts[b][1], False)
            j1, c1 = overlap(texts[a][1], texts[b][1], True)
            print(f"\n(ta_marbuta={str(tm).lower()}) merged: {texts[a][0]} ~ {texts[b][0]}: exact 5-gram Jaccard "
                  f"{j0:.3f} / containment {c0:.3f} unfolded, {j1:.3f} / {c1:.3f} folded")
    new = merged[True] - merged[False]
    lost = merged[False] - merged[True]
    print(f"\npairs merged only with ta_marbuta = true: {len(new)}; only with false: {len(lost)}")
    for a, b in sorted(new):
        j0, c0 = overlap(texts[a][1], texts[b][1], False)
        j1, c1 = overlap(texts[a][1], texts[b][1], True)
        print(f"  {texts[a][0]} ~ {texts[b][0]}: exact 5-gram Jaccard {j0:.3f} -> {j1:.3f}, containment {c0:.3f} -> {c1:.3f}")


if __name__ == "__main__":
    main()
