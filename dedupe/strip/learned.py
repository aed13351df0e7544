"""LearnedChrome: strip lines that recur across many *different* articles of a batch.

Rules cannot know every site's chrome, but chrome repeats: the same line (a menu entry, an
"Advertisement" label, a follow prompt, a channel's long disclaimer) on many pages of one
source. A line is learned as chrome when, normalised as in CCNet (case, digits, punctuation,
Arabic marks folded), it appears on at least `min_articles_per_source` distinct articles of one
source (one word is enough: the count is of pages, not of characters), or on
`min_articles_across` distinct articles from `min_sources_across` sources; a line longer than
`max_words` words is learned only per source, verbatim, on `min_articles_long` articles (a long
notice printed under every page).

Counting is per distinct article, never per document: copies of one article form one group and
count once, so the lines copies share are never taken for chrome. Whether two pages are one
article is decided on what remains once the lines that recur across the source's pages are set
aside, so a long notice shared by every page of a site does not make its pages one article.

Each document's lines are split, normalised and hashed once per batch (`learn`), and `apply`
reuses that work for the documents it was learned from (splitting a text into `Line`s only when
it has chrome to remove). Counting is per set of lines (one per source and article group) with
Counter updates, not line by line.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import xxhash

from dedupe.config import LearnedChromeConfig
from dedupe.document import Document
from dedupe.strip.layout import _BLANK, Line, Mark, cleaned_text, plan_removals, split_lines
from dedupe.strip.offsets import remap_removals

RULE = "learned_chrome"
CATEGORY = "learned_chrome"
SIGNAL = "chrome:learned"

_POSTINGS_CAP = 200  # a body line shared by more documents than this is not used to group them


def _fold(cp: int) -> str | int | None:
    """What line keys make of code point `cp`: marks and tatweel dropped, punctuation and symbols
    to a space, decimal digits to 0 (from the Unicode database of this Python), else itself.
    Only the basic and supplementary multilingual planes and the tags block are folded."""
    if cp == 0x640:
        return None
    if cp >= 0x20000 and not 0xE0000 <= cp < 0xE1000:
        return cp
    cat = unicodedata.category(chr(cp))
    if cat == "Mn":
        return None
    if cat[0] in "PS":
        return " "
    if cat == "Nd":
        return "0"
    return cp


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (building it for every code
    point took 0.1 s, paid by the first document of a run)."""

    def __missing__(self, cp: int) -> str | int | None:
        value = self[cp] = _fold(cp)
        return value


_TABLE = _FoldTable()
_ASCII_TABLE: dict[int, str | int | None] = {cp: v for cp in range(128) if (v := _fold(cp)) != cp}


def _fold_table() -> dict[int, str | int | None]:
    """The str.translate table of line keys (see `_fold`)."""
    return _TABLE


def line_key(line: str) -> str:
    """A line normalised as in CCNet: NFKC, casefold, marks dropped, punctuation and symbols
    to spaces, digits -> 0, runs of spaces to one."""
    table = _fold_table()
    if line.isascii():  # the common case, and str.translate is fast only with an ASCII table
        out = line.lower().translate(_ASCII_TABLE)
    else:
        out = unicodedata.normalize("NFKC", line).casefold().translate(table)
    return " ".join(out.split())


def _hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode("utf-8"))


