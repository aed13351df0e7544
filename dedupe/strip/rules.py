"""Rule packs: load `rules/*.toml` (plus user folders), validate them, compile what a run needs.

A pack is one TOML file: a `[pack]` table (languages, default signal, `[pack.vars]` pattern
snippets), `[[rules]]` and optional `[[aliases]]` (credit names -> signal). See dedupe/strip/packs.md
for the format. Patterns of one pack and one match kind are joined into one alternation with a
named group per rule, so a document costs a handful of regex scans, not one per rule per line.
A group's regex is compiled on the first line its screen lets through; what checking and reading
the patterns found is kept between runs (dedupe.strip.cache).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from dedupe.errors import ConfigError
from dedupe.regexcache import compile_cached
from dedupe.strip.cache import PatternCache, shared_cache
from dedupe.strip.literals import required_literals
from dedupe.strip.screen import BLOCK, LINE, RUN, SCAN, SPAN, Screen

CATEGORIES = (
    "ad_marker",
    "forum_chrome",
    "site_chrome",
    "wire_footer",
    "dateline",
    "byline",
    "source_line",
    "signal_only",
)
KINDS = ("line", "span", "block", "run", "repeated_title")
WHERES = ("any", "head", "tail")
ACTIONS = ("remove", "signal")

# horizontal space a line may carry around its content (incl. NBSP and bidi marks)
HSPACE = r"[ \t\u00a0\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"

_ID = regex.compile(r"[a-z0-9][a-z0-9_-]*")
_RULE_KEYS = {
    "id", "category", "match", "pattern", "languages", "signal", "foreign_signal", "ui_lang",
    "where", "window", "action", "max_chars", "max_share", "ignore_case", "lines", "anchor",
    "min_anchors", "key", "absorb_before", "absorb_max_words", "absorb_max_chars", "credit_group",
    "description",
}
_PACK_KEYS = {"name", "description", "version", "languages", "signal", "vars"}


@dataclass(frozen=True)
class Rule:
    """One boilerplate pattern: what it matches, how, where, and what it records."""

    id: str  # "<pack>.<rule id>", unique across the rule set
    pack: str
    category: str
    kind: str
    pattern: str = ""
    languages: tuple[str, ...] = ("*",)
    signals: tuple[str, ...] = ()
    foreign_signal: str = ""
    ui_lang: str = ""
    where: str = "any"
    window: int = 6
    action: str = "remove"
    max_chars: int = 400
    max_share: float = 0.5
    ignore_case: bool = True
    lines: tuple[str, ...] = ()
    anchor: str = ""
    key: str = ""  # run: a bare key line ("Location"); the short line under it is its value
    min_anchors: int = 2
    absorb_before: int = 0
    absorb_max_words: int = 4
    absorb_max_chars: int = 40
    credit_group: str = "credit"

    def applies_to(self, lang: str | None) -> bool:
        """True if the rule runs on a document of language `lang` (None/"und": every rule runs)."""
        return lang_matches(self.languages, lang)


@dataclass
class Pack:
    """One rule file: its name, where it came from, its rules and credit aliases."""

    name: str
    path: str
    languages: tuple[str, ...]
    rules: list[Rule] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # normalised name -> signal


def lang_matches(languages: Sequence[str], lang: str | None) -> bool:
    """True if a rule for `languages` runs on a document in `lang` (None or "und": every rule)."""
    if lang is None or lang in ("", "und") or "*" in languages:
        return True
    primary = lang.lower().split("-")[0].split("_")[0]
    return primary in languages or lang.lower() in languages


def alias_key(name: str) -> str:
    """How a credit name is compared: casefold, no dots, spaces, tatweel or hamza/alef variants."""
    out = name.casefold()
    out = regex.sub(r"[\p{Mn}\u0640]", "", out)
    out = out.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"}))
    return regex.sub(r"[\s.\-_'’`/()]+", "", out)


class _PackReader:
    """Turns one parsed TOML file into a Pack, raising ConfigError naming the file and rule id."""

    def __init__(self, path: str, data: dict[str, Any], cache: PatternCache | None = None):
        self.path = path
        self.data = data
        self.cache = cache

    def fail(self, problem: str, rule_id: str | None = None) -> ConfigError:
        where = f"{self.path}: rule {rule_id!r}" if rule_id else self.path
        return ConfigError(f"{where}: {problem}")

    def read(self) -> Pack:
        data = self.data
        unknown = set(data) - {"pack", "rules", "aliases"}
        if unknown:
            raise self.fail(f"unknown table(s) {sorted(unknown)}")
        head = data.get("pack")
        if not isinstance(head, dict):
            raise self.fail("missing [pack] table")
        bad = set(head) - _PACK_KEYS
        if bad:
            raise self.fail(f"unknown [pack] key(s) {sorted(bad)}")
        name = head.get("name", Path(self.path).stem)
        if not isinstance(name, str) or not _ID.fullmatch(name):
            raise self.fail(f"pack name {name!r} must be lower-case letters, digits, - or _")
        languages = self._languages(head.get("languages", ["*"]), None)
        default_signal = head.get("signal", "")
        variables = head.get("vars", {})
        if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
            raise self.fail("[pack.vars] must map names to pattern strings")
        variables = self._resolve(variables)
        pack = Pack(name=name, path=self.path, languages=languages)
        for entry in self._list("aliases"):
            signal = entry.get("signal")
            names = entry.get("names")
            if not isinstance(signal, str) or not isinstance(names, list) or not names:
                raise self.fail("each [[aliases]] needs a signal and a non-empty names list")
            for n in names:
                pack.aliases[alias_key(str(n))] = signal
        seen: set[str] = set()
        for raw in self._list("rules"):
            rule = self._rule(raw, name, languages, default_signal, variables)
            if rule.id in seen:
                raise self.fail("duplicate rule id", rule.id)
            seen.add(rule.id)
            pack.rules.append(rule)
        return pack

    def _resolve(self, variables: dict[str, str]) -> dict[str, str]:
        """Expand {{var}} inside other vars (a var may use any var defined in the pack)."""
        out = dict(variables)
        for _ in range(len(out) + 1):
            changed = False
            for name, value in out.items():
                for var, sub in out.items():
                    if var != name and "{{" + var + "}}" in value:
                        value = value.replace("{{" + var + "}}", sub)
                        changed = True
                out[name] = value
            if not changed:
                return out
        raise self.fail("[pack.vars] refer to each other in a loop")

    def _list(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"[[{key}]] must be an array of tables")
        return value

    def _languages(self, value: Any, rule_id: str | None) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail("languages must be a non-empty list of language codes or \"*\"", rule_id)
        return tuple(v.lower() for v in value)

    def _pattern(self, text: Any, variables: dict[str, str], rule_id: str, key: str) -> str:
        if not isinstance(text, str) or not text.strip():
            raise self.fail(f"{key} must be a non-empty string", rule_id)
        for var, value in variables.items():
            text = text.replace("{{" + var + "}}", value)
        left = regex.search(r"\{\{(\w+)\}\}", text)
        if left:
            raise self.fail(f"{key} uses undefined variable {left.group(1)!r}", rule_id)
        text = single_line(text)
        if self.cache is not None and self.cache.compiles(text):
            return text  # checked by an earlier run (the regex module parses slowly, in Python)
        try:
            compiled = regex.compile(text, regex.V0)
        except regex.error as exc:
            raise self.fail(f"{key} is not a valid regular expression: {exc}", rule_id) from None
        if compiled.search(""):
            raise self.fail(f"{key} matches the empty string", rule_id)
        if self.cache is not None:
            self.cache.add_valid(text)
        return text

    def _rule(self, raw: dict[str, Any], pack: str, languages: tuple[str, ...],
              default_signal: Any, variables: dict[str, str]) -> Rule:
        short = raw.get("id")
        if not isinstance(short, str) or not _ID.fullmatch(short):
            raise self.fail(f"rule id {short!r} must be lower-case letters, digits, - or _")
        rid = f"{pack}.{short}"
        bad = set(raw) - _RULE_KEYS
        if bad:
            raise self.fail(f"unknown key(s) {sorted(bad)}", rid)
        category = raw.get("category")
        if category not in CATEGORIES:
            raise self.fail(f"category must be one of {', '.join(CATEGORIES)}", rid)
        kind = raw.get("match", "line")
        if kind not in KINDS:
            raise self.fail(f"match must be one of {', '.join(KINDS)}", rid)
        where = raw.get("where", "any")
        if where not in WHERES:
            raise self.fail(f"where must be one of {', '.join(WHERES)}", rid)
        action = raw.get("action", "remove")
        if action not in ACTIONS:
            raise self.fail(f"action must be one of {', '.join(ACTIONS)}", rid)
        signal = raw.get("signal", default_signal)
        if isinstance(signal, str):
            signals = (signal,) if signal else ()
        elif isinstance(signal, list) and all(isinstance(s, str) for s in signal):
            signals = tuple(s for s in signal if s)
        else:
            raise self.fail("signal must be a string or a list of strings", rid)
        kwargs: dict[str, Any] = {}
        for key, typ in (("window", int), ("max_chars", int), ("max_share", (int, float)),
                         ("min_anchors", int), ("absorb_before", int), ("absorb_max_words", int),
                         ("absorb_max_chars", int), ("ignore_case", bool), ("foreign_signal", str),
                         ("ui_lang", str), ("credit_group", str)):
            if key in raw:
                if not isinstance(raw[key], typ) or (typ is int and isinstance(raw[key], bool)):
                    raise self.fail(f"{key} has the wrong type", rid)
                kwargs[key] = raw[key]
        pattern = ""
        lines: tuple[str, ...] = ()
        anchor = ""
        key = ""
        if kind in ("line", "span", "block"):
            pattern = self._pattern(raw.get("pattern"), variables, rid, "pattern")
        elif kind == "run":
            raw_lines = raw.get("lines")
            if not isinstance(raw_lines, list) or not raw_lines:
                raise self.fail("a run rule needs a non-empty lines list", rid)
            lines = tuple(self._pattern(p, variables, rid, "lines") for p in raw_lines)
            anchor = self._pattern(raw.get("anchor"), variables, rid, "anchor")
            key = self._pattern(raw["key"], variables, rid, "key") if "key" in raw else ""
        return Rule(
            id=rid, pack=pack, category=category, kind=kind, pattern=pattern,
            languages=self._languages(raw["languages"], rid) if "languages" in raw else languages,
            signals=signals, where=where, action=action, lines=lines, anchor=anchor, key=key, **kwargs,
        )


_HSPACE_SET = r" \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"


def single_line(pattern: str) -> str:
    r"""The pattern with every \s kept off line breaks, so no rule can match across lines.

    Outside a class \s becomes [^\S\n]; inside a positive class it becomes horizontal space;
    inside a negated class it stays (there it already excludes line breaks).
    """
    out: list[str] = []
    i = 0
    in_class = False
    negated = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair == "\\s":
                if not in_class:
                    out.append(r"[^\S\n]")
                elif negated:
                    out.append(pair)
                else:
                    out.append(_HSPACE_SET)
            else:
                out.append(pair)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            negated = pattern[i + 1:i + 2] == "^"
        elif c == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(c)
        if c == "[" and in_class and negated:
            out.append("^")
            i += 2
            continue
        i += 1
    return "".join(out)


def _flags(rule: Rule) -> str:
    return "(?i:" if rule.ignore_case else "(?-i:"


class _Lazy:
    """A regex compiled on first use: most groups never meet a line their screen lets through."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str, compiled: regex.Pattern[str] | None = None):
        self.source = source
        self._compiled = compiled

    def get(self) -> regex.Pattern[str]:
        if self._compiled is None:
            self._compiled = compile_cached(self.source)  # compiled by an earlier run: read back in ~1 ms
        return self._compiled


