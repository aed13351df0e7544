"""Chrome learned from the batch, on real arabic-news articles with invented chrome lines added."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from dedupe.config import load_config
from dedupe.document import Document, rebuild_original
from dedupe.strip import LearnedChrome, RuleSet, Stripper
from dedupe.strip.learned import line_key

# invented chrome lines (our own words), as a site's template would print them under every article
FOLLOW = "تابعونا على قناتنا في تطبيق تيليغرام لمتابعة آخر المستجدات أولا بأول"
NEWSLETTER = "اشترك في النشرة البريدية اليومية لتصلك أهم الأخبار"
RARE = "هذه جملة قصيرة أضيفت إلى مقالين فقط من الدفعة"


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    path = shared_path("data", "arabic-news", "articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if len(r["text"]) > 400]


@pytest.fixture
def cfg():
    return load_config().strip.learned


def _host(url: str) -> str:
    inner = re.search(r"https?://(?!web\.archive\.org)[^\s]+", url[8:])
    return (urlsplit(inner.group(0)).hostname or "") if inner else (urlsplit(url).hostname or "")


def _doc(i: int, text: str, source: str) -> Document:
    return Document(id=f"d{i}", text=text, source=source, lang="ar", input_order=i)


def _short_lines(text: str, cfg) -> list[str]:
    out = []
    for line in text.split("\n"):
        key = line_key(line)
        if len(key) >= cfg.min_line_chars and len(key.split()) <= cfg.max_words:
            out.append(line)
    return out


def test_repeated_chrome_line_is_removed(articles: list[dict], cfg) -> None:
    docs = []
    for i, a in enumerate(articles[:8]):
        text = a["text"] + "\n\n" + FOLLOW
        if i in (0, 4):
            text += "\n" + RARE
        docs.append(_doc(i, text, "a.example" if i < 4 else "b.example"))
    out = list(LearnedChrome(cfg)(docs))
    assert [d.id for d in out] == [f"d{i}" for i in range(8)]
    for d, a in zip(out, articles[:8]):
        assert FOLLOW not in d.text
        assert "chrome:learned" in d.signals
        assert any(r.rule == "learned_chrome" and r.category == "learned_chrome" and FOLLOW in r.text
                   for r in d.removed)
        assert rebuild_original(d.text, d.removed) == d.original_text
        assert d.text.startswith(a["text"].strip()[:200])
    assert RARE in out[0].text and RARE in out[4].text  # two articles are not enough


def test_across_sources_threshold(articles: list[dict], cfg) -> None:
    # one source each: only the across-sources rule can fire (5 articles, 5 sources)
    docs = [_doc(i, a["text"] + "\n" + NEWSLETTER, f"s{i}.example") for i, a in enumerate(articles[:5])]
    assert all(NEWSLETTER not in d.text for d in LearnedChrome(cfg)(docs))
    docs = [_doc(i, a["text"] + "\n" + NEWSLETTER, f"s{i}.example") for i, a in enumerate(articles[:4])]
    assert all(NEWSLETTER in d.text for d in LearnedChrome(cfg)(docs))


def test_without_any_source_nothing_is_learned_however_often_a_line_repeats(articles: list[dict], cfg) -> None:
    """Chrome is per source (or across two or more): a batch where no document names its source or
    URL learns nothing, as the full computation would find (the stage skips it then)."""
    def batch(source: str | None) -> list[Document]:
        return [Document(id=f"d{i}", text=a["text"] + "\n" + FOLLOW, source=source, lang="ar", input_order=i)
                for i, a in enumerate(articles[:10])]

    assert not LearnedChrome(cfg).learn(batch(None))
    assert all(FOLLOW in d.text and not d.removed for d in LearnedChrome(cfg)(batch(None)))
    named = LearnedChrome(cfg).learn(batch("a.example"))
    assert named and named.hashes  # the same lines on one named site are chrome
    sourceless_full = replace(cfg, min_sources_across=1)  # the skip's premise: one source is not "across"
    assert not LearnedChrome(replace(cfg, min_sources_across=2)).learn(batch(None))
    assert LearnedChrome(sourceless_full).learn(batch(None))  # with a threshold of one source it would learn


def test_copies_of_one_article_count_once(articles: list[dict], cfg) -> None:
    """Five copies of one article share all their lines: none of its own lines is chrome."""
    article = next(a for a in articles if _short_lines(a["text"], cfg))
    own_short = _short_lines(article["text"], cfg)
    copies = [_doc(i, article["text"] + "\n\n" + FOLLOW, "a.example") for i in range(5)]
    # a re-post with different chrome and one paragraph dropped is still the same article
    paragraphs = article["text"].split("\n\n")
    copies.append(_doc(5, "\n\n".join(paragraphs[:-1] if len(paragraphs) > 3 else paragraphs) + "\n\nشارك الخبر",
                       "a.example"))
    others = [_doc(10 + i, a["text"] + "\n\n" + FOLLOW, "a.example")
              for i, a in enumerate(x for x in articles if x["id"] != article["id"]) if i < 3]
    learned = LearnedChrome(cfg)
    groups = learned.article_groups(copies + others)
    assert len(set(groups[:6])) == 1 and len(set(groups)) == 4
    out = list(learned(copies + others))
    for d in out[:5]:
        for line in own_short:
            assert line in d.text, line
        assert FOLLOW not in d.text  # the chrome still goes: 4 distinct articles carry it


def test_copies_of_a_short_paragraph_article_count_once(cfg) -> None:
    """An article made of short lines only (none over max_words) is still grouped with its copies."""
    own = ["انقطاع الكهرباء عن ثلاثة أحياء في المدينة مساء أمس",
           "وقالت شركة الكهرباء إن العطل نتج عن حريق في محطة فرعية",
           "وأعيد التيار إلى معظم المنازل بعد ساعتين من الانقطاع",
           "ودعت الشركة السكان إلى الإبلاغ عن أي أعطال متبقية"]
    chrome = ["شارك هذا الخبر مع أصدقائك", "حمل تطبيقنا المجاني الآن", "تابعنا على منصات التواصل الاجتماعي"]
    copies = [_doc(i, "\n\n".join(own + [chrome[i % 3]]), "a.example") for i in range(4)]
    out = list(LearnedChrome(cfg)(copies))
    for d in out:
        for line in own:
            assert line in d.text


def test_after_stripper_offsets_index_the_original(articles: list[dict], cfg) -> None:
    rules = RuleSet.load()
    docs = [_doc(i, "[ad_1]\n\n" + a["text"] + "\n\n" + FOLLOW + "\n\nشاركها.", "a.example")
            for i, a in enumerate(articles[:4])]
    out = list(LearnedChrome(cfg)(Stripper(rules)(docs)))
    for d in out:
        assert "[ad_1]" not in d.text and FOLLOW not in d.text and not d.text.endswith("شاركها.")
        assert {r.rule for r in d.removed} >= {"wp-automatic.ad-slot", "learned_chrome"}
        assert rebuild_original(d.text, d.removed) == d.original_text
        for r in d.removed:
            assert d.original_text[r.start:r.end] == r.text
        assert d.text == d.text.strip()


def test_never_empties_a_document(cfg) -> None:
    bodies = ["", "افتتحت البلدية حديقة عامة جديدة في الحي الشمالي تضم ملاعب للأطفال ومسارات للمشي وأماكن للجلوس تحت الأشجار وسط ترحيب واسع من السكان، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام",
              "أعلن المنتخب الوطني قائمة اللاعبين المستدعين للمعسكر التدريبي المقبل الذي يسبق مباراتين وديتين في الخارج خلال فترة التوقف الدولي المقبلة، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام",
              "ارتفعت أسعار الخضروات في الأسواق المحلية خلال الأسبوع الجاري بسبب موجة البرد التي أثرت على المحاصيل في عدد من المناطق الزراعية الرئيسية، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام"]
    second = ["", "وقال رئيس البلدية إن الحديقة ستفتح أبوابها يوميا من السادسة صباحا حتى العاشرة مساء طوال أيام الأسبوع بما فيها العطل الرسمية، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام",
              "وأوضح المدرب أن اختيار اللاعبين جاء بناء على مستواهم في المباريات الأخيرة مع أنديتهم وأن الباب يبقى مفتوحا أمام الجميع، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام",
              "وتوقع تجار الجملة أن تعود الأسعار إلى مستوياتها الطبيعية خلال أسبوعين مع تحسن الأحوال الجوية ووصول شحنات جديدة، وذلك في إطار خطة أعلنتها الجهات المعنية مطلع العام"]
    docs = [_doc(i, f"{NEWSLETTER}\n\n{bodies[i]}\n\n{second[i]}" if i else NEWSLETTER, "a.example")
            for i in range(4)]
    out = list(LearnedChrome(cfg)(docs))
    assert out[0].text == NEWSLETTER and not out[0].removed
    assert all(NEWSLETTER not in d.text for d in out[1:])


def test_disabled_does_nothing(articles: list[dict], cfg) -> None:
    off = dataclasses.replace(cfg, enabled=False)
    docs = [_doc(i, a["text"] + "\n" + FOLLOW, "a.example") for i, a in enumerate(articles[:4])]
    assert all(FOLLOW in d.text for d in LearnedChrome(off)(docs))


def test_line_key_is_ccnet_like() -> None:
    assert line_key("Follow US on Telegram: 24/7!") == line_key("follow us on telegram 11 1")
    assert line_key("تابِعونا، على قناتنا ٢٠٢٤") == line_key("تابعونا على قناتنا 1999")


_POOL = [FOLLOW, NEWSLETTER, RARE, "[ad_1]", "شاركها.", "اترك تعليقاً",
         "وقال المتحدث إن الاجتماع سيعقد الأسبوع المقبل",
         "Prices rose by 3.2 percent in March, the statistics office said on Friday.",
         "The council approved the budget after a long debate on Tuesday evening in the city hall."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_POOL), min_size=1, max_size=6), st.sampled_from(["a", "b", ""]),
                          st.integers(min_value=1, max_value=3)), min_size=1, max_size=6))
def test_batch_removals_rebuild_the_original(batch) -> None:
    """Any batch (with copies): every document still rebuilds its original, and the lines of an
    article whose copies are the only ones carrying them are never learned."""
    cfg = load_config().strip.learned
    docs = []
    for lines, source, copies in batch:
        for _ in range(copies):
            docs.append(_doc(len(docs), "\n\n".join(lines), source or None))
    out = list(LearnedChrome(cfg)(Stripper(RuleSet.load())(docs)))
    for d in out:
        assert rebuild_original(d.text, d.removed) == d.original_text
    if len(batch) == 1:  # copies of one article only: nothing is learned
        assert all(r.rule != "learned_chrome" for d in out for r in d.removed)


def test_real_batch_learns_little_and_copies_change_nothing(articles: list[dict], cfg) -> None:
    """The arabic-news batch as it is: only short recurring lines go (a site's popup string),
    and adding a copy of every article learns exactly the same lines (copies count once)."""
    def batch(copies: int) -> list[Document]:
        rows = [a for a in articles for _ in range(copies)]
        return [_doc(i, a["text"], _host(a["url"])) for i, a in enumerate(rows)]

    learned = LearnedChrome(cfg)
    once = batch(1)
    chrome = learned.learn(once)
    assert chrome == learned.learn(batch(2)) == learned.learn(batch(3))
    out = list(learned(once))
    total = sum(len(d.original_text) for d in out)
    removed = sum(r.end - r.start for d in out for r in d.removed)
    print(f"\narabic-news learned chrome: {sorted(chrome)}; {removed} of {total} chars")
    assert removed / total < 0.005
    for d in out:
        assert rebuild_original(d.text, d.removed) == d.original_text
        for r in d.removed:
            assert len(r.text.split()) <= cfg.max_words


# A news site's page, by the structure public news sites print around an article (a menu of
# one-word sections, a "breaking" label, the section name, ad labels, a share row, a counter,
# a cookie notice and a channel's long disclaimer under every page), in our own words.
MENU = ["الرئيسية", "سياسة", "اقتصاد", "رياضة", "فيديو"]
BREAKING = "عاجل"
SECTION = "أخبار عربية"
AD = "إعلان"
SHARE = "فيسبوك تويتر واتساب"
COUNTER = "0 تعليقات"
NOTICE = ("جميع المواد المنشورة على هذه القناة تعبر عن آراء أصحابها ولا تعبر بالضرورة عن رأي القناة "
          "أو إدارتها، ويحظر نسخ أو إعادة نشر أي جزء من المحتوى دون إذن كتابي مسبق من الإدارة، "
          "وتحتفظ القناة بحقها في اتخاذ الإجراءات القانونية اللازمة ضد كل من يخالف هذه الشروط والأحكام")
COOKIE = ("نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتحليل الزيارات وتخصيص الإعلانات، "
          "وباستمرارك في تصفح الموقع فإنك توافق على سياسة الخصوصية وشروط الاستخدام الخاصة بنا")


def _site_page(body: str, with_breaking: bool = True) -> str:
    head = MENU + ([BREAKING] if with_breaking else []) + [SECTION, AD]
    return "\n".join(head) + "\n\n" + body + "\n\n" + "\n".join([AD, SHARE, COUNTER, NOTICE, COOKIE])


def test_site_with_a_long_notice_still_learns_its_short_chrome(articles: list[dict], cfg) -> None:
    """Every page carries a 40-word notice and a cookie notice: the pages stay distinct articles,
    their one- and two-word chrome is learned, the notices themselves are learned verbatim, and
    every article line survives."""
    bodies = [a["text"] for a in articles[:6]]
    docs = [_doc(i, _site_page(b), "channel.example") for i, b in enumerate(bodies)]
    learned = LearnedChrome(cfg)
    assert len(set(learned.article_groups(docs))) == 6
    out = list(learned(docs))
    for d, body in zip(out, bodies):
        lines = d.text.split("\n")
        for chrome in MENU + [BREAKING, SECTION, AD, SHARE, COUNTER, NOTICE, COOKIE]:
            assert chrome not in lines, chrome
        for line in body.split("\n"):
            if line.strip():
                assert line in d.text
        assert rebuild_original(d.text, d.removed) == d.original_text


def test_short_lines_need_pages_not_characters(articles: list[dict], cfg) -> None:
    """A one-word label on three distinct pages of a site goes; on two it stays."""
    docs = [_doc(i, _site_page(a["text"], with_breaking=i < 2), "channel.example") for i, a in enumerate(articles[:5])]
    out = list(LearnedChrome(cfg)(docs))
    assert BREAKING in out[0].text.split("\n") and BREAKING in out[1].text.split("\n")
    assert all(SECTION not in d.text.split("\n") for d in out)


def test_copies_on_one_site_with_a_notice_are_one_article(articles: list[dict], cfg) -> None:
    """Four copies of one article on one site, each under the site's notice, among other pages:
    the copies' own lines recur on four pages but are one article's, so none is learned."""
    article = articles[0]["text"]
    others = [a["text"] for a in articles[1:4]]
    docs = [_doc(i, _site_page(article), "channel.example") for i in range(4)]
    docs += [_doc(10 + i, _site_page(b), "channel.example") for i, b in enumerate(others)]
    learned = LearnedChrome(cfg)
    groups = learned.article_groups(docs)
    assert len(set(groups[:4])) == 1 and len(set(groups)) == 4
    out = list(learned(docs))
    for d in out[:4]:
        for line in article.split("\n"):
            if line.strip():
                assert line in d.text
        assert NOTICE not in d.text.split("\n")


def test_real_pages_keep_their_article_sentences(cfg) -> None:
    """The extraction-aeb pages with all their chrome (every text block of the HTML, one per
    line), the two pages of each host in one batch: the lines of the gold article bodies survive
    (at most 1 % lost), and menus printed by many sites (the across-sources rule) go."""
    import gzip

    lxml_html = pytest.importorskip("lxml.html")
    data = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    html_dir = shared_path("data", "extraction-aeb", "html")
    docs, golds = [], []
    for key in sorted(data)[:80]:
        root = lxml_html.fromstring(gzip.decompress((html_dir / f"{key}.html.gz").read_bytes()))
        for node in root.xpath("//script|//style|//noscript|//head"):
            node.drop_tree()
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag in {"p", "div", "li", "h1", "h2", "h3", "br", "td", "a", "span"}:
                el.tail = "\n" + (el.tail or "")
        lines = [" ".join(x.split()) for x in root.text_content().split("\n")]
        docs.append(_doc(len(docs), "\n".join(x for x in lines if x), urlsplit(data[key]["url"]).hostname))
        golds.append({" ".join(x.split()) for x in data[key]["articleBody"].split("\n") if x.strip()})
    out = list(LearnedChrome(cfg)(docs))
    present = lost = 0
    for d, gold in zip(out, golds):
        removed = {" ".join(r.text.split()) for r in d.removed}
        for line in gold & set(d.original_text.split("\n")):
            present += 1
            lost += line in removed
        assert rebuild_original(d.text, d.removed) == d.original_text
    print(f"\nextraction-aeb pages: {lost} of {present} gold lines lost")
    assert present > 1000 and lost / present <= 0.01
    assert sum("Contact Us" in d.original_text.split("\n") for d in out) >= 5
    assert all("Contact Us" not in d.text.split("\n") for d in out)


def _page_reference(text: str, max_words: int) -> tuple[list[int], list[str], list[int]]:
    """A page's rows, keys and word counts as first defined: split_lines, then each non-blank
    line's words, and its key verbatim (spaces collapsed) past max_words words, else line_key."""
    from dedupe.strip.layout import split_lines

    rows, keys, words = [], [], []
    for ln in split_lines(text):
        if ln.blank:
            continue
        raw = text[ln.start:ln.end]
        parts = raw.split()
        rows.append(ln.index)
        words.append(len(parts))
        key = " ".join(parts) if len(parts) > max_words else line_key(raw)
        keys.append(key or " ".join(parts))
    return rows, keys, words


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["word", "Word", "ب", "١٢", " ", "  ", "\t", "\r", "\n", "\u00a0", "\x1c", "!",
                                 "|", "é", "\u200e", "ﬁ", "ـ"]), max_size=40),
       st.sampled_from([1, 3, 20]))
def test_page_keys_match_their_definition(parts: list[str], max_words: int) -> None:
    """The fast paths of `_page` (a line already single-spaced is its own key; no split into Line
    objects) give the keys, words and rows of the definition."""
    from dedupe.strip.learned import _hash, _page

    text = "".join(parts)
    page = _page(text, max_words)
    rows, keys, words = _page_reference(text, max_words)
    assert (page.rows, page.keys, page.words) == (rows, keys, words)
    assert page.hashes == [_hash(k) for k in keys]
