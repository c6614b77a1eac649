"""Builds every registered model artifact once: content-addressed, locked across processes, skipped
when current.

    built = build(model_dir)                  # every trainer of `training.registry.TRAINERS`
    [b.name for b in built if b.trained]      # what this call trained (empty when nothing changed)

For each trainer, the content key of its inputs (`training.artifact.content_key`) names the
artifact. Under that artifact's file lock (`filelock`, files in `<model_dir>/.locks/`) an existing
artifact that loads is reused; otherwise the trainer writes it. So two processes building the same
artifact at once never both train it: one trains, the other waits for the lock and then reuses what
the first wrote. When the models are built, the manifest the runtime reads (`agents.artifacts`) is
updated under its own lock, and artifacts of those models that it no longer names are removed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock, Timeout

from agents.artifacts import MANIFEST, MANIFEST_FORMAT, ManifestEntry, read_manifest
from switchboard.errors import ConfigurationError
from training.artifact import Trainer, artifact_file, content_key

LOCKS = ".locks"


class Built(NamedTuple):
    """What the build did for one model."""

    name: str
    path: Path
    key: str
    featuriser: str
    trained: bool  # False: an artifact for these inputs existed and was reused
    waited: bool  # another process held this artifact's lock when the build reached it
    seconds: float

    def as_json(self) -> dict[str, object]:
        return {**self._asdict(), "path": str(self.path)}


def _quiet(_: str) -> None:
    pass


def _lock(model_dir: Path, name: str) -> FileLock:
    (model_dir / LOCKS).mkdir(parents=True, exist_ok=True)
    return FileLock(model_dir / LOCKS / f"{name}.lock")


def _usable(trainer: Trainer, path: Path, log: Callable[[str], None]) -> bool:
    if not path.exists():
        return False
    try:
        trainer.check(path)
    except (ConfigurationError, OSError, ValueError) as exc:
        log(f"{path.name} cannot be read ({type(exc).__name__}); training it again")
        return False
    return True


def build_one(
    model_dir: Path, trainer: Trainer, *, force: bool = False, log: Callable[[str], None] = _quiet
) -> Built:
    """Train `trainer`'s artifact into `model_dir` unless one for the current inputs exists."""
    inputs = trainer.inputs()
    key = content_key(trainer.name, inputs)
    path = Path(model_dir) / artifact_file(trainer.name, key)
    start = time.perf_counter()
    lock = _lock(Path(model_dir), path.name)
    waited = False
    try:
        lock.acquire(timeout=0)
    except Timeout:
        waited = True
        log(f"{trainer.name}: another process is building {path.name}; waiting for it")
        lock.acquire()
    try:
        trained = force or not _usable(trainer, path, log)
        if trained:
            log(f"{trainer.name}: training {path.name}")
            trainer.train(path, key)
            trainer.check(path)  # a trainer that wrote something unreadable fails the build here
    finally:
        lock.release()
    return Built(trainer.name, path, key, inputs.featuriser, trained, waited, time.perf_counter() - start)


def update_manifest(model_dir: Path, built: Iterable[Built]) -> None:
    """Record `built` in the manifest (other models' entries stay) and drop superseded artifacts."""
    model_dir = Path(model_dir)
    built = list(built)
    with _lock(model_dir, MANIFEST):
        try:
            entries = read_manifest(model_dir)
        except ConfigurationError:
            entries = {}  # an unreadable manifest is rebuilt from what exists
        current = dict(entries)
        for b in built:
            entries[b.name] = ManifestEntry(b.path.name, b.key, b.featuriser)
        if entries != current or not (model_dir / MANIFEST).exists():  # unchanged: leave it be
            _write_manifest(model_dir, entries)
        for b in built:
            for old in model_dir.glob(f"{b.name}-*.npz"):
                if re.fullmatch(rf"{re.escape(b.name)}-[0-9a-f]{{12}}\.npz", old.name) and old != b.path:
                    old.unlink(missing_ok=True)
                    (model_dir / LOCKS / f"{old.name}.lock").unlink(missing_ok=True)


def _write_manifest(model_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    """Replace the manifest atomically: a reader sees the old one or the whole new one."""
    data = {"format": MANIFEST_FORMAT, "models": {n: e._asdict() for n, e in sorted(entries.items())}}
    fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=MANIFEST, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, model_dir / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(
    model_dir: Path,
    trainers: Sequence[Trainer] | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] = _quiet,
) -> list[Built]:
    """Build `trainers` (default: every registered model) into `model_dir`; see the module docstring."""
    if trainers is None:
        from training.registry import TRAINERS

        trainers = TRAINERS
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    built = [build_one(model_dir, trainer, force=force, log=log) for trainer in trainers]
    update_manifest(model_dir, built)
    return built
