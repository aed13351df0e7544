#!/usr/bin/env python3
"""Build the bundled sample corpus (fixtures/sample/) from the five seeds and hand-written articles.

Deterministic (fixed random seed, no network, stdlib only): running it twice writes the same bytes.
Reads the five seeds from ../shared/seeds (or $DEDUPE_SHARED/seeds, or --seeds) and the
project's own articles from fixtures/sample/src/articles.toml; writes fixtures/sample/corpus.jsonl
and fixtures/sample/gold.json.
See fixtures/sample/README.md for what each document is.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "fixtures" / "sample"
ARTICLES = OUT_DIR / "src" / "articles.toml"
RANDOM_SEED = 20240310

# --------------------------------------------------------------------------------------------
# Seeds: file, record fields, and which lines are the seed site's own chrome (not the article).
# A re-post copies the article body; the chrome listed here stays with the seed only.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSpec:
    """Where one seed lives, and how to split its text into title, body paragraphs and chrome."""

    number: str
    url: str
    published: str
    has_title: bool
    chrome_prefixes: tuple[str, ...]


SEEDS = (
    SeedSpec(
        "000",
        "https://wakalat-news24.com/2024/03/10/japan-us-defense-production-ukraine/",
        "2024-03-10T14:32:00+03:00",
        True,
        ("[ad_1]", "[ad_2]", "المصدر"),
    ),
    SeedSpec(
        "001",
        "https://muntada-altahaluf.net/threads/us-japan-weapons-production-base.48213/",
        "2024-06-11T21:05:00+03:00",
        True,
        ("صبيان نجد", "التحالف يجمعنا", "طاقم الإدارة", "مشرف", "إنضم", "29/9/21", "المشاركات",
         "4,747", "التفاعلات", "13,094", "1000279983.jpg", "عودة", "أعلى"),
    ),
    SeedSpec(
        "002",
        "https://sharq-business-wire.com/news/japan-kishida-defense-ties-biden-meeting",
        "2024-04-05T09:30:00+00:00",
        True,
        ("يتم توفير المقال", "القطاعات:", "يوفر SeaPRwire"),
    ),
    SeedSpec(
        "003",
        "https://alyaum-alamriki.com/japan-signs-tomahawk-deal/amp/",
        "2024-01-18T16:45:00+03:00",
        False,
        ("شاركها.", "اترك تعليقاً", "Exit mobile version"),
    ),
    SeedSpec(
        "004",
        "https://viet-arabic-news.com/world/us-new-military-command-japan-305266.html",
        "2024-07-29T07:10:00+07:00",
        False,
        ("[إعلان رقم 2]", "المصدر:", "تعليق (0)"),
    ),
)

# Titles the seeds without a title line were published under (written for the project, from
# the stories' subject), used by re-posts that show one.
TITLE_003 = "اليابان توقع عقدا لشراء 400 صاروخ توماهوك من الولايات المتحدة"
TITLE_004 = "الولايات المتحدة تعلن إنشاء قيادة عسكرية جديدة في اليابان"


@dataclass
class Seed:
    """A seed's record text as scraped, plus its article title and body paragraphs."""

    spec: SeedSpec
    text: str
    title: str | None
    body: list[str]

    @property
    def id(self) -> str:
        return f"seed-{self.spec.number}"


def load_seed(seeds_dir: Path, spec: SeedSpec) -> Seed:
    """Read one seed file and split it; fail loudly if the expected chrome is not where it was."""
    matches = sorted(seeds_dir.glob(f"{spec.number}_*.txt"))
    if len(matches) != 1:
        raise SystemExit(f"{seeds_dir}: expected one seed file {spec.number}_*.txt, "
                         f"found {len(matches)}")
    text = matches[0].read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if spec.has_title else None
    body: list[str] = []
    seen_prefixes: set[str] = set()
    for index, line in enumerate(lines):
        if spec.has_title and (index == 0 or line == title):
            continue
        prefix = next((p for p in spec.chrome_prefixes if line.startswith(p)), None)
        if prefix is not None:
            seen_prefixes.add(prefix)
            continue
        body.append(line)
    missing = set(spec.chrome_prefixes) - seen_prefixes
    if missing:
        raise SystemExit(f"{matches[0]}: chrome lines not found: {sorted(missing)}")
    return Seed(spec, text, title, body)


