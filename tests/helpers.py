"""Helpers for tests that build their own databases."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from tools.db import make_engine


def sqlite_copy(template: Path, target: Path, **engine_kwargs: Any) -> Engine:
    """An engine over a copy of a seeded SQLite file (much cheaper than seeding again)."""
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}", **engine_kwargs)
