"""Running cases: each on a fresh thread, a fresh in-memory checkpointer and a fresh database copy.

One seeded SQLite template per run (airline fixtures + a fixed-size vehicle stock), copied for
every case; the read-only heavy pieces (intent model, guards, knowledge agent, chat model) are built once
per process and shared by the cases it runs. With more than one worker the cases run in worker
processes (the graph is CPU-bound Python: threads would share one core). A run is JSON only, so
it crosses process boundaries as it is; `evals.harness.judge` turns it into verdicts.

This module imports no DeepEval: workers never pay for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evals.harness.dataset import Case
from switchboard.settings import Settings

DEFAULT_VEHICLES = 1000
# The instant an evaluation runs at (a Thursday morning in the default time zone): the timetable
# is seeded from its date. SWITCHBOARD_NOW overrides it.
EVAL_NOW = "2026-12-03T09:00:00"
# The harness's answer to a confirmation question left open at the end of a case.
CONFIRM_ANSWER = {"zh": "是的", "en": "yes"}


@dataclass
class Environment:
    """What a process needs to run cases: the template database and the shared models."""

    settings: Settings
    template: Path
    workdir: Path
    shared: dict[str, Any] = field(default_factory=dict)


def frozen(settings: Settings) -> Settings:
    """The run's settings with the clock stopped at `EVAL_NOW` unless they freeze it already:
    every run sees the same timetable, seats and statuses, whatever the day ("tomorrow morning",
    "the 9 o'clock one", a free seat on it), so runs compare."""
    return settings if settings.now else settings.model_copy(update={"now": EVAL_NOW})


def seed_template(path: Path, vehicles: int = DEFAULT_VEHICLES, today: date | None = None) -> Path:
    """A seeded SQLite file: the airline timetable from `today` and `vehicles` cars (deterministic)."""
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory
    from tools.seed import seed_airline

    engine = make_engine(f"sqlite:///{path}")
    try:
        seed_airline(engine, today=today)
        seed_inventory(engine, vehicles)
    finally:
        # The last connection to close checkpoints the WAL into the file: one file to copy.
        engine.dispose()
    return path


# Read-only pieces of `Services` that every case can share (models, indexes, guards); the ones
# bound to a database (airline, inventory) are built per case over its copy.
SHARED_PIECES = ("intent_model", "input_guard", "output_guard", "knowledge")


def shared_models(settings: Settings, template: Path) -> dict[str, Any]:
    """The shareable pieces, built once per process through `Services` and warmed up."""
    from graphs.services import Services, build_services
    from tools.db import make_engine

    engine = make_engine(f"sqlite:///{template}")
    try:
        services = build_services(settings, engine=engine)
        shared: dict[str, Any] = {
            name: getattr(services, name) for name in SHARED_PIECES if hasattr(Services, name)
        }
        if services.chat_model is not None:
            shared["chat_model"] = services.chat_model
        elif "knowledge" in shared:
            # The index loads on the first question: pay for it here, not in a case's latency.
            shared["knowledge"].answer("baggage allowance", "en")
    finally:
        engine.dispose()
    return shared


def _count(engine: Any, table_name: str, where: dict[str, Any]) -> int:
    from sqlalchemy import func, select

    import tools.airline_models  # noqa: F401  (registers the tables on Base.metadata)
    import tools.inventory.models  # noqa: F401
    from tools.db import Base

    table = Base.metadata.tables[table_name]
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column].is_(None) if value is None else table.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _turn_record(graph: Any, user_id: str, thread_id: str, text: str) -> dict[str, Any]:
    from graphs.runner import run_turn, thread_config

    started = time.perf_counter()
    result = run_turn(graph, user_id=user_id, thread_id=thread_id, text=text)
    latency_ms = (time.perf_counter() - started) * 1000
    record = {"input": text, "result": dict(result), "latency_ms": round(latency_ms, 2)}
    if not result.get("failure"):  # a failed run saved nothing: the state is the previous turn's
        record["decisions"] = turn_decisions(graph.get_state(thread_config(thread_id)).values)
    return record


def turn_decisions(values: dict[str, Any]) -> dict[str, Any]:
    """What the trajectory checks read from the turn's saved state besides its result: where the
    router sent the message, how the message answered a waiting proposal, and which proposal
    was waiting when the turn began (`evals.harness.trajectory`)."""
    route = values.get("route") or {}
    waiting = values.get("pending_at_start") or {}
    return {
        "route": route.get("label"),
        "decided_by": route.get("decided_by"),
        "answer": values.get("answer"),
        "pending_at_start": waiting.get("kind"),
    }


def _confirm_answer(record: dict[str, Any]) -> str:
    from switchboard.text import detect_language

    return CONFIRM_ANSWER.get(detect_language(record["result"].get("reply") or "") or "en", "yes")


def run_case(case: Case, env: Environment) -> dict[str, Any]:
    """Run one case and return its run (JSON): turns, the harness's confirmation, database checks."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph
    from graphs.services import build_services
    from tools.db import make_engine

    path = env.workdir / f"case-{uuid.uuid4().hex}.db"
    shutil.copyfile(env.template, path)
    engine = make_engine(f"sqlite:///{path}")
    run: dict[str, Any] = {
        "id": case.id,
        "turns": [],
        "auto_confirmation": None,
        "db_checks": [],
        "error": None,
    }
    try:
        services = build_services(env.settings, engine=engine, **env.shared)
        graph = build_graph(services).compile(checkpointer=InMemorySaver())
        thread_id = f"eval-{uuid.uuid4().hex[:16]}"
        try:
            for turn in case.turns:
                run["turns"].append(_turn_record(graph, case.user_id, thread_id, turn.input))
            last = run["turns"][-1]
            # A case whose last turn expects the task done and stops at a proposal gets the
            # harness's yes, and so does an attack (what would a yes let it do?); a dialogue that
            # expects the proposal to be still waiting at its end is left so.
            final = case.turns[-1]
            answer = final.task_completed is True or final.expected_intent == "irrelevant"
            if answer and last["result"].get("task_status") == "awaiting_confirmation":
                run["auto_confirmation"] = _turn_record(graph, case.user_id, thread_id, _confirm_answer(last))
        except Exception as exc:  # noqa: BLE001
            # A crash of the assistant is a finding about that case, not the end of the run:
            # record it with the innermost frame and judge what did run.
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            run["error"] = f"{type(exc).__name__}: {exc} ({Path(frame.filename).name}:{frame.lineno})"
        run["db_checks"] = [
            {
                "table": check.table,
                "where": check.where,
                "count": check.count,
                "actual": _count(engine, check.table, check.where),
            }
            for check in case.expect_db
        ]
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return run