# --------------------------------------------------------------------------------------------
# Edits a re-posting site makes. Each takes and returns a list of paragraphs.
# --------------------------------------------------------------------------------------------

TASHKEEL = ("\u064e", "\u0650", "\u064f", "\u0651")  # fatha, kasra, damma, shadda
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_WORD = re.compile(r"[\u0621-\u064a]{4,}")


def spelling_variants(paras: list[str], rng: random.Random, alef: float, ya: float,
                      ta: float) -> list[str]:
    """Respell words as careless sites do: hamzated alef to bare alef, final ى→ي, final ة→ه."""

    def respell(match: re.Match[str]) -> str:
        word = match.group(0)
        if rng.random() < alef:
            word = word.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
        if word.endswith("ى") and rng.random() < ya:
            word = word[:-1] + "ي"
        if word.endswith("ة") and rng.random() < ta:
            word = word[:-1] + "ه"
        return word

    return [re.sub(r"[\u0621-\u064a]+", respell, p) for p in paras]


def add_tashkeel(paras: list[str], rng: random.Random, words: int) -> list[str]:
    """Put one short vowel or shadda on a few words, after the stem's first consonant."""
    spots = []
    for i, p in enumerate(paras):
        for m in ARABIC_WORD.finditer(p):
            at = m.start() + (2 if m.group(0).startswith("ال") else 0)
            if p[at] not in "اأإآوىيءة":
                spots.append((i, at + 1))
    chosen = sorted(rng.sample(spots, words), reverse=True)
    out = list(paras)
    for i, at in chosen:
        mark = TASHKEEL[rng.randrange(len(TASHKEEL))]
        if out[i][at:at + 1] == "ا":
            mark = "\u064e"  # only a fatha sits before a long alef
        out[i] = out[i][:at] + mark + out[i][at:]
    return out


def indic_digits(paras: list[str]) -> list[str]:
    """ASCII digits to Arabic-Indic digits, as many Arabic sites print them."""
    return [p.translate(INDIC) for p in paras]


def truncate(paras: list[str], fraction: float) -> list[str]:
    """Keep the first `fraction` of the body's words, cut at a word boundary, paragraphs kept."""
    total = sum(len(p.split()) for p in paras)
    budget = round(total * fraction)
    out: list[str] = []
    for p in paras:
        words = p.split()
        if budget <= 0:
            break
        out.append(" ".join(words[:budget]) + (" ..." if len(words) > budget else ""))
        budget -= len(words)
    return out


def without(paras: list[str], *indexes: int) -> list[str]:
    """Drop paragraphs by index (negative indexes count from the end)."""
    drop = {i % len(paras) for i in indexes}
    return [p for i, p in enumerate(paras) if i not in drop]


def inserted(paras: list[str], index: int, paragraph: str) -> list[str]:
    """Add one paragraph the re-posting site wrote itself."""
    return paras[:index] + [paragraph] + paras[index:]


def join(*blocks: str | list[str]) -> str:
    """Blocks (strings or paragraph lists) separated by blank lines, as scrapers emit text."""
    flat: list[str] = []
    for block in blocks:
        flat.extend(block if isinstance(block, list) else [block])
    return "\n\n".join(flat)


def article_of(*blocks: str | list[str]) -> str:
    """Only the article body of a re-post: its paragraph lists, without title and chrome."""
    return join(*[b for b in blocks if isinstance(b, list)])


# Chrome of the invented re-posting sites (written for the project).
AUTOBLOG_FOLLOW = "تابعونا على قناتنا في تيليجرام لمتابعة آخر الأخبار العاجلة"
SHARE_LINE = "شارك هذا الخبر: فيسبوك | تويتر | واتساب | تيليجرام"
READ_ALSO = [
    "اقرأ أيضا: كوريا الجنوبية تعلن عن مناورات بحرية جديدة قرب سواحلها الشرقية",
    "اقرأ أيضا: أسعار النفط تتراجع مع ارتفاع المخزونات الأمريكية",
]
XF_FOOTER = "You must log in or register to reply here."


