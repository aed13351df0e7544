"""The text, style, list-likeness and MT-ratio statistics of a whole batch at once, as array work.

Each value equals what the per-document reference (textstats.text_statistics, style.style_statistics,
listlike.listlike_statistics, mt.mt_indicators) gives on the same sample of the same text; the tests
hold the two together on real texts. Words are tokenised once (TextBatch) and hashed once after
normalising, and every statistic reads those arrays.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dedupe.quality.sorting import sort_by, stable_order
from dedupe.quality.textbatch import TextBatch, shifted, span_hashes
from dedupe.text.hashing import Q, fmix64_array, token_hash

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_STRIP_EXTRA = "\x1c\x1d\x1e\x1f"  # str.strip() removes these too; regex's \s does not
_TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640"
_END_LATIN = '.!?…:;"\'”»)]'
_END_ARABIC = '.!?…:;"\'”»)]؟،؛۔'
_BULLETS = "•·●▪■◦‣∙*-–—"
_SENTENCE_END = ".!?؟…"
_SENTENCE_SPLIT = ".!?؟…。！？"
_SEPARATORS = "|•·›»/"
_SEGMENT_BREAK = ".!?؟…,،;؛:|•·/-–—()[]\"«»“”。，、！？"
_QUOTES = "\"“”„«»"
_SALT = np.uint64(0x9FB21C651E98DF25)
# every character set the statistics test for, one bit each in a per-code-point table
_SETS: dict[str, str] = {
    "break": _LINE_BREAKS, "strip": _STRIP_EXTRA, "tashkeel": _TASHKEEL, "end_latin": _END_LATIN,
    "end_arabic": _END_ARABIC, "bullet": _BULLETS, "sentence_end": _SENTENCE_END,
    "sentence_split": _SENTENCE_SPLIT, "separator": _SEPARATORS, "segment": _SEGMENT_BREAK, "quote": _QUOTES,
    "apostrophe": "'’", "curly": "{}", "semicolon": ";؛", "comma": ",،", "paren": "(（", "typo_dash": "–—",
    "digit_end": ".)", "english_quote": "“”", "other_quote": "«»\"",
}
_SET_BIT = {name: np.uint32(1 << i) for i, name in enumerate(_SETS)}


@lru_cache(maxsize=1)
def _set_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.uint32)
    for name, chars in _SETS.items():
        for c in chars:
            table[ord(c)] |= _SET_BIT[name]
    return table


class _Sets:
    """Membership of every position in the _SETS, from one table lookup per batch."""

    def __init__(self, cps: np.ndarray):
        self.bits = _set_table()[np.minimum(cps, 0xFFFF).astype(np.intp)]

    def __call__(self, name: str, at: np.ndarray | None = None) -> np.ndarray:
        bits = self.bits if at is None else self.bits[at]
        return (bits & _SET_BIT[name]) != 0


def _salted(hashes: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Hashes made distinct per group (document or language), so one sort groups them per document."""
    return fmix64_array(hashes ^ (group.astype(np.uint64) * _SALT))


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, group number per sorted item, size of each group) of equal keys; stable, so each group
    lists its items in their original order."""
    order = stable_order(keys)
    sk = keys[order]
    new = np.ones(len(sk), dtype=bool)
    new[1:] = sk[1:] != sk[:-1]
    gid = np.cumsum(new) - 1
    sizes = np.bincount(gid) if len(gid) else np.zeros(0, dtype=np.int64)
    return order, gid, sizes


def _windows(h: np.ndarray, n: int) -> np.ndarray:
    """fmix64 of the Horner combination (base Q) of every n consecutive hashes (dedupe.text.hashing.combine)."""
    m = len(h) - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = h[:m].copy()
    for j in range(1, n):
        acc *= np.uint64(Q)
        acc += h[j : j + m]
    return fmix64_array(acc)


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


class _Words:
    """The letter-bearing tokens of a batch, normalised and hashed once, in document order."""

    def __init__(self, tb: TextBatch, arabic: np.ndarray, sets: _Sets):
        is_word = tb.tok_letters > 0
        self.start, self.end = tb.tok_start[is_word], tb.tok_end[is_word]
        self.doc = tb.tok_doc[is_word]
        self.length = self.end - self.start
        arabic_pos = arabic[tb.doc]
        keep = ~(sets("tashkeel") & arabic_pos)
        values = np.where(arabic_pos, tb.cps, tb.fold)
        self.hash = span_hashes(values, keep, self.start, self.end)
        self.norm_length = tb.span_sums(keep, self.start, self.end)
        self.count = tb.count_per_doc(self.doc)
        first = np.zeros(tb.n + 1, dtype=np.int64)
        np.cumsum(self.count, out=first[1:])
        self.first = first                      # word k of doc i is self.hash[first[i] + k]
        self.local = np.arange(len(self.doc)) - first[self.doc]
        self.total_norm = tb.count_per_doc(self.doc, self.norm_length.astype(np.float64))

    def ngram_keys(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(salted hash, first word index) of every word n-gram inside one document."""
        h = _windows(self.hash, n)
        if len(h) == 0:
            return h, np.empty(0, dtype=np.int64)
        at = np.arange(len(h))
        inside = self.doc[at] == self.doc[at + n - 1]
        at = at[inside]
        return _salted(h[inside], self.doc[at]), at


