"""The assistant on PostgreSQL: application data and conversation checkpoints through URLs."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from graphs.app import open_assistant
from graphs.runner import run_turn
from switchboard.settings import Settings
from tests.fakes import ScriptedIntentModel
from tools.db import make_engine

pytestmark = pytest.mark.postgres

SCRIPT = {"cancel": ("cancel_flight", 0.95), "seat": ("book_seat", 0.95)}


@pytest.fixture
def pg_settings(postgres_url: str) -> Settings:
    return Settings(database_url=postgres_url, checkpoint_url=postgres_url, _env_file=None)  # type: ignore[call-arg]


def test_conversation_and_data_on_postgres_survive_a_restart(pg_settings, thread_id) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedIntentModel(SCRIPT)
    # First use seeds the demo data into the empty database.
    with open_assistant(pg_settings, intent_model=model) as graph:
        booked = run_turn(graph, user_id="USER123", thread_id=thread_id, text="seat 12A on FL123")
        assert booked["task_status"] == "completed"
        ask = run_turn(graph, user_id="USER123", thread_id=thread_id, text="cancel ABC123")
        assert ask["task_status"] == "awaiting_confirmation"
    with open_assistant(pg_settings, intent_model=model) as graph:
        done = run_turn(graph, user_id="USER123", thread_id=thread_id, text="yes")
        assert done["task_status"] == "completed"
        messages = graph.get_state({"configurable": {"thread_id": thread_id}}).values["messages"]
        assert len(messages) == 6
    engine = make_engine(pg_settings.database_url)
    with engine.connect() as conn:
        assert (
            conn.execute(text("select status from bookings where confirmation_number='ABC123'")).scalar()
            == "cancelled"
        )
        assert (
            conn.execute(
                text(
                    "select count(*) from bookings where flight_number='FL123' and seat='12A' and status='confirmed'"
                )
            ).scalar()
            == 1
        )
    engine.dispose()
