"""LearnedChrome: strip lines that recur across many *different* articles of a batch.

Rules cannot know every site's chrome, but chrome repeats: the same short line ("follow us on
our channel", a newsletter prompt) on many pages of one source. A line is learned as chrome
when, normalised as in CCNet (case, digits, punctuation, Arabic marks folded), it appears in
at least `min_articles_per_source` distinct articles of one source, or in `min_articles_across`
distinct articles from at least `min_sources_across` sources. Counting is per distinct article,
never per document: copies of one article (same or nearly the same body lines) form one group
and count once, so the lines two copies share are never taken for chrome.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import regex
import xxhash

from dedupe.config import LearnedChromeConfig
from dedupe.document import Document
from dedupe.strip.layout import Mark, cleaned_text, plan_removals, split_lines
from dedupe.strip.offsets import remap_removals

RULE = "learned_chrome"
CATEGORY = "learned_chrome"
SIGNAL = "chrome:learned"

_MARKS = regex.compile(r"[\p{Mn}\u0640]+")  # tashkeel, tatweel: part of the word
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")  # punctuation and symbols: word separators
_DIGITS = regex.compile(r"\d")
_SPACES = regex.compile(r"\s+")
_POSTINGS_CAP = 200  # a body line shared by more documents than this is not used to group them


def line_key(line: str) -> str:
    """A line normalised as in CCNet: NFKC, casefold, marks/punctuation dropped, digits -> 0."""
    out = unicodedata.normalize("NFKC", line).casefold()
    out = _MARKS.sub("", out)
    out = _PUNCT.sub(" ", out)
    out = _DIGITS.sub("0", out)
    return _SPACES.sub(" ", out).strip()


def _hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode("utf-8"))


# The rule, as small functions shared with the Spark engine (dedupe.engines.spark_chrome), which
# counts the same things with DataFrame aggregations: one rule, two ways of counting.

def line_keys(text: str) -> list[str]:
    """The normalised keys of a text's non-blank lines, in order."""
    return [line_key(text[ln.start:ln.end]) for ln in split_lines(text) if not ln.blank]


def whole_hash(keys: list[str]) -> int:
    """One hash of all of a document's line keys: equal for texts equal after normalising."""
    return _hash("\n".join(keys))


def body_hashes(keys: list[str], cfg: LearnedChromeConfig) -> set[int]:
    """Hashes of the body lines that tell articles apart: lines longer than max_words; for an
    article of short paragraphs, every line of 3 x min_line_chars or more."""
    long = {_hash(k) for k in keys if len(k.split()) > cfg.max_words}
    if len(long) < 2:
        long |= {_hash(k) for k in keys if len(k) >= 3 * cfg.min_line_chars}
    return long


def same_article(shared: int, size_a: int, size_b: int, cfg: LearnedChromeConfig) -> bool:
    """Two documents sharing `shared` body lines are copies of one article."""
    return shared / min(size_a, size_b) >= cfg.same_article_overlap


def learnable(key: str, cfg: LearnedChromeConfig) -> bool:
    """A line short enough to be chrome and long enough to mean something."""
    return len(key) >= cfg.min_line_chars and len(key.split()) <= cfg.max_words


def chrome_in_source(articles: int, cfg: LearnedChromeConfig) -> bool:
    """A line found in `articles` distinct articles of one source is chrome."""
    return articles >= cfg.min_articles_per_source


def chrome_across(articles: int, sources: int, cfg: LearnedChromeConfig) -> bool:
    """A line found in `articles` distinct articles from `sources` sources is chrome."""
    return articles >= cfg.min_articles_across and sources >= cfg.min_sources_across


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _source_of(doc: Document) -> str | None:
    if doc.source:
        return doc.source
    if doc.url:
        try:
            host = urlsplit(doc.url).hostname or ""
        except ValueError:
            return None
        return host.removeprefix("www.") or None
    return None


