"""strip_text: run a RuleSet over one text and return the cleaned text, removals and signals."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import regex

from dedupe.collector import collector_paused
from dedupe.document import Removal
from dedupe.strip.batchscreen import plans
from dedupe.strip.credits import credit_signals
from dedupe.strip.layout import Line, Mark, cleaned_text, plan_removals, split_lines
from dedupe.strip.rules import Rule, RuleSet, lang_matches
from dedupe.strip.screen import Plan

_ARABIC = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"\p{Latin}")
_WORDS = regex.compile(r"\w+")
_SENTENCE_END = regex.compile(r"[.!?؟:؛;]\s*$")
_TITLE_KEY = regex.compile(r"[\s\p{P}\u200e\u200f\u0640]+")


@dataclass
class StripResult:
    """The cleaned text, every removal (offsets into the input text), signals and credits."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # credited names as written (agencies, papers)

    def add_signal(self, name: str) -> None:
        if name and name not in self.signals:
            self.signals.append(name)


def script_language(text: str, sample: int = 2000) -> str | None:
    """Arabic ("ar") when most letters of the sample are Arabic script, else None (no guess)."""
    head = text[:sample]
    arabic = len(_ARABIC.findall(head))
    latin = len(_LATIN.findall(head))
    return "ar" if arabic > latin and arabic > 0 else None


def _plain(ch: str) -> bool:
    """A character `_TITLE_KEY` keeps: a letter or digit (never space or punctuation), not tatweel."""
    return ch.isalnum() and ch != "\u0640"


def _differ_at_once(title: str, text: str, start: int, end: int) -> bool:
    """Whether the title key and the key of text[start:end] surely differ from their first
    character: both start with a character the key keeps, and those differ case-folded (a key
    starts with its first kept character case-folded, and every start of a line's key too)."""
    if start >= end or not title:
        return False
    a, b = title[0], text[start]
    return _plain(a) and _plain(b) and a.casefold()[0] != b.casefold()[0]


_UNITS: WeakKeyDictionary[RuleSet, dict[str | None, frozenset[int]]] = WeakKeyDictionary()


def _units_for(rules: RuleSet, lang: str | None) -> frozenset[int]:
    """The screen units of `rules` (groups and runs) whose rules run on a text in `lang`."""
    known = _UNITS.get(rules)
    if known is None:
        known = _UNITS[rules] = {}
    units = known.get(lang)
    if units is None:
        groups = [*rules.line_groups, *rules.block_groups, *rules.span_groups]
        units = known[lang] = frozenset(
            [g.unit for g in groups if lang_matches(g.languages, lang)]
            + [run.unit for run in rules.runs if run.rule.applies_to(lang)])
    return units