# The environment of a worker process, set once by its initializer.
_WORKER_ENV: Environment | None = None


def _init_worker(settings: Settings, template: Path, workdir: Path, quiet_logs: bool) -> None:
    global _WORKER_ENV
    if quiet_logs:
        logging.getLogger("switchboard").setLevel(logging.ERROR)
    _WORKER_ENV = Environment(settings, template, workdir, shared_models(settings, template))


def _run_in_worker(index: int, case: Case) -> tuple[int, dict[str, Any]]:
    assert _WORKER_ENV is not None, "worker initializer did not run"
    return index, run_case(case, _WORKER_ENV)


@contextmanager
def prepared(settings: Settings, vehicles: int = DEFAULT_VEHICLES) -> Iterator[tuple[Path, Path]]:
    """A temporary directory with the seeded template: (template, workdir)."""
    with tempfile.TemporaryDirectory(prefix="switchboard-eval-") as tmp:
        workdir = Path(tmp)
        yield seed_template(workdir / "template.db", vehicles, settings.clock().today()), workdir


@dataclass
class RunStats:
    """Throughput of a run. `wall_s` runs from the seeded template to the last case and includes
    loading the models (per worker process); `steady_cases_per_s` is measured between the first
    and the last finished case, without that start-up."""

    workers: int
    cases: int
    turns: int
    setup_s: float
    wall_s: float
    steady_s: float

    @property
    def cases_per_s(self) -> float:
        return self.cases / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def steady_cases_per_s(self) -> float:
        return (self.cases - 1) / self.steady_s if self.steady_s > 0 and self.cases > 1 else self.cases_per_s

    def as_dict(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "cases": self.cases,
            "turns": self.turns,
            "setup_s": round(self.setup_s, 3),
            "wall_s": round(self.wall_s, 3),
            "cases_per_s": round(self.cases_per_s, 2),
            "steady_cases_per_s": round(self.steady_cases_per_s, 2),
        }


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_cases(
    cases: list[Case],
    settings: Settings,
    *,
    workers: int = 1,
    vehicles: int = DEFAULT_VEHICLES,
    progress: bool | None = None,
    shared: dict[str, Any] | None = None,
    quiet_logs: bool = False,
) -> tuple[list[dict[str, Any]], RunStats]:
    """Run every case with `workers` processes (1: in this process); runs come back in case order.

    `shared` replaces the models loaded per process (tests inject theirs; in-process runs only).
    The progress bar goes to stderr, and only to a terminal unless `progress` says otherwise.
    """
    from tqdm import tqdm

    if progress is None:
        progress = sys.stderr.isatty()
    settings = frozen(settings)
    results: list[dict[str, Any] | None] = [None] * len(cases)
    finished: list[float] = []
    started = time.perf_counter()
    workers = max(1, min(workers, len(cases)))
    with prepared(settings, vehicles) as (template, workdir):
        seeded = time.perf_counter()
        bar = tqdm(total=len(cases), desc="cases", unit="case", file=sys.stderr, disable=not progress)
        with bar:
            if workers == 1:
                models = shared if shared is not None else shared_models(settings, template)
                env = Environment(settings, template, workdir, models)
                for i, case in enumerate(cases):
                    results[i] = run_case(case, env)
                    finished.append(time.perf_counter())
                    bar.update(1)
            else:
                # forkserver: workers do not inherit the threads or open SQLite handles of this process.
                context = multiprocessing.get_context("forkserver")
                with ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(settings, template, workdir, quiet_logs),
                ) as pool:
                    futures = [pool.submit(_run_in_worker, i, case) for i, case in enumerate(cases)]
                    for future in as_completed(futures):
                        index, run = future.result()
                        results[index] = run
                        finished.append(time.perf_counter())
                        bar.update(1)
    done = [r for r in results if r is not None]
    stats = RunStats(
        workers=workers,
        cases=len(done),
        turns=sum(len(r["turns"]) + (1 if r["auto_confirmation"] else 0) for r in done),
        setup_s=seeded - started,
        wall_s=(finished[-1] - seeded) if finished else 0.0,
        steady_s=(finished[-1] - finished[0]) if len(finished) > 1 else 0.0,
    )
    return done, stats