class LearnedChrome:
    """Batch stage after Stripper: removes learned chrome lines (rule and category learned_chrome)."""

    def __init__(self, cfg: LearnedChromeConfig):
        self.cfg = cfg

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        batch = list(docs)  # the job needs the whole batch: counts are across documents
        if self.cfg.enabled:
            chrome = self.learn(batch)
            for doc in batch:
                self.apply(doc, chrome)
        yield from batch

    # learning -----------------------------------------------------------------------------

    def _lines(self, doc: Document) -> list[str]:
        return line_keys(doc.text)

    def article_groups(self, batch: list[Document]) -> list[int]:
        """For each document, the id of its distinct-article group (copies share one id).

        Two documents are one article when their texts are equal after normalising, or when
        `same_article_overlap` of the smaller one's body lines (lines longer than max_words; for
        an article of short paragraphs, every line of 3 x min_line_chars or more) are shared.
        Chrome lines shared by different articles can only merge groups, which lowers counts:
        the error goes the safe way (less is learned).
        """
        n = len(batch)
        uf = _UnionFind(n)
        keys = [self._lines(d) for d in batch]
        body: list[set[int]] = []
        whole: dict[int, int] = {}
        for i, lines in enumerate(keys):
            h = whole_hash(lines)
            if h in whole:
                uf.union(whole[h], i)
            else:
                whole[h] = i
            body.append(body_hashes(lines, self.cfg))
        postings: dict[int, list[int]] = defaultdict(list)
        for i, hs in enumerate(body):
            for h in hs:
                postings[h].append(i)
        checked: set[tuple[int, int]] = set()
        for docs in postings.values():
            if len(docs) < 2 or len(docs) > _POSTINGS_CAP:
                continue
            for a_pos, a in enumerate(docs):
                for b in docs[a_pos + 1:]:
                    if (a, b) in checked:
                        continue
                    checked.add((a, b))
                    if same_article(len(body[a] & body[b]), len(body[a]), len(body[b]), self.cfg):
                        uf.union(a, b)
        return [uf.find(i) for i in range(n)]

    def learn(self, batch: list[Document]) -> set[str]:
        """The normalised lines that are chrome in this batch."""
        groups = self.article_groups(batch)
        per_source: dict[tuple[str, str], set[int]] = defaultdict(set)
        across: dict[str, set[int]] = defaultdict(set)
        sources: dict[str, set[str]] = defaultdict(set)
        for doc, group in zip(batch, groups):
            if doc.error is not None:
                continue
            src = _source_of(doc)
            for key in set(self._lines(doc)):
                if not learnable(key, self.cfg):
                    continue
                across[key].add(group)
                sources[key].add(src or "")
                if src:
                    per_source[(src, key)].add(group)
        chrome = {key for (_, key), g in per_source.items() if chrome_in_source(len(g), self.cfg)}
        chrome |= {key for key, g in across.items() if chrome_across(len(g), len(sources[key]), self.cfg)}
        return chrome

    # applying -----------------------------------------------------------------------------

    def apply(self, doc: Document, chrome: set[str]) -> Document:
        """Remove the document's chrome lines, recording removals in original-text offsets."""
        if not chrome or doc.error is not None:
            return doc
        lines = split_lines(doc.text)
        mark = Mark(RULE, CATEGORY, 0)
        marks = {
            ln.index: mark for ln in lines
            if not ln.blank and line_key(doc.text[ln.start:ln.end]) in chrome
        }
        if not marks or all(ln.blank or ln.index in marks for ln in lines):
            return doc  # never empty a document: a text that is all "chrome" is left to the filters
        # one removal per line: a fresh key per line keeps separate lines separate
        marks = {i: Mark(RULE, CATEGORY, k) for k, i in enumerate(sorted(marks))}
        found = plan_removals(doc.text, lines, marks, [])
        original = doc.original_text if doc.original_text is not None else doc.text
        doc.removed = sorted(doc.removed + remap_removals(found, doc.removed, original), key=lambda r: r.start)
        doc.text = cleaned_text(doc.text, found)
        doc.add_signal(SIGNAL)
        return doc