@dataclass
class CompiledGroup:
    """Rules of one pack, one kind and one language set, joined into one regex.

    Line-anchored span rules are kept as one regex per rule instead (`parts`): a line is tried
    only against the rules the screen lets through, in rule order, which gives the same first
    match as their alternation. Each regex is compiled on first use.
    """

    rules: dict[str, Rule]  # group name -> rule
    lazy: _Lazy | None
    languages: tuple[str, ...]
    anchored: bool = True  # every pattern starts at a line start: tried once per line, not scanned
    unit: int = -1  # its unit in the RuleSet's Screen
    lazy_parts: list[tuple[_Lazy, Rule]] = field(default_factory=list)

    @property
    def regex(self) -> regex.Pattern[str] | None:
        """The group's alternation (None for line-anchored span rules, tried one by one)."""
        return None if self.lazy is None else self.lazy.get()

    @property
    def parts(self) -> list[tuple[regex.Pattern[str], Rule]]:
        return [(lazy.get(), rule) for lazy, rule in self.lazy_parts]

    def rule_of(self, m: regex.Match[str]) -> Rule:
        """The rule whose alternative produced match `m`."""
        name = m.lastgroup
        if name in self.rules:
            return self.rules[name]
        for name, rule in self.rules.items():  # a rule's own groups closed last
            if m.group(name) is not None:
                return rule
        raise AssertionError("match without a rule group")

    def match_parts(self, text: str, pos: int, may: int) -> tuple[regex.Match[str], Rule] | None:
        """The first rule among those flagged in `may` (bit i: the i-th rule) matching at `pos`."""
        for i, (lazy, rule) in enumerate(self.lazy_parts):
            if may >> i & 1:
                m = lazy.get().match(text, pos)
                if m is not None:
                    return m, rule
        return None


