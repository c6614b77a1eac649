"""The build of the model artifacts (`python -m training build`, what `make install` runs) and how
the runtime finds them.

- A missing or unreadable artifact is one line that names the model and says to run `make install`,
  from the loaders and from the `switchboard` command; nothing trains at run time.
- A second build with unchanged inputs trains nothing (the builder reports what it trained); the
  same inputs give byte-identical artifacts; a changed data file gives a new artifact name.
- Two processes building at once: one trains, the other waits for the lock and reuses the artifact.

The small builds here train the intent model on a third of one data file (a few seconds each).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agents.artifacts import MANIFEST, read_manifest
from agents.guards.injection import load_guard_model
from agents.intent_model import load_intent_model
from switchboard.errors import ConfigurationError
from training.artifact import content_key
from training.builder import build
from training.guards import INJECTION, SOCIAL, guard_inputs
from training.intent import DATA_DIR, intent_trainer
from training.registry import trainer_names

REPO = Path(__file__).resolve().parent.parent


def _one_line_fix(exc: BaseException, model: str) -> None:
    message = str(exc)
    assert "\n" not in message
    assert f"the {model} model" in message and "make install" in message


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    rows = [line for line in (DATA_DIR / "product_en.jsonl").read_text().splitlines() if line]
    (data / "product_en.jsonl").write_text("\n".join(rows[::3]) + "\n")
    return data


# -------------------------------------------------------------------- the runtime: no artifact, no training


@pytest.mark.parametrize("model", ["intent", "injection", "social", "abuse"])
def test_an_empty_model_dir_is_a_one_line_error_naming_the_model(tmp_path: Path, model: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        if model == "intent":
            load_intent_model(tmp_path)
        else:
            load_guard_model(tmp_path, model)
    _one_line_fix(caught.value, model)
    assert list(tmp_path.iterdir()) == []  # nothing was trained or written


def test_a_missing_unreadable_or_foreign_artifact_is_a_one_line_error(
    tmp_path: Path, built_models: Path
) -> None:
    entry = read_manifest(built_models)["intent"]
    cases = {
        "missing": lambda: None,
        "unreadable": lambda: (tmp_path / "unreadable" / entry.file).write_bytes(b"PK\x03\x04 truncated"),
        "other featuriser": lambda: shutil.copy(built_models / entry.file, tmp_path / "other featuriser"),
    }
    for case, prepare in cases.items():
        model_dir = tmp_path / case
        model_dir.mkdir()
        written = dict(entry._asdict(), featuriser="0" if case == "other featuriser" else entry.featuriser)
        (model_dir / MANIFEST).write_text(json.dumps({"format": 1, "models": {"intent": written}}))
        prepare()
        with pytest.raises(ConfigurationError) as caught:
            load_intent_model(model_dir)
        _one_line_fix(caught.value, "intent")
    (tmp_path / "garbage" / MANIFEST).parent.mkdir()
    (tmp_path / "garbage" / MANIFEST).write_text("{not json")
    with pytest.raises(ConfigurationError, match="make install") as caught:
        load_intent_model(tmp_path / "garbage")
    assert "\n" not in str(caught.value)


def test_the_cli_prints_one_line_and_exits_non_zero_without_models(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWITCHBOARD_", "OPENAI_"))}
    env.update(
        SWITCHBOARD_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
        SWITCHBOARD_CHECKPOINT_URL=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        SWITCHBOARD_MODEL_DIR=str(tmp_path / "models"),
        LANGSMITH_TRACING="false",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "chat", "--json", "你好"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "model is not available" in lines[0] and "make install" in lines[0]
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").glob("*.npz"))


# -------------------------------------------------------------------- the build


def test_every_registered_model_is_built_and_a_second_build_trains_nothing(built_models: Path) -> None:
    built = build(built_models)
    assert (
        [b.name for b in built]
        == trainer_names()
        == ["intent", "router_semantic", "injection", "social", "abuse", "harm"]
    )
    assert [b.name for b in built if b.trained] == []
    manifest = read_manifest(built_models)
    for b in built:
        assert manifest[b.name].file == b.path.name and b.path.exists()
        assert manifest[b.name].key == b.key


def test_same_inputs_reuse_and_give_identical_bytes_and_new_data_a_new_name(
    tmp_path: Path, small_data: Path
) -> None:
    trainer = intent_trainer(small_data)
    first = build(tmp_path / "a", [trainer])[0]
    assert first.trained and first.path.name.startswith("intent-")
    again = build(tmp_path / "a", [trainer])[0]
    assert not again.trained and again.path == first.path
    forced = build(tmp_path / "b", [trainer], force=True)[0]
    assert forced.trained and forced.path.name == first.path.name
    assert forced.path.read_bytes() == first.path.read_bytes()  # deterministic training

    with (small_data / "product_en.jsonl").open("a") as f:
        f.write(json.dumps({"text": "has FL123 boarded yet", "label": "flight_status", "lang": "en"}) + "\n")
    changed = build(tmp_path / "a", [trainer])[0]
    assert changed.trained and changed.path.name != first.path.name
    assert read_manifest(tmp_path / "a")["intent"].file == changed.path.name
    assert not first.path.exists()  # the superseded artifact is removed
    assert load_intent_model(tmp_path / "a").meta["data_hash"] == changed.key[:12]


def test_guard_keys_follow_their_data_and_only_tagged_models_read_the_lexicons(tmp_path: Path) -> None:
    data = tmp_path / "guard"
    shutil.copytree(guard_inputs(INJECTION).files[0].parent, data)
    before = {spec.name: content_key(spec.name, guard_inputs(spec, data)) for spec in (INJECTION, SOCIAL)}
    with (data / "social_benign.jsonl").open("a") as f:
        f.write(json.dumps({"text": "which seat did I pick on FL456", "label": "benign"}) + "\n")
    after = {spec.name: content_key(spec.name, guard_inputs(spec, data)) for spec in (INJECTION, SOCIAL)}
    assert before["injection"] != after["injection"] and before["social"] != after["social"]
    assert any(p.name == "concepts.py" for p in guard_inputs(SOCIAL).files)
    assert not any(p.name == "concepts.py" for p in guard_inputs(INJECTION).files)


# -------------------------------------------------------------------- two builds at once

_CONCURRENT_BUILD = """
import json, sys, time
from pathlib import Path
from training.artifact import Inputs, Trainer
from training.builder import build