def _top_ngram_share(w: _Words, n_docs: int, n: int) -> np.ndarray:
    """textstats._top_ngram_share per document (ties: the n-gram seen first, as Counter.most_common)."""
    out = np.zeros(n_docs)
    keys, at = w.ngram_keys(n)
    if len(keys) == 0:
        return out
    order, gid, sizes = _groups(keys)
    first_of_group = at[order][np.r_[True, gid[1:] != gid[:-1]]]
    g_doc = w.doc[first_of_group]
    pick = sort_by(g_doc, sizes.max(initial=0) - sizes, first_of_group)
    lead = pick[np.r_[True, g_doc[pick][1:] != g_doc[pick][:-1]]]
    docs = g_doc[lead]
    count = sizes[lead]
    chars = sum(w.norm_length[first_of_group[lead] + j] for j in range(n))
    share = _safe_div(count * chars, w.total_norm[docs])
    ok = (count >= 2) & (w.count[docs] >= n + 1)
    out[docs[ok]] = share[ok]
    return out


def _repeated_ngram_share(w: _Words, n_docs: int, n: int) -> np.ndarray:
    """textstats._repeated_ngram_share per document: characters of words inside a repeated n-gram."""
    out = np.zeros(n_docs)
    keys, at = w.ngram_keys(n)
    if len(keys) == 0:
        return out
    order, gid, sizes = _groups(keys)
    repeated = np.zeros(len(keys), dtype=bool)
    repeated[order] = sizes[gid] > 1
    size = len(w.doc) + 1
    cover = np.bincount(at[repeated], minlength=size)[:size] - np.bincount(at[repeated] + n, minlength=size)[:size]
    covered = np.cumsum(cover[:-1]) > 0
    chars = np.bincount(w.doc[covered], weights=w.norm_length[covered], minlength=n_docs)[:n_docs]
    share = _safe_div(chars, w.total_norm)
    return np.where(w.count >= n + 1, share, 0.0)


