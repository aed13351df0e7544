"""`dedupe train` on a small labeled JSONL built from real data: metric table, a loadable model."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import shared_path
from dedupe.cli import cli
from dedupe.config import load_config
from dedupe.quality import QualityModel


def labeled_jsonl(path) -> int:
    """Arabic MT output (positives) and human Arabic news (negatives), with HPLT Arabic rows for low_quality."""
    rows = []
    for line in shared_path("data", "mt-ar", "system_outputs.jsonl").read_text(encoding="utf-8").splitlines()[:60]:
        r = json.loads(line)
        rows.append({"id": f"{r['system']}:{r['doc_id']}", "text": r["hypothesis"], "group": r["doc_id"],
                     "labels": {"machine_translated": 1}})
    for line in shared_path("data", "arabic-news", "articles.jsonl").read_text(encoding="utf-8").splitlines()[:60]:
        r = json.loads(line)
        rows.append({"id": r["id"], "text": r["text"], "labels": {"machine_translated": 0, "low_quality": 0}})
    for line in shared_path("data", "hplt-quality", "annotations.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["lang"] == "ara_Arab":
            rows.append({"id": r["id"], "text": r["text_show"], "labels": {"low_quality": int(r["unnatural"])}})
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(rows)


def test_train_prints_held_out_metrics_and_saves_a_model(tmp_path):
    data, model = tmp_path / "labeled.jsonl", tmp_path / "model.json"
    n = labeled_jsonl(data)
    result = CliRunner().invoke(cli, ["train", str(data), "-o", str(model), "-q", "--test-share", "0.3"])
    assert result.exit_code == 0, result.output
    assert f"documents: {n}" in result.output
    header = next(line for line in result.output.splitlines() if line.startswith("label"))
    assert header.split() == ["label", "slice", "n", "pos", "prec", "recall", "f1", "acc", "roc_auc"]
    mt = next(line.split() for line in result.output.splitlines() if line.startswith("machine_translated") and " all " in line)
    assert float(mt[-1]) > 0.85  # held-out ROC AUC on documents the model did not see
    loaded = QualityModel.load(model)
    assert loaded.labels == ["machine_translated", "low_quality"]
    grid = load_config().quality.train.C_grid
    for label, lm in loaded.label_models.items():  # C was chosen per label from the configured grid
        assert lm.chosen_C in grid, label


def test_train_with_fixed_C_and_a_config_budget(tmp_path):
    data, model, config = tmp_path / "labeled.jsonl", tmp_path / "model.json", tmp_path / "train.toml"
    labeled_jsonl(data)
    config.write_text("[quality.train.keep_top]\nmachine_translated = 50\nlow_quality = 70\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", str(data), "-o", str(model), "-q", "--C", "3", "--config", str(config)])
    assert result.exit_code == 0, result.output
    loaded = QualityModel.load(model)
    assert {lm.chosen_C for lm in loaded.label_models.values()} == {3.0}
    assert len(loaded.label_models["machine_translated"].char_index) <= 50
    assert len(loaded.label_models["low_quality"].char_index) <= 70
    assert len(loaded.label_models["low_quality"].char_index) > 50  # each label has its own budget


def test_train_refuses_bad_labels_with_file_and_line(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "نص قصير للتجربة", "labels": {"spam": 1}}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", str(data), "-o", str(tmp_path / "m.json")])
    assert result.exit_code != 0
    assert "unknown label 'spam'" in str(result.exception)
    assert "bad.jsonl" in str(result.exception)