def xenforo_en(user: str, rank: str, joined: str, messages: str, reactions: str) -> str:
    """An English-UI XenForo poster block, one field per line."""
    return "\n".join([user, "", rank, "Joined", joined, "Messages", messages, "Reaction score",
                      reactions])


def autoblog(title: str, body: list[str]) -> tuple[str | list[str], ...]:
    """WP Automatic style: title twice, ad slots around the body, a follow line, a bare source."""
    return (title, title, "[ad_1]", body, "[ad_2]", AUTOBLOG_FOLLOW, "المصدر")


# Paragraphs the re-posting sites added (written for the project).
ADDED_002 = ("ويأتي ذلك في وقت تشهد فيه منطقة شرق آسيا سباقا متسارعا على التسلح، إذ رفعت عدة دول "
             "ميزانياتها الدفاعية خلال العامين الماضيين وسط مخاوف من اتساع رقعة التوترات البحرية "
             "وتزايد التدريبات العسكرية قرب الممرات التجارية.")
ADDED_004 = ("وتستضيف اليابان أكبر وجود عسكري أمريكي خارج الأراضي الأمريكية، إذ يتمركز فيها عشرات "
             "الآلاف من الجنود موزعين على قواعد عدة، أغلبها في جزيرة أوكيناوا جنوب البلاد، وهو ما "
             "يثير بين حين وآخر احتجاجات من السكان المحليين.")


# --------------------------------------------------------------------------------------------
# The documents.
# --------------------------------------------------------------------------------------------


@dataclass
class Doc:
    """One corpus record plus what the gold file says about it."""

    id: str
    url: str
    text: str
    published: str
    title: str | None = None
    lang: str | None = "ar"
    kind: str = "unrelated"
    copy_of: str | None = None
    edit: str | None = None
    article: str = ""  # the article body without title and chrome (for jaccard5_body)

    def record(self) -> dict:
        rec: dict = {"id": self.id, "url": self.url}
        if self.title is not None:
            rec["title"] = self.title
        rec["text"] = self.text
        rec["published"] = self.published
        if self.lang is not None:
            rec["lang"] = self.lang
        return rec


def seed_docs(seeds: dict[str, Seed]) -> list[Doc]:
    """The five seeds, text exactly as scraped."""
    return [Doc(s.id, s.spec.url, s.text, s.spec.published, s.title, "ar", "seed",
                article=join(s.body)) for s in seeds.values()]


