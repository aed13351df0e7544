"""Synthetic news corpora from real text, with near-duplicates injected at a known rate.

Originals are built from real sentences (../shared/data/arabic-news, ../shared/data/mt-ar and
the five seeds), shuffled into paragraphs, with a share of words swapped so every original is
distinct. A copy repeats an earlier original with one or two edits a scraper really sees:
different site chrome, a new headline, a dropped or added paragraph, alef/hamza spelling
variants, truncation. Every record says which original it copies, so precision and recall
can be counted. Generation is streamed and seeded: same arguments, same corpus.

Run alone to write JSONL:  python benchmarks/corpus.py --docs 10000 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import regex

SHARED = Path(os.environ.get("DEDUPE_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))

# Site chrome in our own words: navigation, sharing and footer lines a scraper keeps by mistake.
CHROME = [
    "الرئيسية | أخبار | رياضة | اقتصاد | اتصل بنا",
    "شارك هذا الخبر على فيسبوك وتويتر",
    "اقرأ أيضاً: آخر الأخبار العاجلة",
    "جميع الحقوق محفوظة للموقع ٢٠٢٤",
    "اشترك في النشرة البريدية لتصلك الأخبار",
    "تابعونا على قناتنا في تيليجرام",
    "إعلان",
    "اترك تعليقاً",
    "الأكثر قراءة اليوم",
    "حمّل تطبيقنا للهواتف الذكية",
]
EDITS = ("chrome", "headline", "drop_paragraph", "add_paragraph", "alef_variants", "truncate")
_SENTENCE = regex.compile(r"[^.!?؟\n]+[.!?؟]?")


def seed_texts() -> list[str]:
    """The five seed articles."""
    return [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]


def real_texts() -> list[str]:
    """Real Arabic text this corpus is made of (read at run time; nothing is copied into the repo)."""
    texts = seed_texts()
    with (SHARED / "data" / "arabic-news" / "articles.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh]
    mt = SHARED / "data" / "mt-ar" / "system_outputs.jsonl"
    if mt.exists():
        with mt.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["hypothesis"] for line in fh]
    return texts


def sentence_pool(texts: list[str]) -> list[str]:
    """Sentences of at least six words."""
    pool = []
    for text in texts:
        for m in _SENTENCE.finditer(text):
            s = m.group().strip()
            if len(s.split()) >= 6:
                pool.append(s)
    return pool


def alef_variants(text: str, rng: random.Random) -> str:
    """Write hamza-seated alefs as bare alef and alef maqsura as yeh, as many sites do."""
    swap = {"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي"}
    return "".join(swap[c] if c in swap and rng.random() < 0.8 else c for c in text)


_ARABIC_WORD = regex.compile(r"[\p{Arabic}\p{Mn}]+")
_TASHKEEL = ("\u064E", "\u0650", "\u064F", "\u0651", "\u064B")  # fatha, kasra, damma, shadda, tanween


def informal_spelling(text: str, rng: random.Random) -> str:
    """Respell as Egyptian sites and forums do: final ة as ه (in most words, at a rate drawn per copy),
    hamza-seated alefs bare, final ي as ى and ى as ي, stray tashkeel and tatweel."""
    ta_rate = rng.uniform(0.6, 1.0)
    swap = {"أ": "ا", "إ": "ا", "آ": "ا"}

    def word(m: regex.Match) -> str:
        w = "".join(swap[c] if c in swap and rng.random() < 0.8 else c for c in m.group())
        if w.endswith("ة") and rng.random() < ta_rate:
            w = w[:-1] + "ه"
        elif w.endswith("ي") and rng.random() < 0.5:
            w = w[:-1] + "ى"
        elif w.endswith("ى") and rng.random() < 0.5:
            w = w[:-1] + "ي"
        if len(w) > 2 and rng.random() < 0.05:
            k = rng.randrange(1, len(w))
            w = w[:k] + rng.choice(_TASHKEEL + ("\u0640",)) + w[k:]
        return w

    return _ARABIC_WORD.sub(word, text)


class CorpusGenerator:
    """Streams records {id, text, published, family, copy_of, edits}; a copy's family is its original's id.

    `informal` is the share of copies also respelled informally (`informal_spelling`); at 0 (the
    default) no random draw is made for it, so corpora are the same as before it existed.
    """

    def __init__(self, docs: int, dup_rate: float = 0.1, seed: int = 0, include_seeds: bool = True, swap_rate: float = 0.1,
                 informal: float = 0.0):
        self.docs = docs
        self.informal = informal
        self.dup_rate = dup_rate
        self.seed = seed
        self.include_seeds = include_seeds
        self.swap_rate = swap_rate
        self.pool = sentence_pool(real_texts())
        self.vocab = sorted({w for s in self.pool for w in s.split() if len(w) > 2})

    def _sentence(self, rng: random.Random) -> str:
        words = rng.choice(self.pool).split()
        return " ".join(rng.choice(self.vocab) if rng.random() < self.swap_rate else w for w in words)

    def _paragraph(self, rng: random.Random) -> str:
        return " ".join(self._sentence(rng) for _ in range(rng.randint(2, 4)))

    def original(self, rng: random.Random) -> list[str]:
        """Headline plus 4-7 paragraphs (a news article of a few KB)."""
        headline = " ".join(self._sentence(rng).split()[:12])
        return [headline] + [self._paragraph(rng) for _ in range(rng.randint(4, 7))]

    def copy(self, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
        """One or two edits of an original; returns the copy's text and the edits made."""
        edits = rng.sample(EDITS, rng.choice((1, 1, 2)))
        paras = list(paragraphs)
        for edit in edits:
            if edit == "chrome":
                paras = rng.sample(CHROME, rng.randint(1, 3)) + paras + rng.sample(CHROME, rng.randint(1, 3))
            elif edit == "headline":
                paras[0] = " ".join(self._sentence(rng).split()[:12])
            elif edit == "drop_paragraph" and len(paras) > 5:
                del paras[rng.randrange(1, len(paras))]
            elif edit == "add_paragraph":
                paras.insert(rng.randrange(1, len(paras) + 1), self._sentence(rng))
            elif edit == "truncate":
                text = "\n".join(paras)
                paras = text[: int(len(text) * rng.uniform(0.88, 0.95))].split("\n")
        text = "\n".join(paras)
        if "alef_variants" in edits:
            text = alef_variants(text, rng)
        return text, edits

    def __iter__(self) -> Iterator[dict]:
        rng = random.Random(self.seed)
        recent: deque[tuple[str, list[str]]] = deque(maxlen=5000)  # originals a copy may repeat
        made = 0
        if self.include_seeds:
            for k, text in enumerate(seed_texts()):
                if made >= self.docs:
                    return
                rid = f"seed{k}"
                recent.append((rid, text.split("\n")))
                yield {"id": rid, "text": text, "published": _date(made), "family": rid, "copy_of": None, "edits": []}
                made += 1
        while made < self.docs:
            if recent and rng.random() < self.dup_rate:
                source, paras = rng.choice(recent)
                text, edits = self.copy(paras, rng)
                if self.informal > 0 and rng.random() < self.informal:
                    text, edits = informal_spelling(text, rng), [*edits, "informal"]
                yield {"id": f"d{made}", "text": text, "published": _date(made), "family": source, "copy_of": source, "edits": edits}
            else:
                paras = self.original(rng)
                rid = f"d{made}"
                recent.append((rid, paras))
                yield {"id": rid, "text": "\n".join(paras), "published": _date(made), "family": rid, "copy_of": None, "edits": []}
            made += 1


def _date(k: int) -> str:
    """Publication times in generation order: copies are always later than their original."""
    day, rest = divmod(k, 86400)
    return f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}Z"


def site_url(doc_id: str, sites: int = 40) -> str:
    """A stable URL on one of `sites` news sites (chosen from the id), so the filter sees sources."""
    return f"https://news{zlib.crc32(doc_id.encode()) % sites:02d}.github.io/{doc_id}.html"


def write_jsonl(records: Iterable[dict], path: str | Path, fields: tuple[str, ...] | None = None) -> tuple[int, int]:
    """Stream records to a JSONL file (only `fields`, when given) without holding them; returns (records, bytes)."""
    count = size = 0
    with open(path, "w", encoding="utf-8") as out:
        for rec in records:
            line = json.dumps(rec if fields is None else {k: rec[k] for k in fields}, ensure_ascii=False) + "\n"
            out.write(line)
            count += 1
            size += len(line.encode("utf-8"))
    return count, size


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="-")
    args = ap.parse_args(argv)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    for rec in CorpusGenerator(args.docs, args.dup_rate, args.seed):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
