"""The batch path of stripping (one keyword scan for many texts) gives what one text at a time gives."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, shared_path
from dedupe.document import Document, Removal
from dedupe.strip import RuleSet, Stripper, strip_text
from dedupe.strip.batchscreen import plans
from dedupe.strip.engine import strip_texts
from dedupe.strip.layout import split_lines

RULES = RuleSet.load()

EDGES = [
    "", "x", "\n", "\n\n", "a line without a break", "ends with a break\n", "two\nlines",
    "Windows\r\nline ends\r\n(Reuters) - a body line\r\n", "\r", "x\r", " \n\t\n\u00a0",
    "Straße STRASSE ß\nSeaPRwire news\nEnd of the body (text) here.",
    "PARIS (AFP) - The talks resumed on Monday morning.\nSOURCE Acme Corp\nRe: the thread title",
    "القاهرة (أ ف ب) - قال مسؤولون\nThe council met (Reuters).\nبغداد / وام / أعلنت الوزارة",
    "نيويورك، 3 مارس/آذار (أ ف ب) - أعلنت الأمم المتحدة\n[ad_1]\nShare\nFacebook Twitter\nExit mobile version",
    "Title of the page\nTitle of the page\nBody text of the article, long enough to stay.\nالمصدر: https://x.com/a",
    "LONDON, March 3 (Reuters) - Shares rose.\n\nReporting by A. Person; Editing by B. Person\n\nOur Standards: The Thomson Reuters Trust Principles.",
    "ТАСС сообщил\nXinhua and Kyodo and Yonhap\nfeed item link title url rss orig original source",
]


def _single(texts: list[str], langs: list[str | None]) -> list[tuple]:
    return [_facts(strip_text(t, lang, RULES)) for t, lang in zip(texts, langs)]


def _facts(result) -> tuple:
    return result.text, result.removed, result.signals, result.credits


def _check(texts: list[str], langs: list[str | None]) -> None:
    got = [_facts(r) for r in strip_texts(texts, langs, RULES)]
    assert got == _single(texts, langs)
    lines = [split_lines(t) for t in texts]
    for text, ls, plan in zip(texts, lines, plans(RULES.screen, texts, lines)):
        one = RULES.screen.plan(text, ls)
        assert plan.found == one.found, text[:200]
        assert plan.folded == one.folded
        assert plan._hits == one._index(), text[:200]
        assert plan._in_text == {w: w in text for w in plan._in_text}  # weak strings found as written


def test_edge_cases_alone_and_together() -> None:
    for text in EDGES:
        _check([text], [None])
    for lang in (None, "en", "ar"):
        _check(EDGES, [lang] * len(EDGES))
    _check(EDGES[::-1], ["ar", None, "en"] * (len(EDGES) // 3) + [None] * (len(EDGES) % 3))


def test_fixtures_and_seeds() -> None:
    paths = sorted((FIXTURES / "strip").glob("*/*.txt")) + sorted((FIXTURES / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(texts) > 20
    for lang in (None, "ar", "en"):
        _check(texts, [lang] * len(texts))


@pytest.mark.parametrize("name", ["extraction-aeb", "arabic-news", "mt-ar", "hplt-quality"])
def test_shared_data(name: str) -> None:
    if name == "extraction-aeb":
        data = json.loads(shared_path("data", name, "ground-truth.json").read_text(encoding="utf-8"))
        texts = [v["articleBody"] for _, v in sorted(data.items())]
    else:
        file, field = {"arabic-news": ("articles.jsonl", "text"), "mt-ar": ("system_outputs.jsonl", "hypothesis"),
                       "hplt-quality": ("annotations.jsonl", "text_show")}[name]
        rows = shared_path("data", name, file).read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)[field] for line in rows if line]
    for at in range(0, len(texts), 300):
        part = texts[at:at + 300]
        _check(part, [None] * len(part))


_LINES = [line for text in EDGES for line in text.split("\n")] + ["Share", "  \u00a0Share\u00a0 ", "(AP) — Officials said"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.one_of(st.sampled_from(_LINES), st.text(max_size=20)),
                                   st.sampled_from(["\n", "\n\n", "\r\n", " \n", ""])), max_size=8), max_size=6),
       st.sampled_from([None, "ar", "en"]))
def test_generated_batches(docs: list[list[tuple[str, str]]], lang: str | None) -> None:
    texts = ["".join(line + sep for line, sep in parts) for parts in docs]
    _check(texts, [lang] * len(texts))


def test_stripper_batch_equals_one_by_one() -> None:
    texts = EDGES * 3
    prior = Removal("earlier", "site_chrome", 0, 5, "Title")

    def docs() -> list[Document]:
        out = [Document(id=str(i), text=t, lang=("ar", "en", None)[i % 3], input_order=i) for i, t in enumerate(texts)]
        # a document an earlier stage already cut: removals are mapped back to its original
        out.append(Document(id="cut", text="(Reuters) - the body\nShare", lang="en", input_order=len(out),
                            original_text="Title(Reuters) - the body\nShare", removed=[prior]))
        return out

    stripper = Stripper(RULES)
    one = [stripper.strip(d) for d in docs()]
    stripper.chunk = 4  # several chunks
    many = stripper.strip_batch(docs())
    called = list(stripper(docs()))
    for a, b, c in zip(one, many, called):
        assert (a.id, a.text, a.removed, a.signals) == (b.id, b.text, b.removed, b.signals)
        assert (a.id, a.text, a.removed, a.signals) == (c.id, c.text, c.removed, c.signals)
    assert len(many) == len(called) == len(one)
    assert any(d.removed for d in many)


def test_stage_passes_documents_with_an_error() -> None:
    bad = Document(id="bad", text="(Reuters) - x\nShare", error="unreadable", input_order=0)
    good = Document(id="good", text="Body text.\nShare", lang="en", input_order=1)
    out = list(Stripper(RULES)([bad, good]))
    assert [d.id for d in out] == ["bad", "good"]
    assert out[0].text == "(Reuters) - x\nShare" and not out[0].removed


def test_screen_off_takes_the_slow_path() -> None:
    every = RuleSet.load(screen=False)
    texts = EDGES
    got = [_facts(r) for r in strip_texts(texts, [None] * len(texts), every)]
    assert got == _single(texts, [None] * len(texts))


_KEY_ALPHABET = ["a", "A", "b", "ß", "S", "s", "İ", "i", "ـ", "ع", " ", "-", ".", "\u200f", "1", "²", "Σ", "ς", "σ"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_KEY_ALPHABET), min_size=1, max_size=8),
       st.text(alphabet=st.sampled_from(_KEY_ALPHABET), min_size=1, max_size=8))
def test_title_shortcut_only_skips_lines_whose_key_differs(title: str, other: str) -> None:
    """The repeated-title pass skips normalising when the first characters already differ; it
    may do so only where the keys (and the key's start a long line is compared by) differ."""
    from dedupe.strip.engine import _TITLE_KEY, _differ_at_once

    def key(s: str) -> str:
        return _TITLE_KEY.sub(" ", s).strip().casefold()

    if _differ_at_once(title, other, 0, len(other)):
        assert key(title) != key(other)
        assert not key(title).startswith(key(other[:len(title) + 16]))
    assert not _differ_at_once("Breaking news", "BREAKING NEWS", 0, 13)
    assert _differ_at_once("Breaking news", "Another line", 0, 12)


def _more_runs_reference(text: str, start: int, end: int, most: int) -> bool:
    """More than `most` runs of the rules' white space between the words of text[start:end]."""
    import regex

    part = text[start:end]
    if len(part.split(None, most + 1)) <= most + 1:
        return False
    return len(regex.findall(r"\s+", part)) > most if any(c in part for c in "\x1c\x1d\x1e\x1f") else True


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "word", " ", "  ", "\t", "\u00a0", "\x1c", "\x1f", ":", "ب"]),
                max_size=300), st.integers(0, 50))
def test_more_runs_with_its_head_shortcut(pieces: list[str], most: int) -> None:
    from dedupe.strip.screen import _more_runs

    text = "".join(pieces)
    for start in (0, min(3, len(text))):
        assert _more_runs(text, start, len(text), most) == _more_runs_reference(text, start, len(text), most)
    # long stretches the head settles, and ones it cannot (space the rules do not count, later)
    for long in ("word " * 80, "x" * 300 + " a b", "a\x1cb\x1c" * 60 + " c d e f", "a b " + "y" * 200 + "\x1c z"):
        assert _more_runs(long, 0, len(long), most % 5) == _more_runs_reference(long, 0, len(long), most % 5)