def repost_docs(seeds: dict[str, Seed], rng: random.Random) -> list[Doc]:
    """Two or three re-posts of each seed, each with a different mix of edits."""
    s0, s1, s2, s3, s4 = (seeds[n] for n in ("000", "001", "002", "003", "004"))
    docs: list[Doc] = []

    def add(doc_id: str, of: Seed, url: str, published: str, title: str | None,
            blocks: tuple[str | list[str], ...], edit: str) -> None:
        # Forums and autoblogs do not declare a language: those records leave `lang` out.
        host = url.split("/")[2]
        lang = None if host in ("gulfdefence-forum.com", "akhbar-fawriya.net") else "ar"
        docs.append(Doc(doc_id, url, join(*blocks), published, title, lang, "repost", of.id, edit,
                        article_of(*blocks)))

    # seed 000: English-UI forum post; headline + dateline + digits news site; respelled AMP site.
    add("seed-000-re1", s0,
        "https://gulfdefence-forum.com/threads/japan-to-boost-defence-output.7731/",
        "2024-03-11T06:12:00+00:00", s0.title,
        (s0.title, xenforo_en("Khalid_1987", "Well-known member", "Feb 14, 2020", "3,512",
                                  "8,207"), s0.body, "Click to expand...", XF_FOOTER),
        "other chrome (English XenForo poster block and footer); seed chrome dropped")
    dateline = "طوكيو، 10 مارس/آذار. /تاس/. "
    assert s0.body[0].startswith(dateline), "seed 000 dateline moved"
    body = [s0.body[0][len(dateline):]] + s0.body[1:]
    title = "تقرير: طوكيو وواشنطن تتجهان لتوسيع الإنتاج الدفاعي المشترك بسبب حرب أوكرانيا"
    add("seed-000-re2", s0,
        "https://alrai-alhur.com/world/2024/03/11/japan-us-joint-defense-production",
        "2024-03-11T10:40:00+03:00", title,
        (title, SHARE_LINE, indic_digits(body[:3]), READ_ALSO[0], indic_digits(body[3:]),
             READ_ALSO[1], "التعليقات (3)"),
        "changed headline; dateline removed; Arabic-Indic digits; share line, read-also links, "
        "comment counter")
    body = add_tashkeel(spelling_variants(s0.body, rng, alef=0.6, ya=0.8, ta=0.0), rng, 6)
    add("seed-000-re3", s0,
        "https://sawt-alsharq.net/world/japan-defense-production-us-ukraine/amp/",
        "2024-03-12T08:00:00+03:00", None,
        (body, f"المصدر: {s0.spec.url}", "Exit mobile version"),
        "alef/hamza and ya spelling variants; tashkeel on 6 words; no title; "
        "'المصدر: URL' line and 'Exit mobile version'")

    # seed 001: autoblog copy; news site with new headline, a paragraph dropped and tashkeel;
    # a truncated copy on an aggregator that kept the forum's timestamp.
    add("seed-001-re1", s1,
        "https://akhbar-fawriya.net/2024/06/12/us-japan-weapons-production/",
        "2024-06-12T03:15:00+03:00", s1.title, autoblog(s1.title, s1.body),
        "other chrome (autoblog: title twice, [ad_1]/[ad_2], follow line, bare المصدر); "
        "forum poster block and footer dropped")
    title = "واشنطن وطوكيو تطلقان منتدى لصيانة السفن الحربية وإنتاج الأسلحة المشتركة"
    body = add_tashkeel(without(s1.body, 8), rng, 5)
    add("seed-001-re2", s1,
        "https://almarsad-news.com/politics/dicas-forum-us-japan",
        "2024-06-12T13:00:00+03:00", title, (body, "[ad_3]", SHARE_LINE),
        "changed headline (not in text); paragraph 9 of 14 dropped; tashkeel on 5 words; "
        "[ad_3] slot and share line")
    add("seed-001-re3", s1,
        "https://nabd-mujammaa.com/item/us-japan-weapons-production-base",
        s1.spec.published, s1.title,
        (s1.title, truncate(s1.body, 0.65), "اقرأ المزيد من المصدر"),
        "truncated copy: first 65% of the body's words, 'read more' line; "
        "same published as the seed")

    # seed 002: English-UI forum post; an earlier wire copy with an added paragraph; a news site
    # that dropped a paragraph and the wire credit.
    wire = re.match(r"\(SeaPRwire\)\s*–\s*", s2.body[0])  # "– " then a no-break space
    assert wire, "seed 002 wire credit moved"
    add("seed-002-re1", s2,
        "https://gulfdefence-forum.com/threads/kishida-wants-stronger-defence-ties.7902/",
        "2024-04-06T17:25:00+00:00", s2.title,
        (s2.title, xenforo_en("Desert_Falcon", "Senior member", "Nov 2, 2017", "12,940", "21,116"),
             spelling_variants(s2.body, rng, alef=0.0, ya=1.0, ta=0.0), XF_FOOTER),
        "other chrome (English XenForo poster block and footer); final ى→ي everywhere; "
        "SeaPRwire disclaimer/about dropped")
    body = [s2.body[0][wire.end():]] + s2.body[1:]
    title = "كيشيدا: التعاون الدفاعي مع واشنطن مهم للغاية قبل زيارته للبيت الأبيض"
    add("seed-002-re2", s2,
        "https://khaleej-wire.com/asia/kishida-defense-cooperation-washington-visit",
        "2024-04-05T11:10:00+03:00", title,
        (inserted(body, 6, ADDED_002), "[ad_3]", "عدد التعليقات: 0"),
        "EARLIER than the seed (08:10 UTC vs 09:30 UTC; local +03:00 sorts later as a string); "
        "changed headline (not in text); wire credit removed; one paragraph added; [ad_3] and "
        "comment counter")
    add("seed-002-re3", s2,
        "https://almarsad-news.com/asia/japan-us-defense-ties-kishida",
        "2024-04-06T09:00:00+03:00", s2.title,
        (s2.title, without(body, 11), READ_ALSO[1]),
        "wire credit removed; paragraph 12 of 14 (space programme) dropped; read-also link")

    # seed 003: autoblog copy with a title; news site with new headline, inline related
    # headlines dropped, ta-marbuta respelled, comment counter.
    add("seed-003-re1", s3,
        "https://akhbar-fawriya.net/2024/01/19/japan-tomahawk-deal/",
        "2024-01-19T02:40:00+03:00", TITLE_003, autoblog(TITLE_003, indic_digits(s3.body)),
        "other chrome (autoblog: title twice, [ad_1]/[ad_2], follow line, bare المصدر); "
        "Arabic-Indic digits; AMP site chrome dropped")
    inline_headlines = ("الولايات المتحدة وكوريا", "اليابان توافق")
    related = [i for i, p in enumerate(s3.body) if p.startswith(inline_headlines)]
    assert len(related) == 2, "seed 003 inline related headlines moved"
    title = "400 صاروخ توماهوك لليابان.. طوكيو وواشنطن توقعان صفقة الشراء"
    body = spelling_variants(without(s3.body, *related), rng, alef=0.3, ya=0.0, ta=0.05)
    add("seed-003-re2", s3,
        "https://bawabat-alkhabar.com/news/2024/01/19/japan-tomahawk",
        "2024-01-19T12:30:00+03:00", title, (title, body, "التعليقات (2)"),
        "changed headline; the two inline related-article headlines dropped; ~5% of final ة→ه "
        "and some alef variants; comment counter")

    # seed 004: autoblog copy; magazine with byline removed, one paragraph added, respelled,
    # tashkeel, digits, share line.
    add("seed-004-re1", s4,
        "https://akhbar-fawriya.net/2024/07/29/us-new-command-japan/",
        "2024-07-29T09:55:00+03:00", TITLE_004, autoblog(TITLE_004, s4.body),
        "other chrome (autoblog: title twice, [ad_1]/[ad_2], follow line, bare المصدر); "
        "Vietnamese site chrome dropped, byline kept")
    assert s4.body[-1].startswith("نغوك آنه"), "seed 004 byline moved"
    body = without(s4.body, -1)
    body = inserted(body, 3, ADDED_004)
    body = add_tashkeel(spelling_variants(body, rng, alef=0.5, ya=1.0, ta=0.05), rng, 4)
    add("seed-004-re2", s4,
        "https://majalla-asia.com/defense/usfj-joint-force-headquarters",
        "2024-07-30T16:20:00+03:00", TITLE_004, (TITLE_004, indic_digits(body), SHARE_LINE),
        "byline removed; one paragraph added; alef/ya variants, ~5% of final ة→ه; "
        "tashkeel on 4 words; Arabic-Indic digits; share line")
    return docs


