"""The HTML report in a real headless Chromium (Debian's, driven by Playwright): it runs without console
errors, clusters expand on click, hostile strings stay text, Arabic runs right to left.

Chromium comes from scripts/system-deps.sh (`make install-test`); Playwright's own browser download
is never used. Without Chromium the test skips, unless DEDUPE_REQUIRE_SHARED=1, where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from report_corpus import IMG, SCRIPT, write_corpus

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def _missing(message: str) -> None:
    if os.environ.get("DEDUPE_REQUIRE_SHARED") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = os.environ.get("DEDUPE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("chromium is not installed (scripts/system-deps.sh installs Debian's package): no browser to render the report in")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is missing: pip install -e '.[test]'")
    return path


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    corpus = write_corpus(tmp / "corpus.jsonl")
    html = tmp / "report.html"
    done = subprocess.run([sys.executable, "-m", "dedupe", "report", str(corpus), "-o", str(html), "--no-classify",
                           "--workers", "1", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return html


def test_report_in_headless_chromium(chromium: str, report_file: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report_file.as_uri())
            page.wait_for_load_state("load")

            # A cluster expands on click: its members become visible.
            first = page.locator("details.cluster").first
            members = first.locator("table.members")
            assert not members.is_visible()
            first.locator("summary").click()
            assert members.is_visible()
            assert first.evaluate("d => d.open") is True
            assert members.locator("tbody tr").count() == 4  # seed-000 and its three re-posts

            # The hostile pair: its strings are shown as text, nothing ran, nothing was injected.
            hostile = page.locator("details.cluster", has=page.locator("summary .title", has_text=SCRIPT))
            assert hostile.count() == 1
            title = hostile.locator("summary .title")
            assert title.inner_text() == f"{SCRIPT} {IMG}"
            hostile.locator("summary").click()
            assert hostile.locator("td code", has_text=f"hostile-copy-{IMG}").is_visible()
            assert page.locator("img").count() == 0
            assert page.evaluate("document.scripts.length") == 1
            assert dialogs == []

            # Arabic runs right to left, Latin left to right.
            assert first.locator("summary .title").evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert first.locator(".doc-title").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert first.locator("table.sbs td").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert title.evaluate("e => getComputedStyle(e).direction") == "ltr"
            assert page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "ltr"

            # The inline script works under the CSP: the sources table filters and sorts.
            count = page.locator("#source-count")
            total = count.inner_text()
            page.locator("#source-filter").fill("akhbar-fawriya")
            assert count.inner_text() == f"1 of {total.split(' of ')[1]}"
            page.locator("#source-filter").fill("")
            page.locator("#source-table th", has_text="documents").click()
            cells = page.locator("#source-table tbody tr td:nth-child(2)").all_inner_texts()
            assert [int(c) for c in cells] == sorted((int(c) for c in cells), reverse=True)

            first.scroll_into_view_if_needed()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests)  # nothing asked of the network
    assert shot.stat().st_size > 10_000
