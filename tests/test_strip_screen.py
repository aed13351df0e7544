"""The strip screen: required literals of rule patterns, and stripping with the screen equals
stripping without it (every rule tried on every line), on real text and generated text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, shared_path
from dedupe.strip import RuleSet, strip_text
from dedupe.strip.layout import split_lines
from dedupe.strip.literals import required_literals
from dedupe.strip.reach import line_start_reach

SCREENED = RuleSet.load()
EVERY_LINE = RuleSet.load(screen=False)


def _clauses(pattern: str, ignore_case: bool = True) -> list[set[str]] | None:
    lit = required_literals(pattern, ignore_case)
    return None if lit is None or not lit.clauses else [set(c) for c in lit.clauses]


def test_literals_of_simple_patterns() -> None:
    assert _clauses(r"exit\s+mobile\s+version") == [{"version"}, {"mobile"}]  # the two rarest
    assert _clauses(r"(?:share|tweet)\s*[.:!]?") == [{"share", "tweet"}]
    assert _clauses(r"Reuters", ignore_case=False) == [{"Reuters"}]
    assert _clauses(r"Reuters", ignore_case=True) == [{"reuters"}]
    assert _clauses(r"\[ad_\d{1,2}\]", ignore_case=False) == [{"[ad_"}, {"]"}]
    # an optional part, a class, a single letter or a comma promise nothing
    assert _clauses(r"(?:follow)?\p{L}+") is None
    assert _clauses(r"[a-z]+") is None
    assert _clauses(r"a|bc") is None
    assert _clauses(r",") is None
    # a lookahead promises nothing about the match itself
    assert _clauses(r"(?=[^\n]*seaprwire)[^\n]*provider") == [{"provider"}]
    # an alternation: one clause per pair of branch clauses
    assert _clauses(r"(?:joined|member)\s*:") in ([{"joined", "member"}, {":"}], [{":"}, {"joined", "member"}])


def test_gates_and_leading_strings() -> None:
    """A clause with a weak string ("AP", one Arabic letter) is a gate, not dropped; the strings a
    match starts with are read when the pattern says."""
    lit = required_literals(r"(?:AP|Reuters)\s*-", False)
    assert [set(c) for c in lit.clauses] == [{"-"}] and [set(c) for c in lit.gates] == [{"AP", "Reuters"}]
    assert lit.leading == {"AP", "Reuters"}
    # a gate whose weak string has case would need every line case-folded: left out
    assert required_literals(r"(?:am|pm)\s*:", True).gates == ()
    # a single Latin letter or a comma is in every text: no gate, but still a leading string
    lit = required_literals(r"(?:facebook|x|twitter)", True)
    assert lit.clauses == () and lit.gates == () and lit.leading == {"facebook", "twitter", "x"}
    assert required_literals(r"(?:follow)?share", True).leading is None  # an optional start
    assert required_literals(r"\bshare|tweet", True).leading == {"share", "tweet"}  # zero width skipped
    assert required_literals(r"[(/]\s*AFP", False).leading == {"(", "/"}
    # lookarounds that may look past their line are told apart (a line-by-line scan needs them not to)
    assert required_literals(r"\(AFP\)(?=[^\n]*\n)", False).looks_within_line is False
    assert required_literals(r"\(AFP\)(?=[ .])", False).looks_within_line is True


def test_unknown_syntax_promises_nothing() -> None:
    assert required_literals(r"(\w+) \1 again", True) is None  # a back reference
    assert required_literals(r"(?x) a b c", True) is None  # verbose mode
    assert required_literals(r"\L<words>", True) is None


def test_patterns_that_may_cross_a_line() -> None:
    assert not required_literals(r"quote[^x]{1,40}said", True).within_line
    assert not required_literals(r"photo\s*:\s*file\s*(?:$|\n)", True).within_line
    assert required_literals(r"quote[^\n]{1,40}said", True).within_line
    assert required_literals(r"quote(?=\n)said", True).within_line  # only inside a lookahead


def test_every_match_holds_its_clauses() -> None:
    """The promise, checked on the fixtures and seeds: every match of every packaged rule
    contains a string of each of its clauses."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "strip").glob("*/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "seeds").glob("*.txt"))]
    checked = 0
    for rule in SCREENED.rules:
        pattern = rule.pattern or rule.anchor
        if not pattern:
            continue
        lit = required_literals(pattern, rule.ignore_case)
        if lit is None:
            continue
        compiled = regex.compile(("(?i)" if rule.ignore_case else "") + "(?m)" + pattern)
        for text in texts:
            for m in compiled.finditer(text):
                found = m.group(0).casefold() if lit.folded else m.group(0)
                assert all(any(s in found for s in clause) for clause in lit.clauses), (rule.id, m.group(0))
                assert all(any(s in found for s in gate) for gate in lit.gates), (rule.id, m.group(0))
                assert lit.leading is None or found.startswith(tuple(lit.leading)), (rule.id, m.group(0))
                if rule.kind == "span" and pattern.startswith("^"):  # a line-start rule's reach
                    for clause in lit.clauses:
                        bound = line_start_reach(pattern, clause) if all(len(c) == 1 for c in clause) else None
                        if bound is not None:
                            first = min(m.group(0).find(c) for c in clause if c in m.group(0))
                            assert len(regex.findall(r"\s+", m.group(0)[:first])) <= bound, (rule.id, m.group(0))
                checked += 1
    assert checked > 100