@dataclass
class CompiledRun:
    """A run rule with its member-line and anchor-line regexes (compiled on first use)."""

    rule: Rule
    lazy_member: _Lazy
    lazy_anchor: _Lazy
    lazy_key: _Lazy | None
    unit: int = -1  # the anchor's unit in the RuleSet's Screen

    @property
    def member(self) -> regex.Pattern[str]:
        return self.lazy_member.get()

    @property
    def anchor(self) -> regex.Pattern[str]:
        return self.lazy_anchor.get()

    @property
    def key(self) -> regex.Pattern[str] | None:
        return None if self.lazy_key is None else self.lazy_key.get()


class RuleSet:
    """Every enabled rule, compiled once; pass it to strip_text or Stripper.

    `screen=False` tries every rule on every line (the reference the screen is tested against).
    `cache` keeps pattern checks and literals between runs (None: no cache).
    """

    def __init__(self, packs: list[Pack], screen: bool = True, cache: PatternCache | None = None):
        self.packs = packs
        self.cache = cache
        self.screen = Screen(screen, cache.required_literals if cache is not None else required_literals)
        self.rules: list[Rule] = [r for p in packs for r in p.rules]
        self.aliases: dict[str, str] = {}
        for p in packs:
            self.aliases.update(p.aliases)
        self.line_groups = self._compile("line")
        self.span_groups = self._compile("span")
        self.block_groups = self._compile("block")
        self.runs = [
            CompiledRun(
                r,
                self._checked(_line_regex([(f"_m{i}", _flags(r) + p + ")") for i, p in enumerate(r.lines)])),
                self._checked(_line_regex([("_a", _flags(r) + r.anchor + ")")])),
                self._checked(_line_regex([("_k", _flags(r) + r.key + ")")])) if r.key else None,
            )
            for r in self.rules if r.kind == "run"
        ]
        self.title_rules = [r for r in self.rules if r.kind == "repeated_title"]
        for kind, groups in ((LINE, self.line_groups), (BLOCK, self.block_groups), (SPAN, self.span_groups)):
            for g in groups:
                unit_kind = SCAN if kind == SPAN and not g.anchored else kind
                g.unit = self.screen.add_unit(unit_kind, [(r.pattern, r.ignore_case, r.where, r.window, r.max_chars)
                                                          for r in g.rules.values()])
        for run in self.runs:
            run.unit = self.screen.add_unit(RUN, [(run.rule.anchor, run.rule.ignore_case, "any", 0, 0)])
        if cache is not None:
            cache.save()

    def _checked(self, source: str) -> _Lazy:
        """A lazily compiled regex; compiled now (so an error shows at load) unless the cache
        knows it compiles."""
        if self.cache is not None and self.cache.compiles(source):
            return _Lazy(source)
        compiled = compile_cached(source)
        if self.cache is not None:
            self.cache.add_valid(source)
        return _Lazy(source, compiled)

    @classmethod
    def load(cls, extra_dirs: Iterable[str] = (), disable: Iterable[str] = (), screen: bool = True,
             cache: bool = True) -> RuleSet:
        """The packaged packs plus every `*.toml` in `extra_dirs`, minus disabled rules or packs.

        `cache`: keep pattern checks and literals in the user's cache folder (dedupe.strip.cache)."""
        store = shared_cache() if cache else None
        packs: list[Pack] = []
        root = resources.files("dedupe.rules")
        for entry in sorted(root.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                packs.append(_read_pack(f"dedupe/rules/{entry.name}", entry.read_text(encoding="utf-8"), store))
        for folder in extra_dirs:
            path = Path(folder)
            if not path.is_dir():
                raise ConfigError(f"{folder}: rule pack folder not found")
            files = sorted(path.glob("*.toml"))
            if not files:
                raise ConfigError(f"{folder}: no *.toml rule packs in this folder")
            for f in files:
                try:
                    text = f.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"{f}: cannot read rule pack: {exc}") from None
                packs.append(_read_pack(str(f), text, store))
        names: dict[str, str] = {}
        ids: dict[str, str] = {}
        for p in packs:
            if p.name in names:
                raise ConfigError(f"{p.path}: pack name {p.name!r} is already used by {names[p.name]}")
            names[p.name] = p.path
            for r in p.rules:
                ids[r.id] = p.path
        off = set(disable)
        unknown = sorted(off - set(names) - set(ids))
        if unknown:
            raise ConfigError(f"--disable: no rule or pack named {', '.join(map(repr, unknown))}")
        kept: list[Pack] = []
        for p in packs:
            if p.name in off:
                continue
            p.rules = [r for r in p.rules if r.id not in off]
            kept.append(p)
        return cls(kept, screen, store)

    def _compile(self, kind: str) -> list[CompiledGroup]:
        groups: list[CompiledGroup] = []
        for pack in self.packs:
            by_key: dict[tuple[tuple[str, ...], bool], list[Rule]] = {}
            for r in pack.rules:
                if r.kind == kind:
                    anchored = kind != "span" or r.pattern.startswith("^")
                    by_key.setdefault((r.languages, anchored), []).append(r)
            for (langs, anchored), rules in by_key.items():
                named = {f"_r{i}": r for i, r in enumerate(rules)}
                alts = [(n, _flags(r) + r.pattern + ")") for n, r in named.items()]
                try:
                    if kind == "span" and anchored:
                        parts = [(self._checked(_span_regex([alt])), r) for alt, r in zip(alts, rules)]
                        groups.append(CompiledGroup(named, None, langs, anchored, lazy_parts=parts))
                        continue
                    source = _line_regex(alts) if kind in ("line", "block") else _span_regex(alts)
                    compiled = self._checked(source)
                except regex.error as exc:  # a clash between rules of one pack
                    raise ConfigError(f"{pack.path}: rules do not compile together: {exc}") from None
                groups.append(CompiledGroup(named, compiled, langs, anchored))
        return groups


def _line_regex(alternatives: list[tuple[str, str]]) -> str:
    """A MULTILINE regex matching a whole line whose content is one of the alternatives."""
    body = "|".join(f"(?P<{name}>{pat})" for name, pat in alternatives)
    return rf"(?m)^{HSPACE}*(?:{body}){HSPACE}*\r?$"


def _span_regex(alternatives: list[tuple[str, str]]) -> str:
    body = "|".join(f"(?P<{name}>{pat})" for name, pat in alternatives)
    return rf"(?m)(?:{body})"


def _read_pack(path: str, text: str, cache: PatternCache | None = None) -> Pack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _PackReader(path, data, cache).read()
