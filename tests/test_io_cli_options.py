"""Shared CLI options: inputs, field names, --on-error, --config, --quiet, settings merge, progress."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from dedupe.cli import options
from dedupe.errors import ConfigError, InputError
from dedupe.io import FieldMap, read_documents


def _command(seen: dict) -> click.Command:
    @click.command()
    @options.input_arguments
    @options.common_options
    def probe(inputs: tuple[str, ...], **params: object) -> None:
        cfg = options.load_settings(params, {"lang": {"sample_chars": 500}})
        seen["cfg"] = cfg
        seen["params"] = params
        docs = read_documents(list(inputs), FieldMap.from_config(cfg.input), cfg.input.on_error, cfg.input.max_chars)
        seen["ids"] = [d.id for d in options.progress(docs, quiet=bool(params["quiet"]), desc="probe")]

    return probe


def test_options_reach_the_config_and_the_reader(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text('{"key": "k1", "body": "first body"}\n{"key": "k2", "body": "second body"}\n{"broken"\n', encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text('[input]\nurl_field = "link"\non_error = "fail"\n\n[lang]\nseed = 4\n', encoding="utf-8")
    seen: dict = {}
    result = CliRunner().invoke(_command(seen), [str(data), "--text-field", "body", "--id-field", "key",
                                                 "--on-error", "skip", "--config", str(config), "-q"])
    assert result.exit_code == 0, result.output
    cfg = seen["cfg"]
    assert (cfg.input.text_field, cfg.input.id_field, cfg.input.url_field) == ("body", "key", "link")
    assert cfg.input.on_error == "skip"  # the command line wins over the file
    assert (cfg.lang.seed, cfg.lang.sample_chars) == (4, 500)  # file, then the command's own override
    assert cfg.input.source_field == "" and cfg.input.date_field == "published"  # defaults untouched
    assert seen["ids"] == ["k1", "k2", f"{data}:3"]


def test_options_left_out_do_not_override_the_config() -> None:
    assert options.cli_overrides({"text_field": None, "on_error": None, "quiet": False, "config": None}) == {}
    cfg = options.load_settings({"text_field": None, "on_error": None, "config": None})
    assert cfg.input.text_field == "text" and cfg.input.on_error == "fail"


def test_inputs_are_required_and_on_error_is_checked() -> None:
    runner = CliRunner()
    result = runner.invoke(_command({}), [])
    assert result.exit_code == 2 and "Missing argument 'INPUT...'" in result.output
    result = runner.invoke(_command({}), [str(FIXTURES / "io" / "articles.jsonl"), "--on-error", "ignore"])
    assert result.exit_code == 2 and "'fail', 'skip'" in result.output


def test_missing_input_is_one_line_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(InputError) as info:
        _command({}).main([str(missing)], standalone_mode=False)
    assert str(info.value) == f"{missing}: no such file or directory"


def test_missing_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        _command({}).main([str(FIXTURES / "io" / "articles.jsonl"), "--config", str(tmp_path / "none.toml")], standalone_mode=False)


def test_stdin_dash_is_an_input(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict = {}
    result = CliRunner().invoke(_command(seen), ["-", "-q"], input='{"id": "from-stdin", "text": "hello"}\n')
    assert result.exit_code == 0, result.output
    assert seen["ids"] == ["from-stdin"]


def test_progress_is_silent_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert list(options.progress(range(5), quiet=False, desc="x")) == [0, 1, 2, 3, 4]
    assert err.getvalue() == ""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_unless_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr(sys, "stderr", err)
    assert list(options.progress(range(3), quiet=True, desc="x")) == [0, 1, 2]
    assert err.getvalue() == ""
    assert list(options.progress(range(3), quiet=False, desc="reading", total=3)) == [0, 1, 2]
    assert "reading" in err.getvalue()
