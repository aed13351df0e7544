"""Readers of the public data sets the default model is trained and scored on (../shared/data).

Each returns labeled Examples; what a label means for each set is decided here, in one place:
- hplt-quality: `unnatural` -> low_quality (other labels unknown);
- mt-de-en docs: Google and DeepL output -> machine_translated 1, the human reference -> 0, grouped
  by source document (the DeepL dev file splits document 68 over two lines; they are joined);
- mt-de-en train-docs (WMT 2008-2018, `wmt_de_en_years`): DeepL and Google output -> 1, human
  translations and original English news -> 0, with year and system in the record;
- mt-ar: both systems' Arabic output -> machine_translated 1, grouped by source document;
- extraction-aeb: gold bodies of real (mostly English) news and blog pages -> machine_translated 0,
  low_quality 0;
- arabic-news: human-written Arabic news -> machine_translated 0; syndicated 1 when the article is
  in a same-story pair sharing agency copy (containment of word 5-grams >= 0.3) or the strip stage
  found a wire, agency or press-release credit in it, else 0; same-story pairs share a group;
- the five seeds and the sample corpus: labels as docs/model-card.md lists them.
Texts are read at run time and never copied into the project.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from dedupe.document import Document
from dedupe.lang import normalize_lang
from dedupe.quality.training import Example

# seed number -> labels (DESIGN.md's seeds table; None = not stated, so not trained on)
SEED_LABELS: dict[str, dict[str, int | None]] = {
    "000": {"syndicated": 1, "machine_translated": None, "low_quality": 0},  # autoblog copy of a TASS wire story
    "001": {"syndicated": 1, "machine_translated": 1, "low_quality": 0},     # forum copy of a translated article
    "002": {"syndicated": 1, "machine_translated": 1, "low_quality": 0},     # press-release wire, machine-translated
    "003": {"syndicated": None, "machine_translated": 1, "low_quality": 0},  # machine-translated news, English origin
    "004": {"syndicated": 1, "machine_translated": 1, "low_quality": 0},     # machine-translated, credited to agencies
}
CREDIT_PREFIXES = ("wire:", "credit:", "prwire:")


def _targets(labels: dict[str, int | None]) -> dict[str, int]:
    return {k: int(v) for k, v in labels.items() if v is not None}


def hplt_quality(path: Path) -> list[Example]:
    """HPLT v2 inspection rows: `unnatural` (word lists, boilerplate, SEO text) -> low_quality."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            row = json.loads(line)
            doc = Document(id=f"hplt:{row['id']}", text=row["text_show"], lang=normalize_lang(row["lang"]),
                           where=f"{path}:{n}", input_order=n, record={"corpus": "hplt", "hplt_lang": row["lang"]})
            out.append(Example(doc, {"low_quality": int(bool(row["unnatural"]))}, doc.id, batch="hplt"))
    return out


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def mt_de_en(root: Path) -> list[Example]:
    """Document-level WMT18 de->en: human reference vs Google and DeepL output, one group per source."""
    docs = root / "docs"
    human = [l for l in _lines(docs / "google/dev/trans_en_wmt18.txt") if l.strip()]
    google = [l for l in _lines(docs / "google/dev/org_de_wmt18.txt.en.google") if l.strip()]
    deepl_lines = [l for l in _lines(docs / "deepl/dev/org_de_wmt18.deepl.en") if l.strip()]
    if len(deepl_lines) == len(human) + 1:  # one document broken over two lines (a stray newline)
        split_at = next(i for i, line in enumerate(deepl_lines) if line.startswith(" "))
        deepl_lines[split_at - 1 : split_at + 1] = [deepl_lines[split_at - 1] + deepl_lines[split_at]]
    if not (len(human) == len(google) == len(deepl_lines)):
        raise ValueError(f"{docs}: documents are not aligned ({len(human)}, {len(google)}, {len(deepl_lines)})")
    out = []
    for i, (h, g, d) in enumerate(zip(human, google, deepl_lines)):
        for kind, text, mt in (("human", h, 0), ("google", g, 1), ("deepl", d, 1)):
            doc = Document(id=f"wmt18-de-en:{i}:{kind}", text=text, lang="en", input_order=i,
                           record={"corpus": "mt-de-en", "system": kind})
            out.append(Example(doc, {"machine_translated": mt, "low_quality": 0}, f"wmt18:{i}", batch=doc.id))
    return out


WMT_YEARS_SYSTEMS: dict[str, str] = {"deepl": "deepl.en", "google": "txt.en.google"}  # folder -> MT file suffix


def _documents(path: Path) -> list[str]:
    """One document per line; a line that starts with a space continues the previous one (the DeepL
    files break a few documents at a stray newline, the matching Google and human files do not)."""
    docs: list[str] = []
    for line in _lines(path):
        if not line.strip():
            continue
        if line[:1].isspace() and docs:
            docs[-1] += line
        else:
            docs.append(line)
    return docs


