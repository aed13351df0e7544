"""`dedupe config show`: every effective setting with its source; ./dedupe.toml read when no --config is given."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


def dedupe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, timeout=600, cwd=cwd)


def show(cwd: Path, *args: str) -> dict:
    proc = dedupe("config", "show", "--json", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_defaults_file_and_options_are_told_apart(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text('[near]\nthreshold = 0.8\n\n[input]\ntext_field = "body"\n', encoding="utf-8")
    out = show(tmp_path, "--config", str(config), "--text-field", "content", "--batch-docs", "500")
    settings = out["settings"]
    assert out["config_file"] == str(config)
    assert settings["near.threshold"] == {"value": 0.8, "source": f"file {config}"}
    assert settings["input.text_field"] == {"value": "content", "source": "option"}  # the option wins over the file
    assert settings["filter.batch_docs"] == {"value": 500, "source": "option"}
    assert settings["near.num_perm"] == {"value": 128, "source": "default"}
    assert settings['quality.flags."mt:calque"']["source"] == "default"
    text = dedupe("config", "show", "--config", str(config), cwd=tmp_path).stdout
    assert f"# config file: {config}" in text
    assert any(line.startswith("near.threshold = 0.8") and line.endswith(f"# file {config}") for line in text.splitlines())


def test_dedupe_toml_in_the_working_directory_is_read_when_no_config_is_given(tmp_path: Path) -> None:
    assert show(tmp_path)["config_file"] is None
    (tmp_path / "dedupe.toml").write_text('[input]\ntext_field = "body"\n\n[gate]\nmin_documents = 2\n', encoding="utf-8")
    out = show(tmp_path)
    assert out["config_file"] == "dedupe.toml"
    assert out["settings"]["input.text_field"] == {"value": "body", "source": "file dedupe.toml"}
    assert "found in the working directory" in dedupe("config", "show", cwd=tmp_path).stdout
    # and every command reads it: the text sits in "body" here, and the gate wants 2 documents
    (tmp_path / "in.jsonl").write_text('{"id": "a", "body": "only one document in this batch"}\n', encoding="utf-8")
    proc = dedupe("gate", "in.jsonl", "--no-classify", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["failed"] == ["min_documents"]
    other = tmp_path / "other.toml"
    other.write_text("", encoding="utf-8")
    assert show(tmp_path, "--config", str(other))["settings"]["input.text_field"]["source"] == "default"


def test_a_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "dedupe.toml").write_text("[near]\nthreshhold = 0.8\n", encoding="utf-8")
    proc = dedupe("config", "show", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown setting 'threshhold'" in proc.stderr and "Traceback" not in proc.stderr
