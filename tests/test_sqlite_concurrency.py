"""Many one-shot `switchboard chat` processes at once on the default SQLite files: none crashes.

Each process either prints its reply or exits with a one-line error; every reply's turn is in its
thread afterwards. `python -m bench.sqlite_concurrency --processes 100` is the full-size run (the
README's figure); this test runs 16 processes (4 per thread), a scale that already failed before (measured: 90 of 100,
and 32 of 50, died of "database is locked").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.sqlite_concurrency import run_simultaneous_chats

pytestmark = pytest.mark.slow


def test_simultaneous_one_shot_chats_on_sqlite_all_answer(seeded_sqlite: Path, tmp_path: Path) -> None:
    outcome = run_simultaneous_chats(seeded_sqlite, tmp_path, processes=16, threads=4)
    for result in outcome.results:
        if result.returncode == 0:
            assert json.loads(result.stdout)["reply"], result.stdout
        else:  # a clear one-line error, never a traceback
            assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr, result.stderr
    assert outcome.crashed == 0
    assert outcome.answered == 16  # on this scale every process gets its turn through
    assert outcome.turns_in_threads == outcome.answered