def wmt_de_en_years(root: Path, years: range | list[int] = range(2008, 2019)) -> list[Example]:
    """mt-de-en/train-docs, one document per line, with year and system kept as group metadata.

    Per year: `org_de_wmtYY.*` (DeepL and Google output for German originals) and `trans_de_wmtYY.*`
    (their output for human German translations of English originals) are machine_translated 1;
    `trans_en_wmtYY.txt` (the human translation of the German originals) and `org_en_wmtYY.txt`
    (original English news, never translated) are 0. Line i of `org_de`/`trans_en` come from one German
    source, line i of `org_en`/`trans_de` from one English one: each such set is one group. The human
    files are identical in both system folders and read once. Record: corpus `wmt-de-en`, `year`,
    `system` (deepl, google, human, original) and `side` (de: German original, en: English original).
    Only machine_translated is stated: low_quality keeps the training data it had.
    """
    base = root / "train-docs"
    out: list[Example] = []
    n = 0
    for year in years:
        yy = f"{year % 100:02d}"
        sides = (("de", f"org_de_wmt{yy}", "trans_en", f"trans_en_wmt{yy}.txt", "human"),
                 ("en", f"trans_de_wmt{yy}", "org_en", f"org_en_wmt{yy}.txt", "original"))
        for side, mt_stem, _, human_name, human_kind in sides:
            human_path = base / "google" / human_name
            mt_paths = {s: base / s / f"{mt_stem}.{suffix}" for s, suffix in WMT_YEARS_SYSTEMS.items()}
            if not human_path.exists() and not any(p.exists() for p in mt_paths.values()):
                continue
            texts = {human_kind: _documents(human_path)}
            texts.update({s: _documents(p) for s, p in mt_paths.items()})
            counts = {k: len(v) for k, v in texts.items()}
            if len(set(counts.values())) != 1:
                raise ValueError(f"{base}: wmt{yy} {side}-side documents are not aligned ({counts})")
            for kind, docs in texts.items():
                mt = int(kind in WMT_YEARS_SYSTEMS)
                for i, text in enumerate(docs):
                    doc = Document(id=f"wmt{yy}-{side}:{i}:{kind}", text=text, lang="en", input_order=n,
                                   record={"corpus": "wmt-de-en", "year": year, "system": kind, "side": side})
                    n += 1
                    out.append(Example(doc, {"machine_translated": mt}, f"wmt{yy}-{side}:{i}", batch=doc.id))
    return out


def mt_ar(path: Path) -> list[Example]:
    """WMT25 English->Arabic system outputs: machine_translated positives, grouped by source document."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            row = json.loads(line)
            doc = Document(id=f"wmt25:{row['system']}:{row['doc_id']}", text=row["hypothesis"], lang="ar",
                           input_order=n, record={"corpus": "mt-ar", "system": row["system"]})
            out.append(Example(doc, {"machine_translated": 1, "low_quality": 0}, f"wmt25:{row['doc_id']}", batch=doc.id))
    return out


def arabic_news(root: Path, agency_containment: float = 0.3) -> list[Example]:
    """Human-written Arabic news; same-story pairs grouped; agency-copy pairs syndicated (see module doc)."""
    articles = [json.loads(l) for l in (root / "articles.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    parent = {a["id"]: a["id"] for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    shared_copy: set[str] = set()
    with (root / "pairs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["pair_id"].split("_")
            if a in parent and b in parent:
                parent[find(a)] = find(b)
                if float(row["containment5"]) >= agency_containment:
                    shared_copy.update((a, b))
    out = []
    for n, a in enumerate(articles):
        doc = Document(id=f"arabic-news:{a['id']}", text=a["text"], url=a["url"], lang="ar",
                       published=a.get("publish_date"), input_order=n, record={"corpus": "arabic-news"})
        targets = {"machine_translated": 0, "low_quality": 0, "syndicated": int(a["id"] in shared_copy)}
        out.append(Example(doc, targets, f"arabic-news:{find(a['id'])}", batch="arabic-news"))
    return out


def extraction_aeb(path: Path) -> list[Example]:
    """Gold article bodies of real news and blog pages (mostly English, written by people):
    machine_translated 0 and low_quality 0, so English originals are not mistaken for translations."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for n, (key, entry) in enumerate(sorted(gold.items())):
        body = entry.get("articleBody") or ""
        if not body.strip():
            continue
        doc = Document(id=f"aeb:{key[:16]}", text=body, url=entry.get("url"), input_order=n,
                       record={"corpus": "extraction-aeb"})
        out.append(Example(doc, {"machine_translated": 0, "low_quality": 0}, doc.id, batch="extraction-aeb"))
    return out


def seeds(folder: Path) -> list[Example]:
    """The five seed articles with DESIGN.md's labels, each its own group (with its reposts)."""
    out = []
    for n, path in enumerate(sorted(folder.glob("*.txt"))):
        number = path.name[:3]
        doc = Document(id=f"seed-{number}", text=path.read_text(encoding="utf-8"), input_order=n,
                       record={"corpus": "seeds"})
        out.append(Example(doc, _targets(SEED_LABELS[number]), f"seed-{number}", batch="seeds"))
    return out


def sample_corpus(path: Path) -> list[Example]:
    """fixtures/sample/corpus.jsonl: reposts of the seeds carry the seed's labels and are syndicated copies;
    the local news items are originals (a `-copy` of one is syndicated)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        rid = row["id"]
        if rid.startswith("seed-"):
            number = rid[5:8]
            labels = dict(SEED_LABELS[number])
            if rid != f"seed-{number}":
                labels["syndicated"] = 1
            group = f"seed-{number}"
        else:
            labels = {"syndicated": int(rid.endswith("-copy")), "machine_translated": 0, "low_quality": 0}
            group = rid.removesuffix("-copy")
        doc = Document(id=f"sample:{rid}", text=row["text"], url=row.get("url"), lang=row.get("lang"),
                       published=row.get("published"), input_order=n, record={"corpus": "sample"})
        out.append(Example(doc, _targets(labels), group, batch="sample"))
    return out


def credited_as_syndicated(examples: list[Example]) -> None:
    """After stripping: an arabic-news article with a wire, agency or press-release credit is syndicated."""
    for e in examples:
        if e.doc.record.get("corpus") == "arabic-news" and any(s.startswith(CREDIT_PREFIXES) for s in e.doc.signals):
            e.targets["syndicated"] = 1
