"""`dedupe classify` end to end on the seeds: labels, signals and explanations in the output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dedupe.cli import cli


def write_seeds(seeds_dir, path):
    with path.open("w", encoding="utf-8") as fh:
        for p in sorted(seeds_dir.glob("*.txt")):
            fh.write(json.dumps({"id": p.name[:3], "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")


def test_classify_adds_labels_signals_and_explanation(seeds_dir, tmp_path):
    src, out = tmp_path / "seeds.jsonl", tmp_path / "out.jsonl"
    write_seeds(seeds_dir, src)
    result = CliRunner().invoke(cli, ["classify", str(src), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(rows) == 5
    for row in rows.values():
        d = row["dedupe"]
        assert set(d["labels"]) == {"syndicated", "machine_translated", "low_quality"}
        assert all(0.0 <= p <= 1.0 for p in d["labels"].values())
        assert d["decision"] == "keep"  # classify marks, it never rejects
    assert rows["003"]["dedupe"]["labels"]["machine_translated"] >= 0.5
    assert "mt:untranslated-ui" in rows["003"]["dedupe"]["signals"]
    assert any("machine_translated" in line for line in rows["003"]["dedupe"]["explanation"])
    assert "documents: 5" in result.output


def test_classify_output_is_deterministic(seeds_dir, tmp_path):
    src = tmp_path / "seeds.jsonl"
    write_seeds(seeds_dir, src)
    outs = []
    for name in ("a.jsonl", "b.jsonl"):
        assert CliRunner().invoke(cli, ["classify", str(src), "-o", str(tmp_path / name), "-q", "--no-near"]).exit_code == 0
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]


def test_classify_with_an_incompatible_model_is_one_line_error(seeds_dir, tmp_path):
    src, model = tmp_path / "seeds.jsonl", tmp_path / "model.json"
    write_seeds(seeds_dir, src)
    model.write_text(json.dumps({"format": "dedupe-quality-model", "format_version": 1, "feature_version": 0}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(src), "-o", str(tmp_path / "o.jsonl"), "--model", str(model)])
    assert result.exit_code != 0
    assert "feature version" in str(result.exception)
    assert not (tmp_path / "o.jsonl").exists()
