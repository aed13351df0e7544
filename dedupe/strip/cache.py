"""PatternCache: what checking and reading rule patterns found, kept between runs.

Loading the rule packs costs more than stripping a document: the `regex` module parses every
pattern in Python to check it compiles (and never matches the empty string), and the screen
reads each pattern's required literals. Both depend only on the pattern text, the `regex`
version and the literal reader's code, so their results are kept in one small JSON file in the
user's cache folder (`DEDUPE_CACHE_DIR`, else `$XDG_CACHE_HOME/dedupe`, else `~/.cache/dedupe`),
keyed by a hash of each pattern. A missing, stale or unreadable file only means the work is
done again; a folder that cannot be written is not an error. The rule groups' combined regexes
are compiled on first use (`rules.CompiledGroup`), so a run compiles only the groups its
documents need.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import regex

from dedupe.cachedir import cache_dir, write_cache_file
from dedupe.strip import literals as _literals_module
from dedupe.strip.literals import Literals, required_literals

_FORMAT = 1
_MAX_ENTRIES = 4096  # a cache fed by ever-changing user packs stays small


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _stamp() -> str:
    """What the cached results depend on besides the pattern: the file format, the regex module's
    version and the literal reader's source."""
    code = Path(_literals_module.__file__).read_bytes()
    return f"{_FORMAT}:{regex.__version__}:{hashlib.blake2b(code, digest_size=12).hexdigest()}"


def _encode(lit: Literals | None) -> Any:
    if lit is None:
        return None
    return {"c": [sorted(c) for c in lit.clauses], "g": [sorted(c) for c in lit.gates], "f": lit.folded,
            "w": lit.within_line, "l": None if lit.leading is None else sorted(lit.leading),
            "lw": lit.looks_within_line}


def _decode(data: Any) -> Literals | None:
    if data is None:
        return None
    return Literals(tuple(frozenset(c) for c in data["c"]), bool(data["f"]), bool(data["w"]),
                    tuple(frozenset(c) for c in data["g"]), None if data["l"] is None else frozenset(data["l"]),
                    bool(data["lw"]))


class PatternCache:
    """Patterns known to compile, and each pattern's literals, read from and saved to one file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else cache_dir() / "rule-patterns.json"
        self.stamp = _stamp()
        self.valid: dict[str, bool] = {}
        self.literals: dict[str, Any] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == self.stamp:
                self.valid = dict.fromkeys(data.get("valid", []), False)
                self.literals = {k: [v, False] for k, v in data.get("literals", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # no cache yet, or one this code cannot read: start afresh

    def compiles(self, source: str) -> bool:
        """True if `source` is known to have compiled (and passed its checks) before."""
        key = _digest(source)
        if key in self.valid:
            self.valid[key] = True  # used in this run: kept when the file is trimmed
            return True
        return False

    def add_valid(self, source: str) -> None:
        self.valid[_digest(source)] = True
        self.dirty = True

    def required_literals(self, pattern: str, ignore_case: bool) -> Literals | None:
        """dedupe.strip.literals.required_literals, from the cache when it is there."""
        key = _digest(pattern, str(ignore_case))
        entry = self.literals.get(key)
        if entry is not None:
            entry[1] = True
            try:
                return _decode(entry[0])
            except (KeyError, TypeError, ValueError):
                pass
        lit = required_literals(pattern, ignore_case)
        self.literals[key] = [_encode(lit), True]
        self.dirty = True
        return lit

    def save(self) -> None:
        """Write the cache (temp file, then rename) if anything was added; silently skip when the
        folder cannot be written."""
        if not self.dirty:
            return
        valid = sorted(self.valid, key=lambda k: not self.valid[k])[:_MAX_ENTRIES]
        lits = sorted(self.literals.items(), key=lambda kv: not kv[1][1])[:_MAX_ENTRIES]
        data = {"stamp": self.stamp, "valid": valid, "literals": {k: v[0] for k, v in lits}}
        if write_cache_file(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")):
            self.dirty = False


_SHARED: PatternCache | None = None


def shared_cache() -> PatternCache:
    """The process's cache (read once; a change of DEDUPE_CACHE_DIR is seen on the next call)."""
    global _SHARED
    path = cache_dir() / "rule-patterns.json"
    if _SHARED is None or _SHARED.path != path:
        _SHARED = PatternCache(path)
    return _SHARED