work = Path(sys.argv[1])

def train(path, key):
    with (work / "trainings").open("a") as f:
        f.write(sys.argv[2] + "\\n")
    (work / "started").touch()
    while not (work / "release").exists():  # hold the lock until the test has seen the other wait
        time.sleep(0.05)
    path.write_bytes(b"artifact of " + key.encode())

trainer = Trainer(
    name="fake",
    inputs=lambda: Inputs(files=[], params={"n": 1}, featuriser="test"),
    train=train,
    check=lambda path: path.read_bytes(),
)
built = build(work / "models", [trainer], log=lambda m: print(m, file=sys.stderr, flush=True))
print(json.dumps([b.as_json() for b in built]))
"""


def _wait_for(condition, what: str, proc: subprocess.Popen[str]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 120  # a safety net for a broken build, not a measurement
    while not condition():
        assert proc.poll() is None or condition(), f"the build exited before {what}"
        assert time.monotonic() < deadline, f"no {what}"
        time.sleep(0.05)


def test_two_concurrent_builds_train_once_the_other_waits_and_reuses(tmp_path: Path) -> None:
    def start(tag: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _CONCURRENT_BUILD, str(tmp_path), tag],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=(tmp_path / f"{tag}.log").open("w"),
            text=True,
        )

    first = start("first")
    _wait_for(lambda: (tmp_path / "started").exists(), "training started", first)
    second = start("second")
    _wait_for(lambda: "waiting" in (tmp_path / "second.log").read_text(), "wait for the lock", second)
    (tmp_path / "release").touch()
    reports = {}
    for tag, proc in (("first", first), ("second", second)):
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, (tmp_path / f"{tag}.log").read_text()
        reports[tag] = json.loads(out)[0]
    assert (tmp_path / "trainings").read_text().split() == ["first"]
    assert reports["first"]["trained"] and not reports["first"]["waited"]
    assert reports["second"]["waited"] and not reports["second"]["trained"]
    assert reports["first"]["path"] == reports["second"]["path"]
    assert read_manifest(tmp_path / "models")["fake"].file == Path(reports["first"]["path"]).name
