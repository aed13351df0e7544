"""The HTML and JSON report: its data on the sample corpus, escaping of hostile strings, CSP, caps, CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_corpus import IMG, SAMPLE, SCRIPT, write_corpus

from dedupe.config import load_config
from dedupe.document import Document
from dedupe.filtering import FilterJob, run_index
from dedupe.io import read_documents
from dedupe.near.keep_policy import RULES, KeepPolicy, deciding_rule
from dedupe.reporting import write_report
from dedupe.reporting.data import KEEP_RULES
from dedupe.reporting.diff import side_by_side
from dedupe.workers import Workers

ARABIC = re.compile(r"[\u0600-\u06FF]")


def _dedupe(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One `dedupe report` of the sample corpus plus the hostile pair: its HTML and JSON."""
    tmp = tmp_path_factory.mktemp("report")
    corpus = write_corpus(tmp / "corpus.jsonl")
    html, js = tmp / "report.html", tmp / "report.json"
    done = _dedupe("report", str(corpus), "-o", str(html), "--json", str(js), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    data = json.loads(js.read_text(encoding="utf-8"))
    return {"data": data, "html": html.read_text(encoding="utf-8"), "json": data,
            "records": [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]}


def test_summary_adds_up(built: dict) -> None:
    s = built["json"]["summary"]
    assert s["documents"] == 32 == s["kept"] + s["rejected"]
    assert s["reasons"] == {"exact_duplicate": 2, "near_duplicate": 13}
    assert sum(v["chars"] for v in s["removals"].values()) == s["chars_removed"] > 0
    assert set(s["labels"]) == {"syndicated", "machine_translated", "low_quality"}
    assert s["classified"] == 32  # the classifier ran: the label-rate chart has a bar per label per source
    assert built["html"].count('class="c0"><title>') == 12 == built["html"].count('class="c2"><title>')


def test_clusters_largest_first_with_keep_rules(built: dict) -> None:
    items = built["json"]["clusters"]["items"]
    assert built["json"]["clusters"]["count"] == 7 == len(items)
    items = sorted(items, key=lambda c: -c["size"])
    shown = re.findall(r'<span class="size">(\d+)</span>', built["html"])
    assert [int(n) for n in shown] == sorted((c["size"] for c in items), reverse=True)
    first = items[0]
    assert first["cluster"] == "seed-000" and first["size"] == 4
    assert first["representative"]["source"] == "wakalat-news24.com"
    assert first["keep_rule"] == "published"  # the wire copy was published a day before its re-posts
    for c in items:
        assert c["keep_rule"] in KEEP_RULES
        for m in c["members"]:
            assert m["keep_rule"] in KEEP_RULES and m["similarity"] is not None and m["reason"] in (
                "exact_duplicate", "near_duplicate")
    exact = next(c for c in items if c["cluster"] == "news-06")
    assert exact["keep_rule"] == "input_order"  # same date, same length: the first in the input stays
    assert "_text" not in json.dumps(built["json"])  # texts for the diffs never reach the JSON


def test_json_has_every_cluster_as_dedupe_clusters_does(built: dict) -> None:
    clusters = built["json"]["clusters"]
    assert clusters["count"] == len(clusters["items"]) == 7
    members = {c["cluster"]: sorted(m["id"] for m in c["members"]) for c in clusters["items"]}
    assert members["seed-000"] == ["seed-000-re1", "seed-000-re2", "seed-000-re3"]
    assert built["json"]["sources"]["count"] == len(built["json"]["sources"]["rows"]) == 22


def test_stripped_examples_show_the_removed_text_in_its_context(built: dict) -> None:
    originals = {r["id"]: r["text"] for r in built["records"]}
    rules = built["json"]["stripped"]["rules"]
    assert rules[0]["removals"] >= rules[-1]["removals"]
    checked = 0
    for rule in rules:
        assert 1 <= len(rule["examples"]) <= 3
        for e in rule["examples"]:
            around = e["before"].lstrip("…") + e["text"] + e["after"].rstrip("…")
            assert around in originals[e["id"]], (rule["rule"], e["id"])
            checked += 1
    assert checked >= 20
    ad = next(r for r in rules if r["rule"] == "wp-automatic.ad-slot")
    assert ad["category"] == "ad_marker" and ad["removals"] >= 10


def test_hostile_strings_are_escaped_text(built: dict) -> None:
    html = built["html"]
    assert SCRIPT not in html and IMG not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert len(re.findall(r"<script\b", html)) == 1  # the report's own script, nothing else
    tags = _Tags()
    tags.feed(html)
    assert "img" not in tags.seen and all(not a.startswith("on") for a in tags.attributes)


def test_csp_allows_exactly_the_inline_style_and_script(built: dict) -> None:
    html = built["html"]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "http" not in csp
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    for body, directive in ((style, "style-src"), (script, "script-src")):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing loads from the network
    assert ' style="' not in html  # inline style attributes would need 'unsafe-inline'


def test_every_scraped_arabic_string_sits_in_a_dir_auto_element(built: dict) -> None:
    tags = _Tags()
    tags.feed(built["html"])
    assert tags.arabic_runs > 100
    assert tags.arabic_without_dir == []


def test_caps_leave_a_note_and_the_json_keeps_everything(tmp_path: Path) -> None:
    config = tmp_path / "dedupe.toml"
    config.write_text("[report]\nclusters = 2\nmembers_per_cluster = 1\nsources = 3\nrules = 4\nexamples_per_rule = 1\n")
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    done = _dedupe("report", str(SAMPLE), "-o", str(html), "--json", str(js), "--config", str(config),
                   "--no-classify", "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    page = html.read_text(encoding="utf-8")
    assert "The 2 largest of 6 clusters are shown (4 left out" in page
    assert "1 of 3 members listed" in page
    assert "The 3 sources with most documents of 20 are shown" in page
    assert page.count('<details class="cluster"') == 2
    assert "The classifier did not run" in page
    full = json.loads(js.read_text(encoding="utf-8"))
    assert full["stripped"]["rules_count"] > 4
    assert f"The 4 most used of {full['stripped']['rules_count']} rules are shown" in page
    assert len(full["clusters"]["items"]) == 6 and len(full["sources"]["rows"]) == 20
    assert all(len(r["examples"]) == 1 for r in full["stripped"]["rules"])


def test_library_write_report_gives_the_page_the_command_gives(tmp_path: Path) -> None:
    """write_report over plain Documents (no cluster log: it clusters what it is given) = `dedupe report`."""
    cfg = load_config(None)
    with Workers(cfg, 1, classify=False) as pool, run_index(None, cfg) as index:
        docs = list(FilterJob(cfg, index, pool).run(read_documents([str(SAMPLE)])))
    data = write_report(docs, html=str(tmp_path / "lib.html"), cfg=cfg, run={"inputs": [str(SAMPLE)]})
    assert data["summary"]["documents"] == 30 and data["clusters"]["count"] == 6
    done = _dedupe("report", str(SAMPLE), "-o", str(tmp_path / "cli.html"), "--no-classify", "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "lib.html").read_bytes() == (tmp_path / "cli.html").read_bytes()


def test_report_and_filter_html_are_the_same_bytes(tmp_path: Path) -> None:
    common = ["--no-classify", "--workers", "1", "--quiet"]
    a = _dedupe("report", str(SAMPLE), "-o", str(tmp_path / "a.html"), *common)
    assert a.returncode == 0, a.stderr
    assert f"html: {tmp_path / 'a.html'}" in a.stdout
    b = _dedupe("filter", str(SAMPLE), "-o", str(tmp_path / "k.jsonl"), "--rejects", str(tmp_path / "r.jsonl"),
                "--html", str(tmp_path / "b.html"), *common)
    assert b.returncode == 0, b.stderr
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


@pytest.mark.parametrize("args, message", [
    ([], "give -o FILE.html, --json FILE.json, or both"),
    (["-o", "no/such/folder/r.html"], "its folder does not exist"),
])
def test_report_usage_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = _dedupe("report", str(SAMPLE), *args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_diff_folds_unchanged_runs_and_ignores_spelling_variants() -> None:
    words = [f"w{i}" for i in range(100)]
    left = " ".join(words)
    right = " ".join(words[:50] + ["CHANGED"] + words[51:])
    diff = side_by_side(left, right, context=3, max_chars=10_000)
    assert not diff.identical and len(diff.hunks) == 1
    hunk = diff.hunks[0]
    assert hunk.folded_before == 47 and diff.folded_after == 46
    assert [t for t, changed in hunk.left if changed] == ["w50 "]
    assert [t for t, changed in hunk.right if changed] == ["CHANGED "]
    assert side_by_side("إلى الأمريكي", "الى الامريكي", 3, 100).identical  # alef/hamza forms normalise away
    assert side_by_side("same text", "same text", 3, 100).hunks == []
    assert side_by_side("one two three four", "one two three five", 3, 9).cut  # compared only "one two t"


def test_keep_policy_names_the_deciding_rule() -> None:
    policy = KeepPolicy(["wire.com"])
    early = Document(id="a", text="short", published="2024-01-01T00:00:00Z", input_order=5)
    late = Document(id="b", text="a much longer text", published="2024-01-02T00:00:00Z", input_order=0)
    assert policy.deciding_rule(early, late) == "published"
    wire = Document(id="c", text="x", source="wire.com", published="2024-01-01T00:00:00Z", input_order=9)
    assert policy.deciding_rule(wire, early) == "source_priority"
    longer = Document(id="d", text="a longer one", published="2024-01-01T00:00:00Z", input_order=7)
    assert policy.deciding_rule(longer, early) == "length"
    twin = Document(id="e", text="short", published="2024-01-01T00:00:00Z", input_order=6)
    assert policy.deciding_rule(early, twin) == "input_order"
    assert list(RULES) == ["published", "source_priority", "length", "input_order"]
    assert deciding_rule((1, 0, -5, 1), (1, 0, -5, 2)) == "input_order"


class _Tags(HTMLParser):
    """Tag names, attribute names, and Arabic text runs with or without a `dir` on an ancestor."""

    VOID = {"meta", "br", "col", "input", "img", "link", "line", "rect", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.attributes: set[str] = set()
        self.stack: list[tuple[str, bool]] = []
        self.arabic_runs = 0
        self.arabic_without_dir: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag not in self.VOID:
            self.stack.append((tag, any(name == "dir" and value == "auto" for name, value in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if ARABIC.search(data):
            self.arabic_runs += 1
            if not any(has_dir for _, has_dir in self.stack):
                self.arabic_without_dir.append(data.strip()[:60])