def _host(url: str) -> str:
    """The URL's host without "www.", or "" when the URL cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:  # e.g. a broken IPv6 literal
        return ""


class _Run:
    """State of stripping one text: its lines, marked lines, spans and signals."""

    def __init__(self, text: str, lang: str | None, rules: RuleSet,
                 lines: list[Line] | None = None, plan: Plan | None = None):
        self.text = text
        self.rules = rules
        self.lang = None if lang in (None, "", "und") else lang
        self.doc_lang = self.lang or script_language(text)
        self.lines = split_lines(text) if lines is None else lines
        self.content = [ln for ln in self.lines if not ln.blank]
        self.count = len(self.content)
        self._starts: list[int] | None = None  # line starts, for line_of (built on first use)
        self._rank: dict[int, int] | None = None  # line index -> rank among non-blank lines
        # which lines each rule group may match (given when screened with a batch)
        self.plan = rules.screen.plan(text, self.lines) if plan is None else plan
        self.tried = _units_for(rules, self.lang)  # the units whose rules run in this language
        live = self.plan.live_units()  # the units with a line worth trying (None: every unit)
        self.go = self.tried if live is None else self.tried & live
        self.marks: dict[int, Mark] = {}
        self.spans: list[tuple[int, int, Mark]] = []
        self.result = StripResult(text)
        self._next_key = 0

    def mark(self, rule: Rule) -> Mark:
        self._next_key += 1
        return Mark(rule.id, rule.category, self._next_key)

    @property
    def rank(self) -> dict[int, int]:
        if self._rank is None:
            self._rank = {ln.index: r for r, ln in enumerate(self.content)}
        return self._rank

    def line_of(self, pos: int) -> Line:
        if self._starts is None:
            self._starts = [ln.start for ln in self.lines]
        return self.lines[bisect_right(self._starts, pos) - 1]

    def in_window(self, rule: Rule, ln: Line) -> bool:
        if rule.where == "any":
            return True
        r = self.rank.get(ln.index)
        if r is None:
            return False
        return r < rule.window if rule.where == "head" else self.count - 1 - r < rule.window

    def record(self, rule: Rule, m: regex.Match[str] | None) -> None:
        for s in rule.signals:
            self.result.add_signal(s)
        if rule.foreign_signal and self.doc_lang and rule.ui_lang and self.doc_lang.split("-")[0] != rule.ui_lang:
            self.result.add_signal(rule.foreign_signal)
        if m is not None:
            named = m.groupdict()
            url = named.get("url")
            if url:
                host = _host(url)
                if host:
                    self.result.add_signal(f"credit:{host}")
            credit = named.get(rule.credit_group)
            if credit:
                names, signals = credit_signals(credit, self.rules.aliases)
                for n in names:
                    if n not in self.result.credits:
                        self.result.credits.append(n)
                for s in signals:
                    self.result.add_signal(s)

    # passes -------------------------------------------------------------------------------

    def repeated_title(self) -> None:
        for rule in self.rules.title_rules:
            if not rule.applies_to(self.lang):
                continue
            content = self.content
            if len(content) < 2:
                return
            first = content[0]
            title = self.text[first.start:first.end]
            if len(title) > rule.max_chars:
                return
            if _differ_at_once(title, self.text, content[1].start, content[1].end):
                continue  # the next line's key cannot be the title's: nothing to normalise
            key = _TITLE_KEY.sub(" ", title).strip().casefold()
            if not key:
                return
            found = False
            reach = len(title) + 16
            for ln in content[1:1 + rule.window]:
                if ln.end - ln.start > reach:
                    # a long line: its start, normalised, must begin the key (normalising is done
                    # character by character, so that is true of any start of an equal line)
                    head = _TITLE_KEY.sub(" ", self.text[ln.start:ln.start + reach]).strip().casefold()
                    if not key.startswith(head):
                        break
                other = _TITLE_KEY.sub(" ", self.text[ln.start:ln.end]).strip().casefold()
                if other != key:
                    break
                self.marks[ln.index] = self.mark(rule)
                found = True
            if found:
                self.record(rule, None)

    def line_rules(self) -> None:
        for group in self.rules.line_groups:
            if group.unit not in self.go:
                continue
            for ln, _ in self.plan.candidates(group.unit, self.content):
                if ln.index in self.marks:
                    continue
                m = group.regex.match(self.text, ln.start)
                if m is None:
                    continue
                rule = group.rule_of(m)
                if not self.in_window(rule, ln) or ln.end - ln.start > rule.max_chars:
                    continue
                self.record(rule, m)
                if rule.action == "remove":
                    self.marks[ln.index] = self.mark(rule)

    def block_rules(self) -> None:
        for group in self.rules.block_groups:
            if group.unit not in self.go:
                continue
            for ln, _ in self.plan.candidates(group.unit, self.content):
                m = group.regex.match(self.text, ln.start)
                if m is None:
                    continue
                rule = group.rule_of(m)
                size = len(self.text) - ln.start
                if ln.index in self.marks or not self.in_window(rule, ln):
                    continue
                if size > rule.max_chars or size > rule.max_share * len(self.text):
                    continue
                self.record(rule, m)
                if rule.action == "remove":
                    mark = self.mark(rule)
                    for other in self.lines[ln.index:]:
                        if not other.blank and other.index not in self.marks:
                            self.marks[other.index] = mark
                break  # one block per group: it runs to the end of the text

    def run_rules(self) -> None:
        for run in self.rules.runs:
            rule = run.rule
            if run.unit not in self.go:
                continue
            anchors = {ln.index for ln, _ in self.plan.candidates(run.unit, self.content)
                       if run.anchor.match(self.text, ln.start)}
            if len(anchors) < rule.min_anchors:
                continue
            member = anchors | {ln.index for ln in self.content if run.member.match(self.text, ln.start)}
            keys = {k for k in member if run.key is not None and run.key.match(self.text, self.lines[k].start)}
            i = 0
            n = len(self.lines)
            while i < n:
                if i not in member or i in self.marks:
                    i += 1
                    continue
                last = self._extend_run(rule, i, member, keys)
                block = [k for k in range(i, last + 1) if not self.lines[k].blank]
                if sum(1 for k in block if k in anchors) >= rule.min_anchors:
                    block = self._absorb_before(rule, i, member) + block
                    mark = self.mark(rule)
                    for k in block:
                        self.marks[k] = mark
                    self.record(rule, None)
                i = last + 1

    def _extend_run(self, rule: Rule, i: int, member: set[int], keys: set[int]) -> int:
        """The last line of the run starting at i: member lines, single blank lines between
        them, and the short value line under a bare key ("Location" / "Lake District")."""
        n = len(self.lines)

        def ok(k: int) -> bool:
            return k < n and k not in self.marks and (k in member or self._value_under_key(rule, k, keys))

        j = i
        while True:
            if ok(j + 1):
                j += 1
            elif j + 2 < n and self.lines[j + 1].blank and ok(j + 2) and (j + 2) in member:
                j += 2
            else:
                return j

    def _value_under_key(self, rule: Rule, k: int, keys: set[int]) -> bool:
        if k - 1 not in keys or self.lines[k].blank:
            return False
        content = self.text[self.lines[k].start:self.lines[k].end].strip()
        return len(content) <= rule.absorb_max_chars and not _SENTENCE_END.search(content)

    def _absorb_before(self, rule: Rule, first: int, member: set[int]) -> list[int]:
        """Member lines above a run, plus up to absorb_before short free-text lines (a poster's
        name and custom title); never the text's first line, never a sentence."""
        taken: list[int] = []
        free = 0
        k = first - 1
        while k >= 0:
            ln = self.lines[k]
            if ln.blank:
                k -= 1
                continue
            if k in self.marks or self.rank.get(k) == 0:
                break
            if k not in member:
                content = self.text[ln.start:ln.end].strip()
                if (free >= rule.absorb_before or len(content) > rule.absorb_max_chars
                        or len(_WORDS.findall(content)) > rule.absorb_max_words or _SENTENCE_END.search(content)):
                    break
                free += 1
            taken.append(k)
            k -= 1
        return sorted(taken)

    def span_rules(self) -> None:
        found: list[tuple[int, int, Mark]] = []
        for group in self.rules.span_groups:
            if group.unit not in self.tried:
                continue
            if group.anchored:
                if group.unit not in self.go:
                    continue
                hits = (group.match_parts(self.text, ln.start, may)
                        for ln, may in self.plan.candidates(group.unit, self.content) if ln.index not in self.marks)
            elif self.plan.lined(group.unit):  # only the lines that hold a rule's clauses, each once
                if group.unit not in self.go:
                    continue
                hits = ((m, group.rule_of(m)) for ln, _ in self.plan.candidates(group.unit, self.lines)
                        for m in group.regex.finditer(self.text, ln.start, ln.stop))
            elif self.plan.may_match(group.unit):
                hits = ((m, group.rule_of(m)) for m in group.regex.finditer(self.text))
            else:
                continue
            for hit in hits:
                if hit is None:
                    continue
                m, rule = hit
                s, e = m.span()
                if "\n" in self.text[s:e]:
                    continue
                ln = self.line_of(s)
                if ln.index in self.marks or not self.in_window(rule, ln) or e - s > rule.max_chars:
                    continue
                self.record(rule, m)
                if rule.action == "remove":
                    found.append((s, e, self.mark(rule)))
        found.sort(key=lambda x: (x[0], -x[1]))
        end = -1
        for s, e, mark in found:
            if s >= end:
                self.spans.append((s, e, mark))
                end = e

    def finish(self) -> StripResult:
        if not self.marks and not self.spans:  # nothing to remove (most texts): the text as it was
            return self.result
        removals = plan_removals(self.text, self.lines, self.marks, self.spans)
        self.result.removed = removals
        self.result.text = cleaned_text(self.text, removals)
        return self.result


def strip_text(text: str, lang: str | None, rules: RuleSet) -> StripResult:
    """Strip every enabled rule's matches from `text` (a document in language `lang`).

    Order: a repeated title, blocks to the end, whole-line rules, poster runs, then spans inside
    the lines left. `removed` offsets index `text`; rebuild_original(result.text,
    result.removed) == text.
    """
    return _strip(_Run(text, lang, rules))


def strip_texts(texts: Sequence[str], langs: Sequence[str | None], rules: RuleSet) -> list[StripResult]:
    """strip_text of each text (in language langs[i]), the keyword screen run over the texts
    together (dedupe.strip.batchscreen): the same results, a fraction of the time a text."""
    with collector_paused():  # many small objects, no cycles: a fifth of strip's time was collection
        lines = [split_lines(t) for t in texts]
        found = plans(rules.screen, texts, lines)
        return [_strip(_Run(t, lang, rules, ls, plan)) for t, lang, ls, plan in zip(texts, langs, lines, found)]


def _strip(run: _Run) -> StripResult:
    run.repeated_title()
    run.block_rules()
    run.line_rules()
    run.run_rules()
    run.span_rules()
    return run.finish()