def _word_counts(w: _Words, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """(count of the most frequent word per document, previous occurrence of each word in its document or -1)."""
    top = np.zeros(n_docs)
    prev = np.full(len(w.doc), -1, dtype=np.int64)
    if len(w.doc) == 0:
        return top, prev
    order, gid, sizes = _groups(_salted(w.hash, w.doc))
    same = np.r_[False, gid[1:] == gid[:-1]]
    prev[order[same]] = w.local[order[np.flatnonzero(same) - 1]]
    g_first = order[np.r_[True, gid[1:] != gid[:-1]]]
    g_doc = w.doc[g_first]
    by_doc = sort_by(g_doc, sizes)
    last = np.r_[g_doc[by_doc][1:] != g_doc[by_doc][:-1], True]
    top[g_doc[by_doc][last]] = sizes[by_doc][last]
    return top, prev


def _mattr(w: _Words, prev: np.ndarray, n_docs: int, window: int = 100, step: int = 10) -> np.ndarray:
    """textstats.moving_type_token_ratio per document: a word counts in the windows that start after
    its previous occurrence and still hold it."""
    nw = w.count[w.doc]
    j = w.local
    new = prev < 0
    short = w.count <= window
    distinct_short = np.bincount(w.doc[new], minlength=n_docs)[:n_docs]
    last_start = ((np.maximum(nw - window, 0)) // step) * step
    lo = np.maximum.reduce([prev + 1, j - window + 1, np.zeros_like(j)])
    hi = np.minimum(j, last_start)
    first_k = -((-lo) // step)
    count = np.where(hi >= lo, hi // step - first_k + 1, 0)
    count = np.maximum(count, 0)
    total = np.bincount(w.doc, weights=count.astype(np.float64), minlength=n_docs)[:n_docs]
    n_windows = (np.maximum(w.count - window, 0) // step) + 1
    long_value = total / (window * n_windows)
    return np.where(w.count == 0, 0.0, np.where(short, _safe_div(distinct_short, w.count), long_value))


def _member(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """np.isin(values, table) for a small sorted table: a binary search in it, no sort of `values`."""
    if len(table) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


_TABLES: dict[int, tuple[object, np.ndarray]] = {}


def _stopword_table(stopwords: dict[str, frozenset[str]]) -> np.ndarray:
    """Every list's function words hashed and salted with its language number (1 + rank of its name),
    sorted; kept per lexicon object (it is loaded once)."""
    kept = _TABLES.get(id(stopwords))
    if kept is not None and kept[0] is stopwords:
        return kept[1]
    names = sorted(stopwords)
    table = np.array([token_hash(s) for name in names for s in sorted(stopwords[name])], dtype=np.uint64)
    table_lang = np.array([k + 1 for k, name in enumerate(names) for _ in stopwords[name]], dtype=np.int64)
    salted = np.sort(_salted(table, table_lang))
    _TABLES.clear()
    _TABLES[id(stopwords)] = (stopwords, salted)
    return salted


def _stopword_density(w: _Words, langs: list[str | None], stopwords: dict[str, frozenset[str]],
                      n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """(share of words in the document language's function-word list, 1 when the language has a list)."""
    names = sorted(stopwords)
    lang_id = np.array([names.index(l) + 1 if l in stopwords else 0 for l in langs], dtype=np.int64)
    has_list = (lang_id > 0).astype(np.float64)
    if len(w.doc) == 0:
        return np.zeros(n_docs), has_list
    hits = _member(_salted(w.hash, lang_id[w.doc]), _stopword_table(stopwords)) & (lang_id[w.doc] > 0)
    density = _safe_div(np.bincount(w.doc[hits], minlength=n_docs)[:n_docs], w.count)
    return np.where(has_list > 0, density, 0.0), has_list


def _lines(tb: TextBatch, space: np.ndarray, sets: _Sets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(line number per position, and first and last position of every non-blank line), as
    str.splitlines() then strip()."""
    line_id = np.cumsum(sets("break"), dtype=np.int32)
    content = np.flatnonzero(~(space | sets("strip")))
    lid = line_id[content]
    change = lid[1:] != lid[:-1]
    first = content[np.r_[True, change]] if len(content) else content
    last = content[np.r_[change, True]] if len(content) else content
    return line_id, first, last


def text_values(tb: TextBatch, langs: list[str | None], arabic: np.ndarray,
                stopwords: dict[str, frozenset[str]]) -> dict[str, np.ndarray]:
    """TEXT_STATS (plus `text.words`), STYLE_STATS, LISTLIKE_STATS and the MT ratios, one array each."""
    n = tb.n
    cps = tb.cps
    space = tb.has("S")
    nonspace = np.maximum(tb.per_doc(~space), 1)
    sets = _Sets(cps)
    w = _Words(tb, arabic, sets)
    n_words = w.count.astype(np.float64)
    n_tokens = tb.count_per_doc(tb.tok_doc).astype(np.float64)
    v: dict[str, np.ndarray] = {}

    def count(name: str) -> np.ndarray:
        return tb.per_doc(sets(name)).astype(np.float64)

    def count_char(char: str) -> np.ndarray:
        return tb.per_doc(cps == ord(char)).astype(np.float64)

    # --- lines
    line_id, first, last = _lines(tb, space, sets)
    ldoc = tb.doc[first]
    n_lines = tb.count_per_doc(ldoc).astype(np.float64)
    ends = np.where(arabic[ldoc], sets("end_arabic", last), sets("end_latin", last))
    line_of_token = line_id[tb.tok_start]
    line_id_first = line_id[first]
    tokens_in_line = np.bincount(line_of_token, minlength=int(line_id_first.max(initial=0)) + 1)[line_id_first]
    line_len = (last - first + 1).astype(np.float64)
    lkeys = _salted(span_hashes(cps, np.ones(len(cps), dtype=bool), first, last + 1), ldoc)
    order, gid, sizes = _groups(lkeys)
    dup = np.zeros(len(first), dtype=bool)
    dup[order] = sizes[gid] > 1
    nxt = np.minimum(first + 1, len(cps) - 1)
    bullet = sets("bullet", first) & (first < last) & space[nxt]
    nd = tb.has("Nd")
    non_digit = np.flatnonzero(~nd)
    digit_end = non_digit[np.minimum(np.searchsorted(non_digit, first), len(non_digit) - 1)] if len(non_digit) else first
    after = np.minimum(digit_end + 1, len(cps) - 1)
    bullet |= nd[first] & sets("digit_end", digit_end) & (digit_end + 1 <= last) & space[after]
    dots3 = (cps[last] == ord(".")) & (last - 2 >= first) & (cps[np.maximum(last - 1, 0)] == ord(".")) \
        & (cps[np.maximum(last - 2, 0)] == ord("."))
    ellipsis = (cps[last] == ord("…")) | dots3
    has_lines = n_lines > 0

    def line_share(mask: np.ndarray) -> np.ndarray:
        return np.where(has_lines, _safe_div(tb.count_per_doc(ldoc, mask.astype(np.float64)), n_lines), 0.0)

    # --- sentences, symbols
    end_chars = sets("sentence_end")
    sentences = np.maximum(tb.per_doc(end_chars & ~shifted(end_chars, 1) & shifted(space, 1, True)), 1).astype(np.float64)
    dot = cps == ord(".")
    ds = np.flatnonzero(dot & ~shifted(dot, -1))
    de = np.flatnonzero(dot & ~shifted(dot, 1)) + 1
    triple_dots = np.bincount(tb.doc[ds], weights=((de - ds) // 3).astype(np.float64), minlength=n)[:n]
    cased_first = tb.has("CASED")[w.start]
    upper_first = tb.has("UPPER")[w.start]
    n_cased = tb.count_per_doc(w.doc[cased_first]).astype(np.float64)
    n_upper = tb.count_per_doc(w.doc[cased_first & upper_first]).astype(np.float64)
    sep = sets("separator") & shifted(space, -1, True) & shifted(space, 1, True)
    hyphen = (cps == ord("-")) & shifted(cps == ord(" "), -1) & shifted(cps == ord(" "), 1) \
        & ~shifted(space, -2, True) & ~shifted(space, 2, True)
    ascii_dashes = tb.per_doc(hyphen).astype(np.float64)
    typo_dashes = count("typo_dash")
    top_word, prev = _word_counts(w, n)
    stop_density, has_list = _stopword_density(w, langs, stopwords, n)

    v["text.words"] = n_words
    v["text.words_log"] = np.log1p(n_words)
    v["text.mean_word_len"] = _safe_div(tb.count_per_doc(w.doc, w.length.astype(np.float64)), n_words)
    v["text.punct_line_end"] = line_share(ends)
    v["text.short_line_share"] = line_share(tokens_in_line < 4)
    v["text.dup_line_share"] = tb.count_per_doc(ldoc, np.where(dup, line_len, 0.0)) / np.maximum(
        tb.count_per_doc(ldoc, line_len), 1)
    v["text.top_2gram_share"] = _top_ngram_share(w, n, 2)
    v["text.dup_5gram_share"] = _repeated_ngram_share(w, n, 5)
    v["text.symbol_ratio"] = (count_char("#") + triple_dots + count_char("…")) / np.maximum(n_words, 1)
    v["text.nonletter_ratio"] = 1.0 - tb.per_doc(tb.has("L", "M")) / nonspace
    v["text.digit_ratio"] = tb.per_doc(tb.has("N")) / nonspace
    v["text.bullet_line_share"] = line_share(bullet)
    v["text.ellipsis_line_share"] = line_share(ellipsis)
    v["text.stopword_density"] = stop_density
    v["text.has_stopword_list"] = has_list
    v["text.curly_brace"] = (count("curly") > 0).astype(np.float64)
    v["text.mattr"] = _mattr(w, prev, n)
    v["text.sentence_words"] = n_words / sentences
    v["text.semicolons"] = count("semicolon") / sentences
    v["text.capitalised_share"] = np.where((n_cased > 0) & (n_cased >= 0.1 * n_words), _safe_div(n_upper, n_cased), 0.0)
    v["text.separator_ratio"] = tb.per_doc(sep) / np.maximum(n_words, 1)
    v["text.top_word_share"] = _safe_div(top_word, n_words)
    v["text.ascii_dash_share"] = _safe_div(ascii_dashes, ascii_dashes + typo_dashes)

    v.update(_style(tb, sets, space, n_tokens, typo_dashes, count, count_char))
    v.update(_listlike(tb, sets, w, n_words, n_tokens))
    v.update(_mt_ratios(tb, arabic, count, count_char))
    return v


def _piece_lengths(tb: TextBatch, cut: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(document, tokens) of every piece with at least one token, the text cut where `cut` is set and
    at every document's start."""
    piece = np.cumsum(cut | tb.doc_edges())
    tok_piece = piece[tb.tok_start]
    if len(tok_piece) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    new = np.r_[True, tok_piece[1:] != tok_piece[:-1]]
    lengths = np.diff(np.r_[np.flatnonzero(new), len(tok_piece)])
    return tb.tok_doc[np.flatnonzero(new)], lengths


def _style(tb: TextBatch, sets: _Sets, space: np.ndarray, n_tokens: np.ndarray, typo_dashes: np.ndarray,
           count, count_char) -> dict[str, np.ndarray]:
    n = tb.n
    cps = tb.cps
    per_word = 1.0 / np.maximum(n_tokens, 1)
    cut = space & ~shifted(space, -1) & shifted(sets("sentence_split"), -1)
    sdoc, lengths = _piece_lengths(tb, cut)
    pieces = tb.count_per_doc(sdoc).astype(np.float64)
    mean = _safe_div(tb.count_per_doc(sdoc, lengths.astype(np.float64)), pieces)
    spread = np.sqrt(_safe_div(tb.count_per_doc(sdoc, (lengths - mean[sdoc]) ** 2), pieces))
    letter = tb.has("L")
    word = tb.has("W")
    lower = np.where((cps >= ord("A")) & (cps <= ord("Z")), cps + 32, cps)
    c1, c2 = shifted(lower, 1), shifted(lower, 2)
    after2, after3 = ~shifted(word, 2), ~shifted(word, 3)
    one = ((c1 == ord("s")) | (c1 == ord("t")) | (c1 == ord("d")) | (c1 == ord("m"))) & after2
    two = ((c1 == ord("r")) & (c2 == ord("e")) | (c1 == ord("v")) & (c2 == ord("e"))
           | (c1 == ord("l")) & (c2 == ord("l"))) & after3
    contraction = sets("apostrophe") & shifted(letter, -1) & (one | two)
    return {
        "text.typo_dash_rate": 100.0 * typo_dashes * per_word,
        "text.sentence_cv": _safe_div(spread, mean),
        "text.long_sentence_share": _safe_div(tb.count_per_doc(sdoc, (lengths >= 30).astype(np.float64)), pieces),
        "text.comma_rate": count("comma") * per_word,
        "text.contraction_rate": 100.0 * tb.per_doc(contraction) * per_word,
        "text.colon_rate": 100.0 * count_char(":") * per_word,
        "text.paren_rate": 100.0 * count("paren") * per_word,
        "text.quote_rate": 100.0 * count("quote") * per_word,
    }


def _listlike(tb: TextBatch, sets: _Sets, w: _Words, n_words: np.ndarray, n_tokens: np.ndarray) -> dict[str, np.ndarray]:
    n = tb.n
    cps = tb.cps
    nw = np.maximum(n_words, 1)
    brk = sets("segment")
    sdoc, lengths = _piece_lengths(tb, brk & ~shifted(brk, -1))
    segments = tb.count_per_doc(sdoc).astype(np.float64)
    letter = tb.has("L")
    triple = letter & (cps == shifted(cps, 1)) & (cps == shifted(cps, 2))
    at = np.flatnonzero(triple)
    tok = np.searchsorted(w.start, at, side="right") - 1
    tok = np.unique(tok[(tok >= 0) & (at < w.end[np.maximum(tok, 0)])])
    nd = tb.has("Nd")
    run = nd | (cps == ord(" ")) | (cps == ord("-"))
    run_id = np.cumsum(run & ~shifted(run, -1))
    digits = np.flatnonzero(nd)
    phones = np.zeros(n)
    if len(digits):
        rid = run_id[digits]
        change = rid[1:] != rid[:-1]
        d_first, d_last = digits[np.r_[True, change]], digits[np.r_[change, True]]
        long_run = d_last - d_first + 1 >= 9
        phones = np.bincount(tb.doc[d_first[long_run]], minlength=n)[:n].astype(np.float64)
    caps = (tb.span_sums(tb.has("Lu"), w.start, w.end) == w.length) & (w.length >= 2)
    script_counts = np.bincount(tb.doc * 17 + tb.scripts, minlength=17 * n)[: 17 * n].reshape(n, 17)[:, 1:]
    letters = tb.per_doc(letter).astype(np.float64)
    main = script_counts.max(axis=1) if n else np.zeros(0)
    return {
        "text.short_word_share": tb.count_per_doc(w.doc[w.length <= 3]) / nw,
        "text.long_word_share": tb.count_per_doc(w.doc[w.length >= 12]) / nw,
        "text.letter_repeat_share": tb.count_per_doc(w.doc[tok]) / nw,
        "text.number_token_share": _safe_div(n_tokens - n_words, n_tokens),
        "text.punct_rate": tb.per_doc(tb.has("P")) / nw,
        "text.segment_words": _safe_div(tb.count_per_doc(sdoc, lengths.astype(np.float64)), segments),
        "text.short_segment_share": _safe_div(tb.count_per_doc(sdoc, (lengths <= 3).astype(np.float64)), segments),
        "text.phone_numbers": phones,
        "text.caps_word_share": tb.count_per_doc(w.doc[caps]) / nw,
        "text.script_mix": np.where(letters > 0, np.maximum(0.0, 1.0 - _safe_div(main, letters)), 0.0),
    }


def _mt_ratios(tb: TextBatch, arabic: np.ndarray, count, count_char) -> dict[str, np.ndarray]:
    """mt.latin_words, mt.wrong_quotes and mt.latin_comma (0 outside Arabic-script documents)."""
    lm = tb.has("L", "M")
    starts = np.flatnonzero(lm & ~shifted(lm, -1))
    ends = np.flatnonzero(lm & ~shifted(lm, 1)) + 1
    latin = tb.span_sums(tb.has("LATIN"), starts, ends) == ends - starts
    wdoc = tb.doc[starts]
    n_runs = tb.count_per_doc(wdoc).astype(np.float64)
    english = count("english_quote")
    quotes = english + count("other_quote")
    latin_commas = count_char(",")
    commas = latin_commas + count_char("،")
    return {
        "mt.latin_words": np.where(arabic, _safe_div(tb.count_per_doc(wdoc[latin]), n_runs), 0.0),
        "mt.wrong_quotes": np.where(arabic, _safe_div(english, quotes), 0.0),
        "mt.latin_comma": np.where(arabic, _safe_div(latin_commas, commas), 0.0),
    }
