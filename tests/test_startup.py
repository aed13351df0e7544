"""Start-up stays cheap: the CLI and `import dedupe` load no heavy library until a command needs it.

A behaviour test (which modules are imported), not a timed one; benchmarks/bench_startup.py measures.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sklearn", "scipy", "trafilatura", "pyarrow", "tldextract", "datasketch", "langdetect", "pandas", "jinja2")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_import_dedupe_and_its_cli_load_no_heavy_library() -> None:
    assert not loaded_after("import dedupe, dedupe.cli") & set(HEAVY)


def test_dedupe_help_loads_no_command_module_and_no_heavy_library() -> None:
    code = ("from dedupe.cli import cli\n"
            "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "assert not [m for m in sys.modules if m.startswith('dedupe.cli.') and m != 'dedupe.cli.options']")
    assert not loaded_after(code) & set(HEAVY)


def test_the_api_names_load_lazily() -> None:
    assert not loaded_after("from dedupe import Config, clean, filter, gate, Index, Document") & set(HEAVY)


def test_a_filter_run_without_the_classifier_loads_none_of_them(tmp_path) -> None:
    """The first document of `dedupe filter --no-classify` needs numpy, regex and the stages, not the heavy stack."""
    doc = tmp_path / "one.jsonl"
    doc.write_text(json.dumps({"id": "a", "url": "https://example.com/x", "text": "one short story " * 20}) + "\n",
                   encoding="utf-8")
    code = ("from dedupe.cli import cli\n"
            f"cli.main(['filter', {str(doc)!r}, '-o', {str(tmp_path / 'k.jsonl')!r}, '--rejects', "
            f"{str(tmp_path / 'r.jsonl')!r}, '--no-classify', '-q'], standalone_mode=False)")
    loaded = loaded_after(code)
    assert "dedupe" in loaded and (tmp_path / "k.jsonl").exists()
    assert not loaded & {"sklearn", "scipy", "trafilatura", "pyarrow", "datasketch", "langdetect", "jinja2"}


def test_a_filter_run_with_the_classifier_loads_neither_scipy_nor_scikit_learn(tmp_path) -> None:
    """The classifier scores with numpy alone: scipy and scikit-learn are for `dedupe train`."""
    doc = tmp_path / "one.jsonl"
    doc.write_text(json.dumps({"id": "a", "text": "One short story about the harbour, told twice. " * 30}) + "\n",
                   encoding="utf-8")
    code = ("from dedupe.cli import cli\n"
            f"cli.main(['filter', {str(doc)!r}, '-o', {str(tmp_path / 'k.jsonl')!r}, '--rejects', "
            f"{str(tmp_path / 'r.jsonl')!r}, '-q'], standalone_mode=False)")
    loaded = loaded_after(code)
    kept = [json.loads(line) for line in (tmp_path / "k.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(kept) == 1 and kept[0]["dedupe"]["labels"]  # the classifier ran
    assert not loaded & {"sklearn", "scipy", "trafilatura", "pyarrow", "datasketch", "langdetect", "jinja2"}
