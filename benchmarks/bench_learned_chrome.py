"""Learned chrome on real multi-page sites: how much repeated chrome goes, how many article sentences stay.

    .venv/bin/python benchmarks/bench_learned_chrome.py [--shared ../shared] [--part tune|report|both]
                                                        [--extra-pages 2] [--compare REV] [--show N]

Sites, read from ../shared/data at run time:
- extraction-aeb: the benchmark's HTML pages grouped by host (55 hosts have two pages). A page's
  text is every visible text block of its HTML, one per line (menus, share buttons, counters,
  footers and all), as a scraper that keeps the whole page would see it. Two pages per host is
  too few for "on three or more pages", so each host also gets `--extra-pages` pages made from
  its own template: the lines its two real pages share, in page order, with the gold article
  body of another host's page in place of the first page's body. The chrome is the site's own;
  only its repetition is completed.
- arabic-news: the articles of every outlet with three or more in the set, as scraped (almost
  no chrome: this part measures the loss on Arabic news text). There is no gold body: a line
  counts as article text when it is on one page of its outlet only.

Every page goes through the rule packs (`Stripper`) and then `LearnedChrome`, one batch per part.
Figures:
- coverage: of the lines of at most `max_words` words that occur on three or more pages of one
  site and are no sentence of a gold article body, the share of occurrences learned chrome
  strips (and, apart, the share the rule packs strip);
- loss: of the gold article body lines found on the pages (extraction-aeb: `articleBody` lines;
  arabic-news: the lines on one page of the outlet only), the share learned chrome strips.

Held out: hosts and outlets are split by a CRC-32 of their name, even = `tune` (thresholds were
chosen looking at these only), odd = `report` (never looked at while choosing). `--compare REV`
runs the same evaluation with git revision REV's dedupe (a temporary worktree), for a before/after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("DEDUPE_BENCH_ROOT", REPO))  # whose `dedupe` is measured
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from dedupe.config import load_config  # noqa: E402
from dedupe.document import Document  # noqa: E402
from dedupe.strip import LearnedChrome, RuleSet, Stripper  # noqa: E402

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "section", "article",
           "header", "footer", "nav", "ul", "ol", "aside", "figure", "figcaption", "blockquote", "dt", "dd",
           "button", "option", "form", "main", "title"}
_SPACE = re.compile(r"\s+")
_BLANK = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]*")  # what the strip engine takes for a blank line


def norm(line: str) -> str:
    """How lines are compared here: spaces collapsed."""
    return _SPACE.sub(" ", line).strip()


def page_lines(html: str) -> list[str]:
    """Every visible text block of a page, one per line (scripts, styles and the head left out)."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for node in root.xpath("//script|//style|//noscript|//template|//svg|//head"):
        node.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return [n for n in map(norm, root.text_content().split("\n")) if not _BLANK.fullmatch(n)]


@dataclass
class Page:
    site: str
    lines: list[str]
    gold: set[str] = field(default_factory=set)  # lines of its article body


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _part(site: str) -> str:
    return "tune" if zlib.crc32(site.encode("utf-8")) % 2 == 0 else "report"


