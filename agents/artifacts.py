"""Where the runtime finds its trained models: the manifest the build writes into the model directory.

`python -m training build` (what `make install` runs) trains every registered model whose inputs
changed and names each artifact after a hash of everything that decides its bytes (training data,
concept lexicons, parameters, featuriser, library versions): `intent-3f2a0c9d41b7.npz`. When every
artifact is in place it writes `manifest.json` beside them:

    {"format": 1, "models": {"intent": {"file": "intent-3f2a0c9d41b7.npz", "key": "<sha256>",
                                         "featuriser": "1"}, "injection": {...}, ...}}

The runtime reads only this manifest and the artifacts it names. It never reads training data (that
lives in the `training` package, which nothing at run time imports), so it cannot tell whether the
data changed since the build: `make install` (and every `make` target that runs it) rebuilds what
changed. What the runtime can check cheaply, it does: an entry records the featuriser the model was
trained with (`featuriser`), and a model whose featuriser differs from the code reading it now (a
concept lexicon edited without a rebuild) is refused rather than scored with other features.

Nothing here trains. A model missing from the manifest, a missing or unreadable artifact or a
featuriser mismatch is a `ConfigurationError` of one line that names the model and says to run
`make install`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from switchboard.errors import ConfigurationError

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
FIX = "run `make install` (or `python -m training build`) to build it"


class ManifestEntry(NamedTuple):
    """One model of the manifest: its artifact's file name, content key and featuriser."""

    file: str
    key: str
    featuriser: str


def not_built(name: str, model_dir: Path, why: str) -> ConfigurationError:
    """The one-line error for a model the runtime cannot use."""
    return ConfigurationError(f"the {name} model is not available in {model_dir} ({why}): {FIX}")


def read_manifest(model_dir: Path) -> dict[str, ManifestEntry]:
    """The manifest's entries by model name; an empty dict when there is no manifest yet.

    A manifest that exists but cannot be read is an error, never an empty build.
    """
    path = Path(model_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path} ({type(exc).__name__}): {FIX}") from exc
    try:
        if data["format"] != MANIFEST_FORMAT:
            raise ValueError(f"format {data['format']}")
        return {name: ManifestEntry(**entry) for name, entry in data["models"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"{path} is not a manifest this code reads ({exc}): {FIX}") from exc


def model_entry(model_dir: Path, name: str) -> tuple[Path, ManifestEntry]:
    """The artifact path and manifest entry of model `name`, checked to exist."""
    model_dir = Path(model_dir)
    if not (model_dir / MANIFEST).exists():
        raise not_built(name, model_dir, f"no {MANIFEST}")
    entry = read_manifest(model_dir).get(name)
    if entry is None:
        raise not_built(name, model_dir, f"not in {MANIFEST}")
    path = model_dir / entry.file
    if not path.is_file():
        raise not_built(name, model_dir, f"{entry.file} is missing")
    return path, entry
