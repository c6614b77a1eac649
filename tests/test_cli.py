"""The `switchboard` command as a user runs it: a real process, the real trained router."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def switchboard(
    env: dict[str, str], *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "faces.cli.main", *args],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def chat_json(env: dict[str, str], thread: str, message: str, user: str = "USER123") -> dict:
    proc = switchboard(env, "chat", "--user", user, "--thread", thread, "--json", message)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_one_shot_json_turns_keep_the_thread_across_processes(cli_env) -> None:  # type: ignore[no-untyped-def]
    ask = chat_json(cli_env, "cli-1", "取消 FL789，确认号 ABC123")
    # The contract's fields, plus how the reply was checked and the LLM engine's record.
    assert set(ask) == {"reply", "intent", "agent", "task_status", "guardrail", "tool_calls", "thread_id"} | {
        "critic",
        "engine_notes",
        "llm",
        "path",
        "failure",
    }
    assert (ask["intent"], ask["task_status"], ask["thread_id"]) == (
        "cancel_flight",
        "awaiting_confirmation",
        "cli-1",
    )
    done = chat_json(cli_env, "cli-1", "确认")
    assert done["task_status"] == "completed"
    assert [c["name"] for c in done["tool_calls"]] == ["cancel_booking"]


def test_plain_output_is_the_reply(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = switchboard(cli_env, "chat", "--thread", "cli-2", "FL123 经济舱票价是多少")
    assert proc.returncode == 0
    assert "500.00 USD" in proc.stdout.decode()
    assert proc.stderr == b""  # the local engine runs without a key and without warnings


def test_binary_stdin_is_refused_cleanly(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = switchboard(cli_env, "chat", "--json", "--thread", "cli-3", "-", stdin=bytes(range(256)) * 4)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["guardrail"] == {"name": "input_validation", "reason": "binary"}


@pytest.mark.parametrize(
    "args",
    [
        ["chat", "--json"],
        ["chat", "--thread", "bad id!", "hi"],
        ["chat", "--user", "", "hi"],
        ["seed", "--vehicles", "many"],
        ["seed", "--vehicles", "-5"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(cli_env, args) -> None:  # type: ignore[no-untyped-def]
    proc = switchboard(cli_env, *args)
    assert proc.returncode != 0
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) >= 1 and "error" in lines[-1]


def test_another_users_thread_is_an_error(cli_env) -> None:  # type: ignore[no-untyped-def]
    chat_json(cli_env, "cli-4", "hello")
    proc = switchboard(cli_env, "chat", "--user", "OTHER", "--thread", "cli-4", "--json", "hello")
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0 and "another user" in proc.stderr.decode()


def test_interactive_chat(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = switchboard(cli_env, "chat", stdin="我想预订座位\nFL123，12A\n/quit\n".encode())
    out = proc.stdout.decode()
    assert proc.returncode == 0
    assert "航班号和座位号" in out and "12A" in out.split("bot>")[-1]


def test_seed_prints_counts(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = switchboard(cli_env, "seed", "--vehicles", "0")
    assert proc.returncode == 0
    counts = json.loads(proc.stdout)
    assert counts["bookings"] > 0 and counts["flights"] >= 3
