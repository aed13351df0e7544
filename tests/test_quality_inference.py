"""Scoring without scipy gives the sparse path's probabilities: the n-gram scores gathered and summed
with numpy, and a sigmoid that never overflows, against CSR products and scipy's expit on real texts."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from conftest import real_quality_documents
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.pipeline import run_pipeline
from dedupe.quality.batch import batch_features
from dedupe.quality.classifier import Classifier, default_model_path, signal_settings
from dedupe.quality.features import char_matrix
from dedupe.quality.model import QualityModel, sigmoid
from dedupe.quality.prepare import preparation_stages


def _real_documents() -> list[Document]:
    """Arabic news, English web articles, German-English machine translation and HPLT rows in many languages."""
    return real_quality_documents(seeds=False, news=150, articles=150, translations=100, hplt_every=10, extra=[
        Document(id="empty", text=""), Document(id="one-word", text="word")])


@pytest.fixture(scope="module")
def prepared() -> list[Document]:
    return list(run_pipeline(_real_documents(), preparation_stages(load_config())))


def test_probabilities_equal_the_sparse_path_with_scipys_expit(prepared):
    from scipy.special import expit

    model = QualityModel.load(default_model_path())
    settings = signal_settings(load_config().quality)
    feats = batch_features(prepared, settings, model.hashing, char_weights=model.char_weight_matrix())
    new = model.predict(feats.numeric, None, feats.char_scores)

    chars = char_matrix([d.text for d in prepared], model.hashing)  # scipy CSR: the path before
    z = model.standardise(feats.numeric)
    old = np.column_stack([
        expit(lm.calibration[0] * (z @ lm.numeric_coef + np.asarray(chars @ lm.char_weights(chars.shape[1])).ravel()
                                   + lm.intercept) + lm.calibration[1])
        for lm in (model.label_models[label] for label in model.labels)])
    assert new.shape == old.shape == (len(prepared), len(model.labels))
    assert np.abs(new - old).max() <= 1e-12
    assert np.array_equal(new >= 0.5, old >= 0.5)
    assert np.array_equal(np.round(new, 4), np.round(old, 4))  # what a document's labels hold
    assert (new >= 0.5).any() and (new < 0.5).any()  # both sides of the threshold were exercised
    # the CSR path of the model itself (training and evaluation pass a matrix) agrees too
    np.testing.assert_allclose(model.predict(feats.numeric, chars), old, rtol=0, atol=1e-12)


def test_the_sigmoid_is_expit_and_never_overflows():
    from scipy.special import expit

    x = np.concatenate([np.linspace(-800, 800, 16001), [-1e308, -745.2, -709.8, 0.0, -0.0, 709.8, 1e308]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in exp would raise here
        got = sigmoid(x)
    want = expit(x)
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-300)
    assert got[x > 40].min() == 1.0 and got[x < -800].max() == 0.0
    assert np.all(np.diff(got[:16001]) >= 0)  # monotone


def test_classifying_loads_neither_scipy_nor_scikit_learn(prepared):
    """The filter's classifier needs numpy only: scipy and scikit-learn are for `dedupe train`."""
    probe = (
        "import sys, json\n"
        "from dedupe.document import Document\n"
        "from dedupe.quality import Classifier\n"
        "docs = [Document(id='a', text='A short story about the harbour, told twice. ' * 20, input_order=0)]\n"
        "Classifier.load().classify(docs)\n"
        "assert docs[0].labels\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not set(json.loads(proc.stdout.splitlines()[-1])) & {"scipy", "sklearn"}
    # and the in-process classifier labels real documents as the test above scored them
    docs = [Document(id=d.id, text=d.text, lang=d.lang, input_order=d.input_order) for d in prepared[:20]]
    Classifier.load().classify(docs)
    assert all(set(d.labels) == set(QualityModel.load(default_model_path()).labels) for d in docs)


def test_the_model_read_by_orjson_equals_the_model_read_by_json(tmp_path):
    path = default_model_path()
    fast = QualityModel.load(path)
    slow = QualityModel.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
    assert fast.labels == slow.labels and fast.hashing == slow.hashing and fast.metadata == slow.metadata
    assert np.array_equal(fast.numeric_mean, slow.numeric_mean) and np.array_equal(fast.numeric_scale, slow.numeric_scale)
    for label in fast.labels:
        a, b = fast.label_models[label], slow.label_models[label]
        assert np.array_equal(a.char_index, b.char_index) and np.array_equal(a.char_coef, b.char_coef)
        assert np.array_equal(a.numeric_coef, b.numeric_coef) and (a.intercept, a.calibration) == (b.intercept, b.calibration)
    # what orjson refuses but json.dumps may write (NaN) is still read, by json
    data = json.loads(path.read_text(encoding="utf-8"))
    data["metadata"]["note"] = float("nan")
    odd = tmp_path / "nan.json"
    odd.write_text(json.dumps(data), encoding="utf-8")
    assert np.isnan(QualityModel.load(odd).metadata["note"])
