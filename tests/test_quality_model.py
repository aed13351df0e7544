"""The quality model: training on real data, held-out scores, JSON round trip, refusing incompatible files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import shared_path
from dedupe.errors import ConfigError
from dedupe.quality import corpora
from dedupe.quality.features import FEATURE_VERSION, NUMERIC_FEATURES, HashingSettings
from dedupe.quality.metrics import label_metrics
from dedupe.quality.model import QualityModel, TrainSettings
from dedupe.quality.signals import SignalSettings
from dedupe.quality.split import held_out_mask
from dedupe.quality.training import fit_prepared, held_out_predictions, prepare

HASHING = HashingSettings(n_features=2**16)
SETTINGS = TrainSettings(C=10.0, keep_top=3000, signal_C=0.1)


def small_examples() -> list[corpora.Example]:
    """Arabic only, a few hundred documents: HPLT Arabic rows, MT output, human news."""
    hplt = [e for e in corpora.hplt_quality(shared_path("data", "hplt-quality", "annotations.jsonl")) if e.doc.lang == "ar"]
    mt = corpora.mt_ar(shared_path("data", "mt-ar", "system_outputs.jsonl"))[:80]
    news = corpora.arabic_news(shared_path("data", "arabic-news"))[:80]
    for e in news:
        e.targets.pop("syndicated")
    return hplt + mt + news


@pytest.fixture(scope="module")
def prepared():
    return prepare(small_examples(), SignalSettings(), HASHING)


@pytest.fixture(scope="module")
def model(prepared):
    return fit_prepared(prepared, HASHING, SETTINGS, {"purpose": "test"})


def test_held_out_documents_are_classified_well(prepared):
    probs, mask = held_out_predictions(prepared, HASHING, SETTINGS, test_share=0.3)
    labels = list(prepared.targets)
    mt = labels.index("machine_translated")
    y = prepared.targets["machine_translated"]
    keep = mask & (y >= 0)
    assert keep.sum() > 30
    scores = label_metrics(y[keep], probs[keep, mt])
    assert scores["roc_auc"] > 0.9 and scores["accuracy"] > 0.8


def test_split_keeps_groups_together(prepared):
    mask = held_out_mask(prepared.groups, 0.3)
    by_group: dict[str, set[bool]] = {}
    for g, m in zip(prepared.groups, mask):
        by_group.setdefault(g, set()).add(bool(m))
    assert all(len(sides) == 1 for sides in by_group.values())
    assert 0.15 < mask.mean() < 0.45


def test_round_trip_gives_identical_probabilities(model, prepared, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = QualityModel.load(path)
    assert np.array_equal(loaded.predict(prepared.numeric, prepared.chars), QualityModel.load(path).predict(prepared.numeric, prepared.chars))
    np.testing.assert_allclose(loaded.predict(prepared.numeric, prepared.chars),
                               model.predict(prepared.numeric, prepared.chars), atol=1e-5)
    data = json.loads(path.read_text(encoding="utf-8"))  # plain JSON: loading runs no code
    assert data["feature_version"] == FEATURE_VERSION
    assert data["hashing"]["n_features"] == 2**16
    assert data["labels"] == ["machine_translated", "low_quality"]


def test_same_data_same_bytes(prepared, model, tmp_path):
    again = fit_prepared(prepared, HASHING, SETTINGS, {"purpose": "test"})
    model.save(tmp_path / "a.json")
    again.save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_incompatible_feature_version_is_a_clear_error(model, tmp_path):
    data = model.to_json()
    data["feature_version"] = FEATURE_VERSION + 1
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="feature version"):
        QualityModel.load(path)


@pytest.mark.parametrize("damage", ["truncate", "not-a-model", "bad-index", "pickle"])
def test_damaged_or_foreign_files_are_refused(model, tmp_path, damage):
    path = tmp_path / "m.json"
    model.save(path)
    text = path.read_text(encoding="utf-8")
    if damage == "truncate":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "not-a-model":
        path.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    elif damage == "bad-index":
        data = json.loads(text)
        data["label_models"]["low_quality"]["char_index"][0] = 2**40
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        import pickle

        path.write_bytes(pickle.dumps({"format": "dedupe-quality-model"}))
    with pytest.raises(ConfigError):
        QualityModel.load(path)


def test_a_label_without_both_classes_cannot_be_trained(prepared):
    only_positive = [e for e in prepared.examples if e.targets.get("machine_translated") == 1][:20]
    data = prepare(only_positive, SignalSettings(), HASHING)
    with pytest.raises(ConfigError, match="machine_translated"):
        fit_prepared(data, HASHING, SETTINGS)


def test_regularisation_is_chosen_inside_training_and_recorded(prepared, tmp_path):
    grid = TrainSettings(C_grid=(0.1, 30.0), signal_C_grid=(0.01, 1.0), keep_top=3000)
    model = fit_prepared(prepared, HASHING, grid)
    for lm in model.label_models.values():
        assert lm.chosen_C in (0.1, 30.0) and lm.chosen_signal_C in (0.01, 1.0)
    model.save(tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["train"]["C_grid"] == [0.1, 30.0]
    loaded = QualityModel.load(tmp_path / "m.json")
    assert {l: m.chosen_C for l, m in loaded.label_models.items()} == {l: m.chosen_C for l, m in model.label_models.items()}


def test_long_tailed_rates_are_clipped_but_evidence_counts_are_not(model):
    names = list(NUMERIC_FEATURES)
    row = model.numeric_mean.copy()
    row[names.index("text.paren_rate")] += 1000 * model.numeric_scale[names.index("text.paren_rate")]
    row[names.index("mt.calque")] += 1000 * model.numeric_scale[names.index("mt.calque")]
    z = model.standardise(row.reshape(1, -1))[0]
    assert z[names.index("text.paren_rate")] == pytest.approx(4.0)
    assert z[names.index("mt.calque")] == pytest.approx(1000.0)


def test_extreme_scores_give_probabilities_0_and_1_without_warnings():
    """The sigmoid is stable: scores of +-1000 (an overflow for a naive exp) come out as 1 and 0 quietly."""
    import warnings

    import scipy.sparse as sp

    from dedupe.quality.model import LabelModel

    n = len(NUMERIC_FEATURES)
    lm = LabelModel(np.zeros(n), np.empty(0, dtype=np.int64), np.empty(0), 0.0, (1.0, 0.0))
    numeric = np.zeros((3, n))
    numeric[0, 0], numeric[1, 0] = 1.0, -1.0
    lm.numeric_coef[0] = 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = lm.probabilities(numeric, sp.csr_matrix((3, 16)))
    assert p.tolist() == [1.0, 0.0, 0.5]