def _same(text: str, lang: str | None) -> None:
    a = strip_text(text, lang, SCREENED)
    b = strip_text(text, lang, EVERY_LINE)
    assert (a.text, a.removed, a.signals, a.credits) == (b.text, b.removed, b.signals, b.credits), text[:200]


def test_screen_changes_nothing_on_fixtures() -> None:
    for p in sorted((FIXTURES / "strip").glob("*/*.txt")) + sorted((FIXTURES / "seeds").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        for lang in (None, "ar", "en"):
            _same(text, lang)


@pytest.mark.parametrize("name", ["extraction-aeb", "arabic-news", "mt-ar", "hplt-quality"])
def test_screen_changes_nothing_on_shared_data(name: str) -> None:
    if name == "extraction-aeb":
        data = json.loads(shared_path("data", name, "ground-truth.json").read_text(encoding="utf-8"))
        items = [(None, v["articleBody"]) for v in data.values()]
    else:
        file, field = {"arabic-news": ("articles.jsonl", "text"), "mt-ar": ("system_outputs.jsonl", "hypothesis"),
                       "hplt-quality": ("annotations.jsonl", "text_show")}[name]
        rows = shared_path("data", name, file).read_text(encoding="utf-8").splitlines()
        items = [(None, json.loads(line)[field]) for line in rows if line]
    for lang, text in items:
        _same(text, lang)


_LINES = [
    "The council approved the budget after a long debate on Tuesday evening.",
    "WASHINGTON (Reuters) - Officials said the talks would resume on Monday.",
    "طوكيو، 10 مارس/آذار. /تاس/. قالت الحكومة إن المحادثات ستستأنف الأسبوع المقبل.",
    "القاهرة - رويترز - قال مسؤولون إن الاجتماع سيعقد غدا في العاصمة.",
    "[ad_1]", "[إعلان رقم 2]", "شاركها.", "Exit mobile version", "تعليق (0)", "Share", "Facebook Twitter",
    "المصدر: https://example.com/a/1", "Click to expand...", "عودة", "Reply With Quote", "Sectors: Business",
    "Joined: 12/3/2020 10:15", "Posts: 4,747", "Re: the thread title", "SOURCE Acme Corp", "(Reuters)",
    "  \u00a0Share\u00a0 ", "Tags: a, b", "نغوك آنه (وفقا لصحيفة جابان تايمز، رويترز)",
    # lines the gates, leading strings and line-by-line scans must still find
    "Facebook", "x", "\u00a0 Twitter | X | Email", "PARIS (AFP) - The talks resumed on Monday morning.",
    "(AP) — Officials said", "text /AFP/ more", "LONDON, March 3 (Reuters) - Shares rose on the news today.",
    "القاهرة (أ ف ب) - قال مسؤولون", "بغداد / وام / أعلنت الوزارة", "RE: hello", "Straße STRASSE",
    "قال وزير الخارجية في مؤتمر صحفي عقده اليوم في العاصمة بعد لقائه نظيره (رويترز) - إن المحادثات مستمرة",
    "نيويورك، 3 مارس/آذار (أ ف ب) - أعلنت الأمم المتحدة اليوم عن خطة جديدة",
]


def test_line_start_reach() -> None:
    """Runs of space a line-start match holds before a character it needs: bounded by the
    pattern's words, unknown when a part repeats space without bound."""
    assert line_start_reach(r"^\p{L}+\(", frozenset("(")) == 0
    assert line_start_reach(r"^(?:\p{L}+(?:[^\S\n]+\p{L}+){0,3}[^\S\n]*)?\(", frozenset("(")) == 4
    assert line_start_reach(r"^(?:a|b[^\S\n]c[^\S\n]d)[^\S\n]*[-–]", frozenset("-–")) == 3
    assert line_start_reach(r"^[^\n]*\(", frozenset("(")) is None  # any run of words
    assert line_start_reach(r"^(?:x[^\S\n])+\(", frozenset("(")) is None
    assert line_start_reach(r"^x?\(?y", frozenset("(")) is None  # the character is optional
    assert line_start_reach(r"^(\w+) \1\(", frozenset("(")) is None  # a back reference


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(_LINES), st.text(max_size=30)),
                          st.sampled_from(["\n", "\n\n", "\r\n", " \n"])), max_size=14),
       st.sampled_from([None, "ar", "en"]))