def extraction_sites(shared: Path, extra: int) -> list[Page]:
    """extraction-aeb hosts with two or more pages, each completed with `extra` template pages."""
    data = json.loads((shared / "data/extraction-aeb/ground-truth.json").read_text(encoding="utf-8"))
    by_host: dict[str, list[str]] = defaultdict(list)
    for key in sorted(data):
        by_host[_host(data[key]["url"])].append(key)
    bodies = [[n for n in map(norm, data[k]["articleBody"].split("\n")) if n] for k in sorted(data)]
    pages: list[Page] = []
    donor = 0
    for host in sorted(by_host):
        keys = by_host[host]
        if len(keys) < 2:
            continue
        real = []
        for key in keys:
            html = gzip.decompress((shared / f"data/extraction-aeb/html/{key}.html.gz").read_bytes())
            gold = {n for n in map(norm, data[key]["articleBody"].split("\n")) if n}
            real.append(Page(host, page_lines(html.decode("utf-8", "replace")), gold))
        pages.extend(real)
        shared_lines = set(real[0].lines) & set(real[1].lines)
        for _ in range(extra):
            body = bodies[donor % len(bodies)]
            donor += 7  # a stride through the bodies, so neighbours of a host are not used in turn
            if set(body) & real[0].gold:
                body = bodies[donor % len(bodies)]
                donor += 7
            lines, placed = [], False
            for line in real[0].lines:
                if line in real[0].gold:
                    if not placed:
                        lines.extend(body)
                        placed = True
                elif line in shared_lines:
                    lines.append(line)
            if not placed:  # the first page's body is not among its text blocks: put it mid-page
                lines[len(lines) // 2:len(lines) // 2] = body
            pages.append(Page(host, lines, set(body)))
    return pages


def arabic_sites(shared: Path) -> list[Page]:
    """arabic-news outlets with three or more articles; every line of a text counts as article text."""
    rows = [json.loads(line) for line in (shared / "data/arabic-news/articles.jsonl").read_text(encoding="utf-8").splitlines()]
    by_site: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        inner = re.search(r"https?://(?!web\.archive\.org)[^\s]+", r["url"][8:])
        by_site[_host(inner.group(0) if inner else r["url"])].append(r)
    pages = []
    for site in sorted(by_site):
        if len(by_site[site]) < 3:
            continue
        texts = [[n for n in map(norm, r["text"].split("\n")) if not _BLANK.fullmatch(n)] for r in by_site[site]]
        seen = Counter(line for lines in texts for line in set(lines))
        for lines in texts:  # a line printed on several pages of one outlet is no sentence of each
            pages.append(Page(site, lines, {line for line in lines if seen[line] == 1}))
    return pages


def evaluate(pages: list[Page], show: int = 0) -> dict:
    """Strip (rules, then learned chrome) one batch of pages and count what went."""
    cfg = load_config()
    max_words = cfg.strip.learned.max_words
    docs = [Document(id=f"p{i}", text="\n".join(p.lines), source=p.site, input_order=i) for i, p in enumerate(pages)]
    docs = list(LearnedChrome(cfg.strip.learned)(Stripper(RuleSet.load())(docs)))
    gold_anywhere: dict[str, set[str]] = defaultdict(set)
    for p in pages:
        gold_anywhere[p.site] |= p.gold
    on_pages: dict[tuple[str, str], int] = Counter()
    for p in pages:
        for line in set(p.lines):
            on_pages[(p.site, line)] += 1
    chrome = {k for k, n in on_pages.items()
              if n >= 3 and len(k[1].split()) <= max_words and k[1] not in gold_anywhere[k[0]]}
    total = learned = ruled = gold_total = gold_lost = 0
    missed: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for p, d in zip(pages, docs):
        by_learned = {norm(r.text) for r in d.removed if r.rule == "learned_chrome"}
        by_rules = {norm(r.text) for r in d.removed if r.rule != "learned_chrome"}
        for line in set(p.lines):
            if (p.site, line) in chrome:
                total += 1
                if line in by_learned:
                    learned += 1
                elif any(line in r for r in by_rules):
                    ruled += 1
                else:
                    missed[f"{p.site}: {line[:70]}"] += 1
        for line in p.gold & set(p.lines):
            gold_total += 1
            if line in by_learned:
                gold_lost += 1
                lost[f"{p.site}: {line[:90]}"] += 1
    if show:
        print("  most missed:", missed.most_common(show))
        print("  lost:", lost.most_common(show))
    return {"pages": len(pages), "sites": len({p.site for p in pages}), "chrome_lines": total,
            "learned": learned / total if total else 0.0, "by_rules": ruled / total if total else 0.0,
            "gold_lines": gold_total, "lost": gold_lost / gold_total if gold_total else 0.0, "lost_lines": gold_lost}


def measure(shared: Path, parts: list[str], extra: int, show: int) -> dict:
    english = extraction_sites(shared, extra)
    arabic = arabic_sites(shared)
    out = {}
    for part in parts:
        for name, pages in (("extraction-aeb", english), ("arabic-news", arabic)):
            chosen = [p for p in pages if _part(p.site) == part]
            if show:
                print(f"{name} / {part}:")
            out[f"{name}/{part}"] = evaluate(chosen, show)
    return out


def measure_revision(rev: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-chrome-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
        try:
            (tree / "dedupe" / "rules").symlink_to(tree / "rules", target_is_directory=True)
            env = dict(os.environ, DEDUPE_BENCH_ROOT=str(tree))
            cmd = [sys.executable, str(Path(__file__).resolve()), "--json", "--shared", str(args.shared),
                   "--part", args.part, "--extra-pages", str(args.extra_pages)]
            return json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--part", choices=("tune", "report", "both"), default="report")
    parser.add_argument("--extra-pages", type=int, default=2)
    parser.add_argument("--compare", metavar="REV", help="also evaluate git revision REV's dedupe")
    parser.add_argument("--show", type=int, default=0, help="print the N most missed chrome lines and lost sentences")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = ["tune", "report"] if args.part == "both" else [args.part]
    now = measure(args.shared, parts, args.extra_pages, args.show)
    if args.json:
        print(json.dumps(now))
        return 0
    before = measure_revision(args.compare, args) if args.compare else None
    for name, fig in now.items():
        line = (f"{name}: {fig['sites']} sites, {fig['pages']} pages; repeated short chrome lines {fig['chrome_lines']}: "
                f"learned {fig['learned']:.1%}, by rules {fig['by_rules']:.1%}; "
                f"article lines {fig['gold_lines']}: lost {fig['lost']:.2%} ({fig['lost_lines']})")
        if before is not None and name in before:
            old = before[name]
            line += f"  | {args.compare}: learned {old['learned']:.1%}, lost {old['lost']:.2%} ({old['lost_lines']})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
