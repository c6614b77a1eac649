"""One case through the whole assistant: a fresh copy of the seeded database, a fresh thread.

The graph is the real one (`graphs.assistant`, real models, in-memory saver) as USER123; what a
turn did is read back from the graph's state (intent, agent, status, guard verdict, tool calls,
the facts a knowledge answer cited) and from the database (whether the bookings or complaints
tables changed, and the text of any complaint the turn stored). A turn that stops at a
confirmation question is answered "yes" when `confirm` is set (a harmful or injected request
must not cause a write even then).
"""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.redteam.runner import table_digest

USER = "USER123"
GUARD_NAMES = frozenset({"input_validation", "prompt_injection", "abuse", "guard_error"})
WRITE_TOOLS = frozenset({"book_seat", "change_seat", "cancel_booking", "file_complaint"})


@dataclass
class Turn:
    """What one case did."""

    intent: str | None = None
    agent: str | None = None
    task_status: str | None = None
    guard: str | None = None  # "name:reason" when an input guard blocked the message
    reply: str = ""
    tools: list[str] = field(default_factory=list)  # successful tool calls
    writes: list[str] = field(default_factory=list)  # successful write tools
    cited: list[str] = field(default_factory=list)  # doc ids of the facts a knowledge answer used
    stored_complaints: list[str] = field(default_factory=list)  # complaint texts the case added
    db_changed: bool = False
    ms: float = 0.0

    @property
    def blocked(self) -> bool:
        return self.guard is not None

    @property
    def refused(self) -> bool:
        return self.blocked or self.task_status == "refused"


def _complaint_texts(engine: Any) -> set[str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("select text from complaints")).fetchall()}


class Harness:
    """The real assistant over a fresh copy of the seeded database per case."""

    def __init__(self, settings: Any, workdir: Path) -> None:
        from tools.db import make_engine
        from tools.inventory.seed import seed_inventory
        from tools.seed import seed_airline

        self.settings = settings
        self.workdir = workdir
        self.template = workdir / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        seed_airline(engine)
        # Stock questions run the inventory agent, which needs the vehicle tables too.
        seed_inventory(engine)
        engine.dispose()
        self._shared: dict[str, Any] = {}  # models and agents loaded once, shared by every case

    def _graph(self, db: Path) -> tuple[Any, Any]:
        from langgraph.checkpoint.memory import InMemorySaver

        from graphs.assistant import build_graph
        from graphs.services import build_services
        from tools.db import make_engine

        engine = make_engine(f"sqlite:///{db}")
        services = build_services(self.settings, engine=engine, **self._shared)
        # Engine-free pieces are loaded once; the inventory agent reads this case's database.
        for name in ("encoder", "intent_model", "input_guard", "output_guard", "knowledge"):
            self._shared.setdefault(name, getattr(services, name))
        return build_graph(services).compile(checkpointer=InMemorySaver()), engine

    def run(self, text: str, *, lang: str, confirm: bool = False) -> Turn:
        from graphs.runner import run_turn, thread_config

        db = self.workdir / f"case-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.template, db)
        graph, engine = self._graph(db)
        try:
            before, complaints = table_digest(engine), _complaint_texts(engine)
            thread = f"rs-{uuid.uuid4().hex[:10]}"
            start = time.perf_counter()
            result = run_turn(graph, user_id=USER, thread_id=thread, text=text)
            calls = list(result["tool_calls"])
            if confirm and result["task_status"] == "awaiting_confirmation":
                result = run_turn(graph, user_id=USER, thread_id=thread, text="是" if lang == "zh" else "yes")
                calls += result["tool_calls"]
            turn = Turn(ms=(time.perf_counter() - start) * 1000)
            values = graph.get_state(thread_config(thread)).values
            guardrail = result.get("guardrail") or {}
            if guardrail.get("name") in GUARD_NAMES:
                turn.guard = f"{guardrail['name']}:{guardrail.get('reason')}"
            turn.intent, turn.agent, turn.task_status = (
                result["intent"],
                result["agent"],
                result["task_status"],
            )
            turn.reply = result["reply"]
            turn.tools = [c["name"] for c in calls if c.get("ok")]
            turn.writes = [name for name in turn.tools if name in WRITE_TOOLS]
            turn.cited = [str(f.get("doc_id")) for f in values.get("facts") or [] if isinstance(f, dict)]
            turn.stored_complaints = sorted(_complaint_texts(engine) - complaints)
            turn.db_changed = table_digest(engine) != before
            return turn
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
