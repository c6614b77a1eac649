"""The LangGraph server end to end (`langgraph dev` as a child process, driven by `langgraph_sdk`).

One server for the module (start-up costs seconds): temp SQLite databases, two API keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from sqlalchemy import text

from bench.server_process import ServerProcess
from tests.helpers import app_engine, server_on_seeded_copy

KEYS = {"USER123": "key-user-123", "USER456": "key-user-456"}


@pytest.fixture(scope="module")
def server(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("server-api")
    with server_on_seeded_copy(seeded_sqlite, workdir, KEYS) as process:
        yield process


@pytest.fixture(scope="module")
def db(server: ServerProcess) -> Iterator[Any]:
    with app_engine(server) as engine:
        yield engine


def client(server: ServerProcess, user: str) -> Any:
    return get_sync_client(url=server.url, api_key=None, headers={"Authorization": f"Bearer {KEYS[user]}"})


def say(sdk: Any, thread_id: str, message: str, **kwargs: Any) -> dict[str, Any]:
    return sdk.runs.wait(
        thread_id, "switchboard", input={"messages": [{"role": "user", "content": message}]}, **kwargs
    )


def booking(db: Any, code: str = "ABC123") -> str:
    with db.connect() as conn:
        sql = text("select status from bookings where confirmation_number = :code")
        return conn.execute(sql, {"code": code}).scalar_one()


def test_every_api_request_needs_a_known_key(server: ServerProcess) -> None:
    assert httpx.get(f"{server.url}/ok").status_code == 200
    assert httpx.post(f"{server.url}/threads/search", json={}).status_code == 401
    wrong = {"Authorization": "Bearer not-a-key"}
    response = httpx.post(f"{server.url}/threads/search", json={}, headers=wrong)
    assert response.status_code == 401


def test_the_web_page_is_served_without_a_key(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/ui", follow_redirects=True)
    assert page.status_code == 200 and "Switchboard" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = httpx.get(f"{server.url}/ui/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert httpx.get(f"{server.url}/ui/%2e%2e/langgraph.json").status_code == 404


def test_a_booking_is_made_for_the_keys_user(server: ServerProcess, db: Any) -> None:
    sdk = client(server, "USER456")
    thread = sdk.threads.create()
    values = say(sdk, thread["thread_id"], "为 FL456 预订座位 15B")
    assert values["agent"] == "seat_agent" and values["task_status"] == "completed"
    assert [(c["name"], c["ok"]) for c in values["tool_calls"]][-1] == ("book_seat", True)
    with db.connect() as conn:
        owner = conn.execute(
            text(
                "select user_id from bookings where flight_number='FL456' and seat='15B' and status='confirmed'"
            )
        ).scalar_one()
    assert owner == "USER456"


def test_a_cancellation_waits_for_a_yes(server: ServerProcess, db: Any) -> None:
    sdk = client(server, "USER123")
    thread_id = sdk.threads.create()["thread_id"]
    values = say(sdk, thread_id, "取消 FL789，确认号 ABC123")
    assert values["task_status"] == "awaiting_confirmation"
    state = sdk.threads.get_state(thread_id)
    [interrupt] = state["interrupts"]
    assert interrupt["value"]["options"] == ["yes", "no"] and "ABC123" in interrupt["value"]["question"]
    assert booking(db) == "confirmed"
    values = sdk.runs.wait(thread_id, "switchboard", command={"resume": {"approved": True}})
    assert values["task_status"] == "completed"
    assert [(c["name"], c["ok"]) for c in values["tool_calls"]] == [("cancel_booking", True)]
    assert booking(db) == "cancelled"
    assert not sdk.threads.get_state(thread_id)["interrupts"]


def test_another_key_cannot_act_as_USER123(server: ServerProcess, db: Any) -> None:
    owner, intruder = client(server, "USER123"), client(server, "USER456")
    owned = owner.threads.create()["thread_id"]
    say(owner, owned, "你好")
    before = booking(db)

    own = intruder.threads.create()["thread_id"]
    for spoof in ({"context": {"user_id": "USER123"}}, {"config": {"configurable": {"user_id": "USER123"}}}):
        with pytest.raises(httpx.HTTPStatusError) as refused:
            say(intruder, own, "取消 FL789，确认号 ABC123", **spoof)
        assert refused.value.response.status_code == 403
    # The server's own record of the caller is out of the client's reach too: overwritten.
    forged = {
        "configurable": {"langgraph_auth_user_id": "USER123", "langgraph_auth_user": {"identity": "USER123"}}
    }
    values = say(intruder, own, "取消 FL789，确认号 ABC123", config=forged)
    assert values["user_id"] == "USER456" and "在您的账户下没有找到确认号为 ABC123 的预订" in values["reply"]
    values = say(intruder, own, "取消 FL789，确认号 ABC123")
    assert (
        "在您的账户下没有找到确认号为 ABC123 的预订" in values["reply"]
        and values["task_status"] != "awaiting_confirmation"
    )
    assert values["user_id"] == "USER456"
    assert booking(db) == before

    # USER123's threads are invisible to USER456: not readable, not listed, not runnable, not adoptable.
    for attempt in (
        lambda: intruder.threads.get_state(owned),
        lambda: intruder.threads.get(owned),
        lambda: intruder.threads.get_history(owned),
    ):
        with pytest.raises(httpx.HTTPStatusError) as hidden:
            attempt()
        assert hidden.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as continued:
        say(intruder, owned, "hello")
    assert continued.value.response.status_code in (403, 404)
    with pytest.raises(httpx.HTTPStatusError) as adopted:
        intruder.threads.create(thread_id=owned, if_exists="do_nothing")
    assert adopted.value.response.status_code in (403, 409)
    listed = {t["thread_id"] for t in intruder.threads.search(limit=100)}
    assert own in listed and owned not in listed
    assert owned in {t["thread_id"] for t in owner.threads.search(limit=100)}


def test_off_topic_requests_are_refused(server: ServerProcess) -> None:
    sdk = client(server, "USER456")
    thread_id = sdk.threads.create()["thread_id"]
    values = say(sdk, thread_id, "写一首诗")
    assert values["intent"] == "irrelevant" and values["task_status"] == "refused"
    assert values["agent"] == "refusal_agent" and not values["tool_calls"]


def test_assistants_store_and_crons_are_closed(server: ServerProcess) -> None:
    sdk = client(server, "USER456")
    assert [a["graph_id"] for a in sdk.assistants.search()] == ["switchboard"]
    attempts = (
        lambda: sdk.assistants.create("switchboard", context={"user_id": "USER123"}),
        lambda: sdk.store.put_item(["USER123"], "k", {"v": 1}),
        lambda: sdk.crons.create("switchboard", schedule="* * * * *", input={}),
    )
    for attempt in attempts:
        with pytest.raises(httpx.HTTPStatusError) as refused:
            attempt()
        assert refused.value.response.status_code == 403


def test_history_and_a_fork_through_the_api_owner_only(server: ServerProcess) -> None:
    """What the web chat's "edit and resend" does: the thread's history, then `update_state` on an
    earlier checkpoint (marked `forked_from`) and a run on the thread, which goes on from there."""
    owner, intruder = client(server, "USER123"), client(server, "USER456")
    thread = owner.threads.create()["thread_id"]
    say(owner, thread, "economy fare on FL123?")
    say(owner, thread, "and business?")
    history = owner.threads.get_history(thread, limit=10)
    assert [h["values"]["path"][-1] for h in history] == ["finalize", "finalize"]  # one checkpoint per turn
    first = history[-1]["checkpoint"]
    with pytest.raises(httpx.HTTPStatusError) as refused:
        intruder.threads.update_state(
            thread, {"forked_from": first["checkpoint_id"]}, checkpoint=first, as_node="finalize"
        )
    assert refused.value.response.status_code == 404
    owner.threads.update_state(
        thread, {"forked_from": first["checkpoint_id"]}, checkpoint=first, as_node="finalize"
    )
    values = say(owner, thread, "what about FL456?")
    assert "600.00" in values["reply"] and "not rewound" in values["reply"]
    branches = owner.threads.get_history(thread, limit=10)
    assert len(branches) == 4 and branches[1]["metadata"]["source"] == "update"
