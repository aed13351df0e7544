"""Stripping and learned chrome: milliseconds per document on one core, this tree against another.

    .venv/bin/python benchmarks/bench_strip.py [--shared ../shared] [--docs 2000] [--lang en,ar]
                                               [--repeat 3] [--compare REV] [--profile OUT.prof]

Per language, builds N distinct news-length documents the way `../shared/tools/gate-speed` does
(English article bodies from extraction-aeb, Arabic articles from arabic-news, each over 150
words; 40 % of words swapped so no two documents are alike, one in ten a light copy of the
previous one), each carrying its base article's site as its source so learned chrome counts per
site. Then times, in one process, the rule-pack `Stripper` over every document (its batch
path, `strip_batch`, as the filter runs it, where the measured tree has one) and the
`LearnedChrome` stage (learn from the batch, then apply) over the stripped batch, best of
`--repeat`. `--compare REV` runs the same measurement on git revision REV (a temporary
`git worktree`, imported in a child process) and prints both with their ratio, so a before/after
figure always comes from one run on one machine.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("DEDUPE_BENCH_ROOT", REPO))  # whose `dedupe` is measured
sys.path.insert(0, str(ROOT))

from dedupe.config import load_config  # noqa: E402
from dedupe.document import Document  # noqa: E402
from dedupe.strip import LearnedChrome, RuleSet, Stripper  # noqa: E402


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def base_articles(shared: Path, lang: str) -> list[tuple[str, str]]:
    """(text, site) of the real articles a language's corpus is built from (over 150 words each)."""
    if lang == "en":
        gold = json.loads((shared / "data/extraction-aeb/ground-truth.json").read_text(encoding="utf-8"))
        rows = [(v["articleBody"], _host(v["url"])) for _, v in sorted(gold.items())]
    else:
        lines = (shared / "data/arabic-news/articles.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [(r["text"], _host(r.get("source_url") or r["url"])) for r in map(json.loads, lines)]
    return [(t, s) for t, s in rows if len(t.split()) > 150]


def build_docs(shared: Path, lang: str, n: int, seed: int = 7) -> list[Document]:
    """N distinct documents as gate-speed builds them, each with its base article's site as source."""
    rng = random.Random(seed)
    base = base_articles(shared, lang)
    vocab = sorted({w for t, _ in base for w in t.split()})
    docs: list[Document] = []
    prev: tuple[str, str] | None = None
    for i in range(n):
        if prev and rng.random() < 0.1:
            words = prev[0].split(" ")
            words[rng.randrange(len(words))] = rng.choice(vocab)
            text, site = " ".join(words), prev[1]
        else:
            body, site = rng.choice(base)
            text = " ".join(w if rng.random() > 0.4 else rng.choice(vocab) for w in body.split(" "))
        prev = (text, site)
        docs.append(Document(id=f"{lang}{i}", text=text, source=site, lang=lang, input_order=i))
    return docs


def measure(shared: Path, langs: list[str], n: int, repeat: int, profile: Path | None) -> dict:
    """{lang: {docs, kchars, strip_ms, learned_ms}} for the `dedupe` this process imported."""
    rules = RuleSet.load()
    stripper = Stripper(rules)
    learned = LearnedChrome(load_config().strip.learned)
    out = {}
    for lang in langs:
        base = build_docs(shared, lang, n)
        for doc in copy.deepcopy(base[:50]):  # warm the regex caches before timing
            stripper.strip(doc)
        best_strip = best_learned = float("inf")
        stripped: list[Document] = []
        batch = getattr(stripper, "strip_batch", None)  # the filter's path (absent before the third round)
        for _ in range(repeat):
            docs = copy.deepcopy(base)
            t0 = time.process_time()
            if batch is not None:
                batch(docs)
            else:
                for doc in docs:
                    stripper.strip(doc)
            best_strip = min(best_strip, time.process_time() - t0)
            stripped = docs
        for _ in range(repeat):
            docs = copy.deepcopy(stripped)
            t0 = time.process_time()
            list(learned(docs))
            best_learned = min(best_learned, time.process_time() - t0)
        if profile is not None:
            target = profile.with_suffix(f".{lang}.prof")
            docs = copy.deepcopy(base)
            cProfile.runctx("list(learned(stripper(docs)))", globals(),
                            {"learned": learned, "stripper": stripper, "docs": docs}, filename=str(target))
        out[lang] = {"docs": n, "kchars": sum(len(d.text) for d in base) / n / 1000,
                     "strip_ms": 1000 * best_strip / n, "learned_ms": 1000 * best_learned / n}
    return out


def measure_revision(rev: str, args: argparse.Namespace) -> dict:
    """The same measurement on git revision `rev`: a temporary worktree imported by a child process."""
    with tempfile.TemporaryDirectory(prefix="bench-strip-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
        try:
            # the packaged rules live in rules/ but import as dedupe.rules (pyproject package-dir)
            (tree / "dedupe" / "rules").symlink_to(tree / "rules", target_is_directory=True)
            env = dict(os.environ, DEDUPE_BENCH_ROOT=str(tree))
            cmd = [sys.executable, str(Path(__file__).resolve()), "--json", "--shared", str(args.shared),
                   "--docs", str(args.docs), "--lang", args.lang, "--repeat", str(args.repeat)]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            return json.loads(proc.stdout)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--lang", default="en,ar")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", metavar="REV", help="also measure git revision REV (e.g. a commit before a change)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of strip + learned chrome per language")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    langs = args.lang.split(",")
    now = measure(args.shared, langs, args.docs, args.repeat, args.profile)
    if args.json:
        print(json.dumps(now))
        return 0
    before = measure_revision(args.compare, args) if args.compare else None
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"1 process; CPU time, best of {args.repeat}; ms per document")
    for lang in langs:
        fig = now[lang]
        print(f"{lang}: {fig['docs']} documents, {fig['kchars']:.1f} K characters on average")
        for key, name in (("strip_ms", "strip (rule packs)"), ("learned_ms", "learned chrome")):
            line = f"  {name:<20} {fig[key]:7.3f} ms"
            if before is not None:
                old = before[lang][key]
                line += f"   {args.compare}: {old:7.3f} ms   {old / fig[key]:5.1f}x faster"
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
