"""The strip engine: exact reversible removals, whitespace policy, packs loading, language, stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.document import Document, Removal, rebuild_original
from dedupe.errors import ConfigError
from dedupe.strip import OffsetMap, RuleSet, Stripper, remap_removals, strip_text
from dedupe.strip.layout import split_lines
from dedupe.strip.rules import single_line

RULES = RuleSet.load()

ARTICLE = [
    "The council approved the budget after a long debate on Tuesday evening.",
    "وقال المتحدث باسم الوزارة إن الاجتماع سيعقد الأسبوع المقبل في العاصمة.",
    "Prices rose by 3.2 percent in March, the statistics office said.",
    "وأضاف أن الحكومة ستواصل دعم المزارعين خلال موسم الحصاد.",
]
CHROME = [
    "[ad_1]", "[ad_2]", "[إعلان رقم 2]", "شاركها.", "اترك تعليقاً", "Exit mobile version", "تعليق (0)",
    "المصدر: https://example.com/a/1", "Click to expand...", "عودة", "أعلى", "Reply With Quote",
    "Sectors: Business", "SOURCE Acme Corp", "2 Likes", "Share", "Related Posts",
]


def _check(original: str, result) -> None:
    assert rebuild_original(result.text, result.removed) == original
    last = 0
    for r in result.removed:
        assert last <= r.start < r.end <= len(original)
        assert original[r.start:r.end] == r.text
        last = r.end


lines = st.one_of(st.sampled_from(ARTICLE), st.sampled_from(CHROME), st.text(max_size=40))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(lines, st.sampled_from(["\n", "\n\n", "\r\n", " \n", "\n\u00a0\n"])), max_size=14),
       st.sampled_from([None, "ar", "en", "und"]))
def test_removals_rebuild_the_original(parts: list[tuple[str, str]], lang: str | None) -> None:
    original = "".join(line + sep for line, sep in parts)
    result = strip_text(original, lang, RULES)
    _check(original, result)
    assert strip_text(original, lang, RULES).text == result.text  # deterministic


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ARTICLE), st.sampled_from(CHROME)), min_size=1, max_size=12),
       st.lists(st.sampled_from(["\n", "\n\n"]), min_size=12, max_size=12))
def test_no_blank_line_debris(body: list[str], seps: list[str]) -> None:
    """Clean lines joined by single or double breaks: no leading/trailing space, no triple breaks."""
    original = "".join(line + sep for line, sep in zip(body, seps))[:-1].rstrip("\n")
    result = strip_text(original, "ar", RULES)
    _check(original, result)
    if result.removed:
        assert result.text == result.text.strip()
        assert "\n\n\n" not in result.text
    kept_article = [line for line in body if line in ARTICLE]
    for line in kept_article:
        assert line in result.text  # article lines always survive


def test_whitespace_policy() -> None:
    # a paragraph break around a removed line stays one paragraph break
    assert strip_text("A long first line of text here.\n\n[ad_1]\n\nAnother paragraph of text.", "en", RULES).text == \
        "A long first line of text here.\n\nAnother paragraph of text."
    # lines without blank lines between them stay single-spaced
    assert strip_text("First line of the text.\n[ad_1]\nSecond line of the text.", "en", RULES).text == \
        "First line of the text.\nSecond line of the text."
    # trailing chrome takes the blank lines before it
    assert strip_text("Body text of the article.\n\n\nShare\n\n", "en", RULES).text == "Body text of the article."
    # leading chrome takes the blank lines after it
    assert strip_text("[ad_1]\n\n\nBody text of the article.", "en", RULES).text == "Body text of the article."
    # an untouched text keeps its own whitespace
    assert strip_text("  Body text.\n\n", "en", RULES).text == "  Body text.\n\n"
    # a span inside a line takes the space after it; at the end of a line, the space before it
    assert strip_text("Text before [ad_1] text after.", "en", RULES).text == "Text before text after."
    assert strip_text("Text before the slot [ad_2]", "en", RULES).text == "Text before the slot"
    # CRLF texts
    r = strip_text("Body one.\r\n\r\n[ad_1]\r\n\r\nBody two.", "en", RULES)
    assert r.text == "Body one.\r\n\r\nBody two."


def test_broken_source_url_is_still_removed() -> None:
    r = strip_text("Body text of the article.\nSource: https://[broken/path", "en", RULES)
    assert r.text == "Body text of the article." and not any(s.startswith("credit:") for s in r.signals)


def test_everything_removed_gives_empty_text() -> None:
    original = "\n[ad_1]\n\n[ad_2]\n"
    result = strip_text(original, None, RULES)
    assert result.text == ""
    _check(original, result)


def test_split_lines_offsets() -> None:
    text = "a\r\nb\n\n c"
    lines = split_lines(text)
    assert [(text[ln.start:ln.end], ln.blank) for ln in lines] == [("a", False), ("b", False), ("", True), (" c", False)]
    assert lines[0].stop == 3


def test_single_line_patterns_never_cross_a_break() -> None:
    assert single_line(r"a\s+b") == r"a[^\S\n]+b"
    assert single_line(r"[^\s]+") == r"[^\s]+"
    assert "\\n" not in single_line(r"[\s,]")
    # the vBulletin quote label and the next line are two removals, not one swallowed pair
    r = strip_text("Body text of a post here.\n\nQuote:\nOriginally Posted by someone\nQuoted words stay here.", "en", RULES)
    assert [x.rule for x in r.removed] == ["vbulletin.quote-label", "vbulletin.originally-posted"]


def test_dateline_kept_when_not_a_prefix() -> None:
    # an agency named inside a sentence is a signal at most, never removed
    text = "Officials told Reuters (Reuters) on Monday that the talks had stalled for now."
    r = strip_text(text, "en", RULES)
    assert r.text == text and "wire:reuters" in r.signals
    # words before "(AGENCY)" that are not a place and a date stay: no separator, no month, no cut
    for line in ("وذكرت وكالة (رويترز) أن القافلة عبرت الحدود صباح اليوم.",
                 "قال 3 مسؤولين (رويترز) إن المحادثات توقفت مساء أمس.",
                 "Three officials told (Reuters) that the talks had stalled."):
        r = strip_text("Title line of the text\n\n" + line, None, RULES)
        assert r.text.endswith(line) and r.removed == []
    # a dateline with no sentence after it on the line is not taken as a prefix
    r = strip_text("Body line of the article text.\n\nعماد/ وام/ موسكو", "ar", RULES)
    assert r.text == "Body line of the article text." and r.removed[0].rule == "wire-credits.signoff"


def test_language_selects_packs(tmp_path: Path) -> None:
    (tmp_path / "local.toml").write_text(
        '[pack]\nname = "local"\nlanguages = ["ar"]\nsignal = "site:local"\n\n'
        '[[rules]]\nid = "follow"\ncategory = "site_chrome"\nmatch = "line"\npattern = \'\'\'follow us daily\'\'\'\n',
        encoding="utf-8")
    rules = RuleSet.load([str(tmp_path)])
    text = "Body text of the article.\nFollow us daily"
    assert strip_text(text, "ar", rules).text == "Body text of the article."
    assert strip_text(text, "ar-EG", rules).text == "Body text of the article."
    assert strip_text(text, "en", rules).text == text  # not an Arabic document: the pack is off
    assert strip_text(text, None, rules).text == "Body text of the article."  # unknown: all packs
    assert strip_text(text, "und", rules).signals == ["site:local"]


def test_disable_rule_or_pack() -> None:
    text = "Body text of the article.\n\n[ad_1]\n\nShare"
    assert strip_text(text, "en", RuleSet.load(disable=["wp-automatic"])).text == "Body text of the article.\n\n[ad_1]"
    assert strip_text(text, "en", RuleSet.load(disable=["site-chrome.share-en"])).text == \
        "Body text of the article.\n\nShare"
    with pytest.raises(ConfigError, match="no-such-rule"):
        RuleSet.load(disable=["no-such-rule"])


@pytest.mark.parametrize("body, problem", [
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "nonsense"\npattern = "x"\n', "category"),
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "ad_marker"\npattern = "(unclosed"\n', "regular expression"),
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "ad_marker"\npattern = "x*"\n', "empty string"),
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "ad_marker"\npattern = "{{nope}}"\n', "undefined variable"),
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "ad_marker"\nmatch = "word"\npattern = "x"\n', "match"),
    ('[pack]\nname = "bad"\n[[rules]]\nid = "r1"\ncategory = "ad_marker"\npattern = "x"\ncolour = 1\n', "unknown key"),
])
def test_bad_pack_names_file_and_rule(tmp_path: Path, body: str, problem: str) -> None:
    (tmp_path / "bad.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        RuleSet.load([str(tmp_path)])
    message = str(err.value)
    assert "bad.toml" in message and problem in message
    assert "'bad.r1'" in message or "rule" not in problem


def test_bad_pack_files(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[pack\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.toml: not valid TOML"):
        RuleSet.load([str(tmp_path)])
    with pytest.raises(ConfigError, match="not found"):
        RuleSet.load([str(tmp_path / "missing")])
    dup = tmp_path / "dup"
    dup.mkdir()
    (dup / "x.toml").write_text('[pack]\nname = "amp"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="already used"):
        RuleSet.load([str(dup)])


def test_patterns_compiled_once_per_pack_and_kind() -> None:
    packs = {p.name for p in RULES.packs}
    assert len(RULES.line_groups) <= len(packs) * 2
    assert len(RULES.span_groups) <= len(packs) * 2
    assert sum(len(g.rules) for g in RULES.line_groups) == sum(1 for r in RULES.rules if r.kind == "line")


def test_offset_map_and_remap() -> None:
    original = "AAAA[x]BBBB[y]CCCC"
    prior = [Removal("r", "ad_marker", 4, 7, "[x]"), Removal("r", "ad_marker", 11, 14, "[y]")]
    cleaned = "AAAABBBBCCCC"
    assert rebuild_original(cleaned, prior) == original
    m = OffsetMap(len(original), prior)
    assert m.to_original(0, 4) == [(0, 4)]
    assert m.to_original(2, 10) == [(2, 4), (7, 11), (14, 16)]
    new = [Removal("learned_chrome", "learned_chrome", 2, 10, cleaned[2:10])]
    mapped = remap_removals(new, prior, original)
    assert [(r.start, r.end, r.text) for r in mapped] == [(2, 4, "AA"), (7, 11, "BBBB"), (14, 16, "CC")]
    both = sorted(prior + mapped, key=lambda r: r.start)
    assert rebuild_original("AACC", both) == original


def test_stripper_maps_onto_earlier_removals() -> None:
    """A document an earlier stage already cut: new removals still index the original text."""
    original = "Header junk\nBody text of the article here.\n\n[ad_1]\n\nMore body text follows here."
    doc = Document(id="d", text=original[len("Header junk\n"):], original_text=original, lang="en",
                   removed=[Removal("extract", "site_chrome", 0, len("Header junk\n"), "Header junk\n")])
    out = next(Stripper(RULES)([doc]))
    assert out.text == "Body text of the article here.\n\nMore body text follows here."
    assert rebuild_original(out.text, out.removed) == original
    assert "autoblog:wp-automatic" in out.signals


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[ad_1]", "[ad_2]", " ", "  ", "word", "كلمة", "\u00a0", "\n", "[source_link]"]),
                max_size=16))
def test_inline_spans_never_overlap(tokens: list[str]) -> None:
    original = "".join(tokens)
    _check(original, strip_text(original, "en", RULES))


def test_neighbouring_spans_in_one_line() -> None:
    r = strip_text("Body text here [ad_1] [ad_2]", "en", RULES)
    assert r.text == "Body text here"
    _check("Body text here [ad_1] [ad_2]", r)
    r = strip_text("[ad_1] [ad_2] Body text here", "en", RULES)
    assert r.text == "Body text here"