def test_screen_changes_nothing_on_generated_text(parts: list[tuple[str, str]], lang: str | None) -> None:
    _same("".join(line + sep for line, sep in parts), lang)


def test_screen_with_a_user_pack(tmp_path: Path) -> None:
    """Patterns the reader cannot promise anything for (classes that cross lines, back
    references, a whole-line rule with no literal) still strip exactly as without the screen."""
    (tmp_path / "odd.toml").write_text(
        "[pack]\nname = \"odd\"\n\n"
        "[[rules]]\nid = \"cross\"\ncategory = \"site_chrome\"\nmatch = \"line\"\npattern = '''menu[^x]{0,30}?end'''\n\n"
        "[[rules]]\nid = \"backref\"\ncategory = \"site_chrome\"\nmatch = \"line\"\npattern = '''(\\w+) \\1'''\n\n"
        "[[rules]]\nid = \"short\"\ncategory = \"site_chrome\"\nmatch = \"line\"\npattern = '''\\p{Lu}\\p{L}{2,8}'''\n"
        "max_chars = 10\nwhere = \"tail\"\nwindow = 2\n\n"
        "[[rules]]\nid = \"slot\"\ncategory = \"ad_marker\"\nmatch = \"span\"\npattern = '''^\\{\\{[a-z]+\\}\\}'''\n",
        encoding="utf-8")
    screened = RuleSet.load([str(tmp_path)])
    every = RuleSet.load([str(tmp_path)], screen=False)
    texts = ["Body text of the article here.\nmenu\nend\nbye bye\n{{slot}} More body text.\nFooter",
             "menu home end\nText of the body that stays.\nHello", "x\n\nAbc"]
    for text in texts:
        a, b = strip_text(text, None, screened), strip_text(text, None, every)
        assert (a.text, a.removed, a.signals) == (b.text, b.removed, b.signals)
    cleaned = strip_text(texts[0], None, screened).text.split("\n")
    assert "menu" not in cleaned and "Footer" not in cleaned and "More body text." in cleaned


def test_split_lines_and_screen_agree_on_line_numbers() -> None:
    """Case folding may lengthen a text (ß -> ss); hits still land on the right line."""
    text = "Straße ßßß\n\nSeaPRwire news\nEnd of the body (text) here."
    plan = SCREENED.screen.plan(text, split_lines(text))
    assert set(plan.found) == {2, 3}


def _split_lines_reference(text: str) -> list[tuple[int, int, int, int, bool]]:
    """split_lines as first written (one find per line, the blank test a regex), the reference."""
    blank = regex.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]*")
    lines: list[tuple[int, int, int, int, bool]] = []
    pos, n = 0, len(text)
    while pos < n or not lines:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl + 1
        end = n if nl < 0 else (nl - 1 if nl > pos and text[nl - 1] == "\r" else nl)
        lines.append((len(lines), pos, end, stop, blank.fullmatch(text, pos, end) is not None))
        pos = stop
        if nl < 0:
            break
    return lines


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "1", "ب", "\n", "\r", " ", "\t", "\u00a0", "\u200e", "\ufeff",
                                         "\x1c", "\u2028", "."]), max_size=24))
def test_split_lines_matches_its_reference(text: str) -> None:
    assert [tuple(ln) for ln in split_lines(text)] == _split_lines_reference(text)


def test_a_repeated_title_with_long_punctuation_is_still_found() -> None:
    """The title rule looks at a long line's start before normalising all of it; a line equal
    to the title once normalised is removed however long its punctuation runs."""
    title = "Breaking: storm hits the coast"
    body = "The storm reached the coast on Monday night, officials said in a statement to reporters."
    same = "BREAKING —   Storm hits the coast" + "!" * 200
    for text, removed in ((f"{title}\n{same}\n{body}", True), (f"{title}\n{same[:-200]} again{'!' * 200}\n{body}", False),
                          (f"{title}\n{'.' * 100}Breaking storm hits the coast\n{body}", True)):
        result = strip_text(text, "en", SCREENED)
        assert (any(r.rule == "title-repeat.repeated-title" for r in result.removed)) is removed, text[:80]
        assert result.text.startswith(title)
