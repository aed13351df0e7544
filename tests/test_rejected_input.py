"""One rule for unreadable input: it never reaches a cleaned, labelled or kept output; --rejects gets it,
otherwise stderr names and counts it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def dedupe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Three good records and three that cannot be read (invalid JSON, no text, empty text)."""
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[:3]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good[0], '{"id": "broken", "text": ', good[1], '{"id": "no-text"}', good[2],
                               '{"id": "blank", "text": "  "}']) + "\n", encoding="utf-8")
    return path


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("command", ["clean", "classify"])
def test_without_rejects_unreadable_records_are_named_on_stderr_not_written(tmp_path: Path, mixed: Path,
                                                                           command: str) -> None:
    out = tmp_path / "out.jsonl"
    extra = ["--no-near"] if command == "classify" else []
    proc = dedupe(command, str(mixed), "-o", str(out), "--on-error", "skip", "-q", *extra)
    assert proc.returncode == 0, proc.stderr
    written = rows(out)
    assert len(written) == 3 and all(r["text"].strip() and "error" not in r["dedupe"] for r in written)
    assert "raw" not in {k for r in written for k in r}
    for line in (2, 4, 6):
        assert f"unreadable, not written: {mixed}:{line}: " in proc.stderr
    assert "unreadable records left out of the output: 3; --rejects FILE keeps them" in proc.stderr


@pytest.mark.parametrize("command", ["clean", "classify"])
def test_with_rejects_they_go_there_and_every_record_lands_once(tmp_path: Path, mixed: Path, command: str) -> None:
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    extra = ["--no-near"] if command == "classify" else []
    proc = dedupe(command, str(mixed), "-o", str(out), "--rejects", str(rejects), "--on-error", "skip", "-q", *extra)
    assert proc.returncode == 0, proc.stderr
    assert len(rows(out)) == 3
    rejected = rows(rejects)
    assert [r["dedupe"]["where"] for r in rejected] == [f"{mixed}:2", f"{mixed}:4", f"{mixed}:6"]
    assert all(r["dedupe"]["reasons"] == ["unreadable"] for r in rejected)
    assert rejected[0]["raw"] == '{"id": "broken", "text": '  # the line as read, for whoever repairs it
    assert "unreadable, not written" not in proc.stderr


def test_clean_help_says_where_unreadable_records_go() -> None:
    text = " ".join(dedupe("clean", "--help").stdout.split())
    assert "never written to the output" in text and "named on stderr" in text


def test_filter_sends_them_to_rejects_only(tmp_path: Path, mixed: Path) -> None:
    kept, rejects = tmp_path / "kept.jsonl", tmp_path / "rejects.jsonl"
    proc = dedupe("filter", str(mixed), "-o", str(kept), "--rejects", str(rejects), "--on-error", "skip",
                  "--no-classify", "-q")
    assert proc.returncode == 0, proc.stderr
    assert all("error" not in r["dedupe"] for r in rows(kept))
    assert sum(r["dedupe"]["reasons"] == ["unreadable"] for r in rows(rejects)) == 3
