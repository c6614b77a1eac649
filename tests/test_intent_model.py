"""The intent classifier at run time: the built model routes the product's examples and hard
negatives right, handles odd input, scores without scikit-learn, and is found through the manifest.

The model is the one `make install` built (the session fixture `built_models` builds it when it is
missing); the training side is in `tests/test_training_intent.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agents import intent_model as im
from switchboard.errors import ConfigurationError, InputError
from switchboard.intents import INTENTS
from switchboard.text import normalize
from tests.intent_examples import CONTRACT_EXAMPLES, HARD_CASES, SOURCE_EXAMPLES


@pytest.fixture(scope="module")
def model(built_models: Path) -> im.IntentModel:
    return im.load_intent_model(built_models)


@pytest.mark.parametrize(("text", "label"), SOURCE_EXAMPLES + CONTRACT_EXAMPLES + HARD_CASES)
def test_examples_classify_right(model: im.IntentModel, text: str, label: str) -> None:
    assert model.predict(normalize(text)).label == label


def test_prediction_shape_and_threshold(model: im.IntentModel) -> None:
    prediction = model.predict("FL456 delayed?")
    assert prediction.label == "flight_status"
    assert set(prediction.scores) == set(INTENTS) == set(model.labels)
    assert sum(prediction.scores.values()) == pytest.approx(1.0)
    assert prediction.confidence == max(prediction.scores.values())
    assert 0.0 < model.threshold < 1.0
    assert prediction.confidence >= model.threshold


def test_full_width_empty_and_odd_input_do_not_crash(model: im.IntentModel) -> None:
    assert model.predict("ＦＬ４５６ 延误了吗？").label == "flight_status"
    # The model applies NFKC itself, so un-normalised full-width text scores the same.
    assert model.predict("ＦＬ４５６").scores == pytest.approx(model.predict("FL456").scores)
    for text in ["", "   ", "\x00\x01\x02", "🙂" * 10, "a" * 100_000]:
        prediction = model.predict(text)
        assert prediction.label in INTENTS
        assert 0.0 < prediction.confidence <= 1.0
    assert model.predict_many([]) == []


def test_non_text_is_an_input_error(model: im.IntentModel) -> None:
    with pytest.raises(InputError):
        model.predict(b"FL123")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        model.predict(None)  # type: ignore[arg-type]


def test_inference_imports_neither_sklearn_nor_the_training_package(built_models: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from agents.intent_model import load_intent_model; "
        f"m = load_intent_model(Path({str(built_models)!r})); p = m.predict('FL123 status'); "
        "assert not [k for k in sys.modules if k.startswith(('sklearn', 'scipy', 'training'))], 'imported'; "
        "print(p.label)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "flight_status"


def test_the_model_is_the_one_the_manifest_names_and_is_cached(built_models: Path) -> None:
    from agents.artifacts import read_manifest

    first = im.load_intent_model(built_models)
    assert first is im.load_intent_model(built_models)  # cached per process
    entry = read_manifest(built_models)["intent"]
    assert first.meta == im.IntentModel.load(built_models / entry.file).meta
    assert entry.featuriser == im.FEATURISER_VERSION


def test_a_file_that_is_not_an_artifact_is_a_configuration_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ConfigurationError):
        im.IntentModel.load(junk)