@dataclass
class _Page:
    """One document's non-blank lines as learned chrome sees them, computed once per batch."""

    text: str
    rows: list[int]  # indexes of the non-blank lines (as split_lines numbers them)
    keys: list[str]  # their keys: normalised (line_key) up to max_words words, else (or if empty) verbatim
    hashes: list[int]
    words: list[int]  # words as written
    _lines: list[Line] | None = None

    @property
    def lines(self) -> list[Line]:
        """Every line (split_lines), split only for a page that has chrome to remove."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines


def _page(text: str, max_words: int) -> _Page:
    """A text's lines, keys and hashes. A line of more than `max_words` words can only be
    learned verbatim (a notice) or identify an article, so its key is the line as written with
    its spaces collapsed; shorter lines are normalised."""
    parts = text.split("\n")  # the lines of split_lines, each with its "\r" (space to every test here)
    rows: list[int] = []
    keys: list[str] = []
    words: list[int] = []
    blank = _BLANK.fullmatch
    table = _fold_table()
    for index, raw in enumerate(parts):
        if not raw or (not raw[0].isalnum() and blank(raw) is not None):
            continue
        rows.append(index)
        if raw.isprintable() and raw[0] != " " and raw[-1] != " " and "  " not in raw:
            # no space but single " " between words (the only printable space): split and
            # joined again, the line is itself, and its words are its spaces plus one
            count = raw.count(" ") + 1
            words.append(count)
            if count > max_words:
                keys.append(raw)
                continue
            split = None
        else:
            split = raw.split()
            count = len(split)
            words.append(count)
            if count > max_words:
                keys.append(" ".join(split))
                continue
        # line_key(raw), inline: the common case of many short lines a batch
        if raw.isascii():
            key = " ".join(raw.lower().translate(_ASCII_TABLE).split())
        else:
            key = " ".join(unicodedata.normalize("NFKC", raw).casefold().translate(table).split())
        keys.append(key or (raw if split is None else " ".join(split)))  # punctuation only ("|", "×"): as written
    digest = xxhash.xxh3_64_intdigest
    return _Page(text, rows, keys, [digest(k.encode("utf-8")) for k in keys], words)


class Chrome(frozenset):
    """The learned chrome keys of a batch (a frozenset of normalised lines), carrying the pages
    they were learned from so `apply` need not split and hash them again."""

    pages: dict[int, _Page]
    hashes: frozenset[int]


def _across(counts: Counter[int], by_source: Iterable[Iterable[int]], least: int, sources: int) -> set[int]:
    """The lines counted `least` times or more that are on `sources` sources or more (each of
    `by_source` holds one source's lines once; a document without a source counts as one)."""
    many = {h for h, n in counts.items() if n >= least}
    if not many:
        return many
    on: Counter[int] = Counter()
    for lines in by_source:
        on.update(many.intersection(lines))
    return {h for h in many if on[h] >= sources}


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

    def _pages(self, batch: list[Document]) -> list[_Page]:
        return [_page(d.text, self.cfg.max_words) for d in batch]

    def _recurring(self, batch: list[Document], pages: list[_Page]) -> set[int]:
        """Lines on enough documents (not yet articles) to be chrome: per source, or across
        sources. These are set aside before deciding which pages are one article."""
        per_source: dict[str, Counter[int]] = {}  # source ("" for none) -> documents per line
        total: Counter[int] = Counter()
        for doc, page in zip(batch, pages):
            src = _source_of(doc) or ""
            seen = set(page.hashes)
            total.update(seen)
            counts = per_source.get(src)
            if counts is None:
                counts = per_source[src] = Counter()
            counts.update(seen)
        least = min(self.cfg.min_articles_per_source, self.cfg.min_articles_long or self.cfg.min_articles_per_source)
        out: set[int] = set()
        for src, counts in per_source.items():
            if src:
                out.update(h for h, n in counts.items() if n >= least)
        out |= _across(total, per_source.values(), self.cfg.min_articles_across, self.cfg.min_sources_across)
        return out

    def _body(self, page: _Page, recurring: set[int]) -> tuple[set[int], set[int]]:
        """(body, own): the lines that identify the page's article, and those of them that do
        not recur across the source. Body lines are longer than max_words words; when fewer than
        two of them are the page's own (an article of short paragraphs), every line of
        body_min_words words or more is one too."""
        body = {h for h, w in zip(page.hashes, page.words) if w > self.cfg.max_words}
        own = body - recurring
        if len(own) < 2:
            more = {h for h, w in zip(page.hashes, page.words) if w >= self.cfg.body_min_words}
            body |= more
            own |= more - recurring
        return body, own

    def article_groups(self, batch: list[Document], pages: list[_Page] | None = None) -> list[int]:
        """For each document, the id of its distinct-article group (copies share one id).

        Two documents are one article when their texts are equal after normalising, or when
        `same_article_overlap` of the smaller one's body lines are shared, counting only the
        body lines that do not recur across the source's pages (a shared notice). When all of
        one page's body lines recur (copies of one article on one site share every line), the
        pages are one article if that share of all their body lines (Jaccard) is shared.
        """
        if pages is None:
            pages = self._pages(batch)
        n = len(batch)
        uf = _UnionFind(n)
        recurring = self._recurring(batch, pages)
        body: list[set[int]] = []
        own: list[set[int]] = []
        whole: dict[int, int] = {}
        for i, page in enumerate(pages):
            h = _hash("\n".join(page.keys))
            if h in whole:
                uf.union(whole[h], i)
            else:
                whole[h] = i
            b, o = self._body(page, recurring)
            body.append(b)
            own.append(o)
        postings: dict[int, list[int]] = defaultdict(list)
        for i, hs in enumerate(body):
            for h in hs:
                postings[h].append(i)
        checked: set[tuple[int, int]] = set()
        overlap = self.cfg.same_article_overlap
        for docs in postings.values():
            if len(docs) < 2 or len(docs) > _POSTINGS_CAP:
                continue
            for a_pos, a in enumerate(docs):
                for b in docs[a_pos + 1:]:
                    if (a, b) in checked:
                        continue
                    checked.add((a, b))
                    if own[a] and own[b]:
                        same = len(own[a] & own[b]) >= overlap * min(len(own[a]), len(own[b]))
                    else:
                        same = len(body[a] & body[b]) >= overlap * len(body[a] | body[b])
                    if same:
                        uf.union(a, b)
        return [uf.find(i) for i in range(n)]

    def learn(self, batch: list[Document]) -> Chrome:
        """The normalised lines that are chrome in this batch."""
        cfg = self.cfg
        if cfg.min_sources_across >= 2 and not any(_source_of(d) for d in batch if d.error is None):
            # No document names its source: every line is on one "source" at most, and chrome is
            # learned per source or across two or more, so nothing can be learned. Skip the work.
            nothing = Chrome()
            nothing.hashes, nothing.pages = frozenset(), {}
            return nothing
        pages = self._pages(batch)
        groups = self.article_groups(batch, pages)
        # the lines of each (source, article group): a line counts once per distinct article
        short_of: dict[tuple[str, int], set[int]] = {}
        long_of: dict[tuple[str, int], set[int]] = {}
        short_in_source: dict[str, set[int]] = {}  # which sources ("" for none) a short line is on
        long_too = bool(cfg.min_articles_long)
        for doc, page, group in zip(batch, pages, groups):
            if doc.error is not None:
                continue
            src = _source_of(doc) or ""
            most = cfg.max_words
            if cfg.min_line_chars <= 0:  # every line counts
                short = [h for h, words in zip(page.hashes, page.words) if words <= most]
                long_ = [h for h, words in zip(page.hashes, page.words) if words > most]
            else:
                least = cfg.min_line_chars
                short = [h for h, key, words in zip(page.hashes, page.keys, page.words)
                         if words <= most and len(key) >= least]
                long_ = [h for h, key, words in zip(page.hashes, page.keys, page.words)
                         if words > most and len(key) >= least]
            if short:
                at = short_of.get((src, group))
                if at is None:
                    short_of[(src, group)] = set(short)
                else:
                    at.update(short)
                into = short_in_source.get(src)
                if into is None:
                    short_in_source[src] = set(short)
                else:
                    into.update(short)
            if long_ and src and long_too:
                at = long_of.get((src, group))
                if at is None:
                    long_of[(src, group)] = set(long_)
                else:
                    at.update(long_)
        per_source: dict[str, Counter[int]] = {}  # source -> distinct articles per short line
        long_per_source: dict[str, Counter[int]] = {}
        groups_of: dict[int, set[int]] = {}  # article group -> its short lines, over every source
        for (src, group), hashes in short_of.items():
            if src:
                per_source.setdefault(src, Counter()).update(hashes)
            into = groups_of.get(group)
            if into is None:
                groups_of[group] = set(hashes)
            else:
                into.update(hashes)
        for (src, _group), hashes in long_of.items():
            long_per_source.setdefault(src, Counter()).update(hashes)
        across: Counter[int] = Counter()
        for hashes in groups_of.values():
            across.update(hashes)
        chrome: set[int] = set()
        for counts in per_source.values():
            chrome.update(h for h, n in counts.items() if n >= cfg.min_articles_per_source)
        for counts in long_per_source.values():
            chrome.update(h for h, n in counts.items() if n >= cfg.min_articles_long)
        chrome |= _across(across, short_in_source.values(), cfg.min_articles_across, cfg.min_sources_across)
        key_of: dict[int, str] = {}
        if chrome:
            for doc, page in zip(batch, pages):
                if doc.error is None:
                    for h, key in zip(page.hashes, page.keys):
                        if h in chrome:
                            key_of[h] = key
        out = Chrome(key_of[h] for h in chrome)
        out.hashes = frozenset(chrome)
        out.pages = {id(doc): page for doc, page in zip(batch, pages)}
        return out

    # applying -----------------------------------------------------------------------------

    def apply(self, doc: Document, chrome: set[str]) -> Document:
        """Remove the document's chrome lines, recording removals in original-text offsets."""
        if not chrome or doc.error is not None:
            return doc
        page = getattr(chrome, "pages", {}).get(id(doc))
        if page is None or page.text is not doc.text:
            page = _page(doc.text, self.cfg.max_words)
        if isinstance(chrome, Chrome):
            rows = [i for i, h in zip(page.rows, page.hashes) if h in chrome.hashes]
        else:
            rows = [i for i, k in zip(page.rows, page.keys) if k in chrome]
        if not rows or len(rows) == len(page.rows):
            return doc  # never empty a document: a text that is all "chrome" is left to the filters
        # one removal per line: a fresh key per line keeps separate lines separate
        marks = {i: Mark(RULE, CATEGORY, k) for k, i in enumerate(rows)}
        found = plan_removals(doc.text, page.lines, marks, [])
        original = doc.original_text if doc.original_text is not None else doc.text
        doc.removed = sorted(doc.removed + remap_removals(found, doc.removed, original), key=lambda r: r.start)
        doc.text = cleaned_text(doc.text, found)
        doc.add_signal(SIGNAL)
        return doc
