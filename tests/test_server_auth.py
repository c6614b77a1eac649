"""The server's custom auth in-process: keys, the development key, and the authorization rules."""

from __future__ import annotations

import asyncio
import stat
from types import SimpleNamespace
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph_sdk import Auth

import faces.langgraph_server.auth as server_auth
import faces.langgraph_server.graph as server_module
from switchboard.errors import ConfigurationError
from switchboard.settings import Settings


def test_api_keys_parse_into_users() -> None:
    assert server_auth.parse_api_keys(" ka:USER123 , kb:USER456,") == {"ka": "USER123", "kb": "USER456"}
    assert server_auth.parse_api_keys("") == {}


@pytest.mark.parametrize("raw", ["ka", "ka:", ":USER1", "ka:bad user", "ka:" + "u" * 200])
def test_malformed_api_keys_are_configuration_errors(raw: str) -> None:
    with pytest.raises(ConfigurationError):
        server_auth.parse_api_keys(raw)


def test_the_dev_key_is_private_and_stable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "var" / "dev-api-key"
    key = server_auth.dev_key(path)
    assert key.startswith("sb-dev-") and len(key) > 30
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server_auth.dev_key(path) == key


def test_keyring_uses_configured_keys_or_the_dev_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    configured = Settings(api_keys="ka:USER123", _env_file=None)  # type: ignore[call-arg]
    ring = server_auth.load_keyring(configured, tmp_path / "dev-key")
    assert ring.user_for("ka") == "USER123" and ring.user_for("kb") is None
    assert not ring.dev_key_in_use and not (tmp_path / "dev-key").exists()

    unset = Settings(_env_file=None)  # type: ignore[call-arg]
    ring = server_auth.load_keyring(unset, tmp_path / "dev-key")
    assert ring.dev_key_in_use
    assert ring.user_for(server_auth.dev_key(tmp_path / "dev-key")) == unset.default_user_id


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None)],
)
def test_bearer_tokens(header: str | None, token: str | None) -> None:
    assert server_auth.bearer_token(header) == token


@pytest.fixture
def ring(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = server_auth.KeyRing({server_auth._digest("ka"): "USER123"}, dev_key_in_use=False)
    monkeypatch.setattr(server_auth, "keyring", lambda: keys)


def _headers(authorization: str | None = None, api_key: str | None = None) -> dict[bytes, bytes]:
    headers = {b"authorization": authorization, b"x-api-key": api_key}
    return {k: v.encode() for k, v in headers.items() if v is not None}


@pytest.mark.parametrize(
    "headers",
    [
        _headers("Bearer ka"),
        _headers(api_key="ka"),  # what langgraph_sdk.get_client(api_key=...) sends
        _headers(api_key=" ka "),
        _headers("Basic xyz", api_key="ka"),
    ],
)
def test_authenticate_maps_a_key_to_its_user(ring, headers: dict[bytes, bytes]) -> None:  # type: ignore[no-untyped-def]
    user = asyncio.run(server_auth.authenticate(headers))
    assert user["identity"] == "USER123"


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        _headers(""),
        _headers("Bearer kb"),
        _headers("ka"),
        _headers("Bearer ka extra"),
        _headers(api_key="kb"),
        _headers(api_key=""),
        _headers("Bearer kb", api_key="ka"),  # a wrong bearer is not rescued by another header
    ],
)
def test_authenticate_refuses_missing_and_unknown_keys(ring, headers: dict[bytes, bytes] | None) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        asyncio.run(server_auth.authenticate(headers))
    assert caught.value.status_code == 401


def ctx(user: str) -> Any:
    return SimpleNamespace(user=SimpleNamespace(identity=user))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"context": {"user_id": "USER123"}},
        {"config": {"configurable": {"user_id": "USER123"}}},
    ],
)
def test_a_run_naming_another_user_is_refused(kwargs: dict[str, Any]) -> None:
    value: dict[str, Any] = {"thread_id": None, "kwargs": kwargs, "metadata": {}}
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        asyncio.run(server_auth.on_run_create(ctx("USER456"), value))
    assert caught.value.status_code == 403


def test_runs_and_threads_are_stamped_and_filtered_by_owner() -> None:
    value: dict[str, Any] = {"thread_id": None, "kwargs": {"context": {"user_id": "USER456"}}}
    assert asyncio.run(server_auth.on_run_create(ctx("USER456"), value)) == {"owner": "USER456"}
    assert value["metadata"] == {"owner": "USER456"}
    created: dict[str, Any] = {"metadata": {"title": "hi", "owner": "USER123"}}
    assert asyncio.run(server_auth.on_thread_create(ctx("USER456"), created)) == {"owner": "USER456"}
    assert created["metadata"] == {"title": "hi", "owner": "USER456", "graph_id": "switchboard"}
    update: dict[str, Any] = {"metadata": {"owner": "USER123"}}
    assert asyncio.run(server_auth.on_thread_update(ctx("USER456"), update)) == {"owner": "USER456"}
    assert update["metadata"]["owner"] == "USER456"
    for handler in (server_auth.on_thread_read, server_auth.on_thread_search, server_auth.on_thread_delete):
        assert asyncio.run(handler(ctx("USER456"), {})) == {"owner": "USER456"}
    assert asyncio.run(server_auth.deny_everything_else(ctx("USER456"), {})) is False


def test_a_conversation_in_the_shared_store_is_only_adopted_by_its_owner(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typing import TypedDict

    from langgraph.graph import START, StateGraph

    class Owned(TypedDict, total=False):
        user_id: str

    saver = InMemorySaver()
    builder = StateGraph(Owned)
    builder.add_node("owner", lambda state: {"user_id": "USER123"})
    builder.add_edge(START, "owner")

    async def seed() -> None:
        await builder.compile(checkpointer=saver).ainvoke({}, {"configurable": {"thread_id": "t-shared"}})

    asyncio.run(seed())
    monkeypatch.setitem(server_module._OPEN, "saver", saver)
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        asyncio.run(server_auth.on_thread_create(ctx("USER456"), {"thread_id": "t-shared"}))
    assert caught.value.status_code == 403
    with pytest.raises(Auth.exceptions.HTTPException):
        asyncio.run(server_auth.on_run_create(ctx("USER456"), {"thread_id": "t-shared", "kwargs": {}}))
    assert asyncio.run(server_auth.on_thread_create(ctx("USER123"), {"thread_id": "t-shared"})) == {
        "owner": "USER123"
    }
    assert asyncio.run(server_auth.on_thread_create(ctx("USER456"), {"thread_id": "t-new"})) == {
        "owner": "USER456"
    }
