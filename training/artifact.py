"""What a trainer is to the builder, how an artifact is named, and how its bytes are written.

A `Trainer` declares the `Inputs` that decide its artifact's bytes (files read, parameters, the
runtime featuriser it trains for) and a `train` function that writes the artifact. The builder
(`training.builder`) names the artifact `<name>-<first 12 hex digits of content_key>.npz`:
identical inputs give the same name, so an artifact that exists is reused, and any change to the
data, the lexicons, the parameters, the featuriser or the library versions gives a new one.

Training is deterministic: `write_artifact` fixes the zip timestamps, so the same inputs always
give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from agents.intent_model import ARTIFACT_FORMAT, IntentModel

# The libraries whose numerics end up in an artifact: a new version may give other bytes.
LIBRARIES = ("scikit-learn", "scipy", "numpy")
KEY_FORMAT = 1


class Inputs(NamedTuple):
    """Everything that decides an artifact's bytes."""

    files: Sequence[Path]  # training data (and any other file the trainer reads), hashed by content
    params: Mapping[str, Any]  # JSON-serialisable: hyper-parameters, recipe version, row selection
    featuriser: str  # the runtime featuriser's id (recorded in the manifest; checked at load)


def _check_intent_artifact(path: Path) -> object:
    return IntentModel.load(path)


@dataclass(frozen=True)
class Trainer:
    """One model the builder knows: its name, its inputs and how to train it.

    `train(path, key)` writes the artifact to `path` (atomically, e.g. with `write_artifact`);
    `key` is the content key, which the artifact may record. `check(path)` raises when an existing
    artifact cannot be used (then it is trained again).
    """

    name: str
    inputs: Callable[[], Inputs]
    train: Callable[[Path, str], None]
    check: Callable[[Path], object] = _check_intent_artifact


def library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def content_key(name: str, inputs: Inputs) -> str:
    """The SHA-256 of the model's name, parameters, featuriser, library versions and file contents."""
    header = {
        "key_format": KEY_FORMAT,
        "artifact_format": ARTIFACT_FORMAT,
        "model": name,
        "params": inputs.params,
        "featuriser": inputs.featuriser,
        "libraries": library_versions(),
    }
    digest = hashlib.sha256(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for path in inputs.files:
        digest.update(b"\0" + path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


def artifact_file(name: str, key: str) -> str:
    return f"{name}-{key[:12]}.npz"


def join_terms(terms: Sequence[str]) -> np.ndarray:
    """A vocabulary stored as UTF-8 terms joined by newlines (`agents.intent_model.split_terms`)."""
    if any("\n" in t for t in terms):  # analyzers split on whitespace, so this cannot happen
        raise ValueError("a vocabulary term contains a newline")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


def model_arrays(
    meta: Mapping[str, Any], char: Any, word: Any, coef: np.ndarray, intercept: np.ndarray
) -> dict[str, np.ndarray]:
    """The arrays of an artifact: header, both vocabularies and idf weights, coefficients, intercepts."""
    char_terms = sorted(char.vocabulary_, key=char.vocabulary_.get)
    word_terms = sorted(word.vocabulary_, key=word.vocabulary_.get)
    return {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        "char_vocab": join_terms(char_terms),
        "word_vocab": join_terms(word_terms),
        "char_idf": char.idf_.astype(np.float64),
        "word_idf": word.idf_.astype(np.float64),
        "coef_t": coef.T.astype(np.float32),
        "intercept": intercept.astype(np.float64),
    }


def write_artifact(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz with fixed zip timestamps, so the same model always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                zf.writestr(
                    zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue()
                )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the artifact is for every process
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