def unrelated_docs(path: Path) -> list[Doc]:
    """The project's own articles, plus one byte-identical copy of news-06 on an aggregator."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    docs = [Doc(a["id"], a["url"], a["text"].strip("\n"), a["published"], a["title"], a.get("lang"))
            for a in data["article"]]
    original = next(d for d in docs if d.id == "news-06")
    docs.append(Doc("news-06-copy", "https://nabd-mujammaa.com/item/dates-harvest-prices-fall",
                    original.text, original.published, original.title, original.lang,
                    "exact-copy", original.id,
                    "exact duplicate: byte-identical text and title, same published, other site",
                    original.text))
    for doc in docs:
        doc.article = doc.article or doc.text
    return docs


# --------------------------------------------------------------------------------------------
# Expected difficulty: word 5-gram Jaccard of the raw `text` fields (no chrome stripped) after
# light normalisation as DESIGN.md lists it: NFKC, tashkeel/tatweel dropped, alef forms unified,
# ى→ي, Arabic-Indic digits to ASCII, casefold. ة is NOT folded to ه, so those respellings cost.
# --------------------------------------------------------------------------------------------

MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي",
                      **{chr(0x660 + d): str(d) for d in range(10)},
                      **{chr(0x6F0 + d): str(d) for d in range(10)}})
WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of lightly normalised text (the whole token list when shorter than n)."""
    text = MARKS.sub("", unicodedata.normalize("NFKC", text)).translate(FOLD).casefold()
    tokens = WORD.findall(text)
    if len(tokens) < n:
        return {tuple(tokens)}
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def jaccard5(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return round(len(sa & sb) / len(sa | sb), 3)


def utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(timezone.utc)


def representative(members: list[Doc], order: dict[str, int]) -> Doc:
    """Keep policy: earliest published (in UTC), then longest text, then input order."""
    return min(members, key=lambda d: (utc(d.published), -len(d.text), order[d.id]))


# --------------------------------------------------------------------------------------------


def build(seeds_dir: Path) -> tuple[list[dict], dict, list[str]]:
    rng = random.Random(RANDOM_SEED)
    seeds = {spec.number: load_seed(seeds_dir, spec) for spec in SEEDS}
    docs = seed_docs(seeds) + repost_docs(seeds, rng) + unrelated_docs(ARTICLES)
    by_id = {d.id: d for d in docs}
    if len(by_id) != len(docs):
        raise SystemExit("duplicate document ids")

    # Input order: a fixed shuffle (a real batch is mixed), with the exact copy after its
    # original so that the tie on (published, length) goes to the original by input order.
    order_rng = random.Random(RANDOM_SEED + 1)
    docs = sorted(docs, key=lambda d: d.id)
    order_rng.shuffle(docs)
    copy, original = by_id["news-06-copy"], by_id["news-06"]
    docs.remove(copy)
    docs.insert(docs.index(original) + 1, copy)
    order = {d.id: i for i, d in enumerate(docs)}

    clusters = []
    for root in [d for d in docs if d.kind in ("seed",) or d.id == "news-06"]:
        members = [root] + [d for d in docs if d.copy_of == root.id]
        members.sort(key=lambda d: order[d.id])
        clusters.append({"representative_expected": representative(members, order).id,
                         "members": [d.id for d in members]})
    clusters.sort(key=lambda c: order[c["members"][0]])
    in_clusters = {m for c in clusters for m in c["members"]}

    seed_ids = [s.id for s in seeds.values()]
    must_not_merge = [[a, b] for i, a in enumerate(seed_ids) for b in seed_ids[i + 1:]]
    must_not_merge.append(["news-04", "news-05"])  # same cup final, different articles
    same_chrome = [["seed-001-re1", "seed-003-re1"], ["seed-001-re1", "seed-004-re1"],
                   ["seed-003-re1", "seed-004-re1"], ["seed-000-re1", "seed-002-re1"]]
    must_not_merge.extend(same_chrome)  # same site chrome, different articles

    pairs = [{"a": d.copy_of, "b": d.id, "edit": d.edit,
              "jaccard5": jaccard5(by_id[d.copy_of].text, d.text),
              "jaccard5_body": jaccard5(by_id[d.copy_of].article, d.article)}
             for d in sorted(docs, key=lambda d: d.id) if d.copy_of]
    gold = {
        "clusters": clusters,
        "singletons": sorted(d.id for d in docs if d.id not in in_clusters),
        "must_not_merge": must_not_merge,
        "pairs": pairs,
    }
    report = [f"{len(docs)} documents; {len(clusters)} clusters; "
              f"{len(gold['singletons'])} singletons"]
    for p in pairs:
        report.append(f"  {p['jaccard5']:.3f} {p['jaccard5_body']:.3f}  {p['a']} ~ {p['b']}")
    for a, b in must_not_merge:
        report.append(f"  {jaccard5(by_id[a].text, by_id[b].text):.3f}  {a} != {b}")
    return [d.record() for d in docs], gold, report


def main(argv: list[str] | None = None) -> int:
    default_seeds = Path(os.environ.get("DEDUPE_SHARED", REPO.parent / "shared")) / "seeds"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=default_seeds, help="seed folder")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        raise SystemExit(f"{args.seeds}: seed folder not found (set DEDUPE_SHARED or --seeds)")

    records, gold, report = build(args.seeds)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "corpus.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(args.out / "gold.json", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(gold, ensure_ascii=False, indent=2) + "\n")
    if not args.quiet:
        print("\n".join(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
