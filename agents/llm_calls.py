"""Every LLM call of the product goes through here: `ask_text` and `ask_json`.

A call is admitted by the turn's budget (`agents.llm_budget`), capped in tokens by its kind, given
the smaller of the per-call timeout and what is left of the budget (the HTTP client then closes
the connection, which cancels the request on the server), and never retried. JSON is asked the
way the endpoint supports (`agents.structured`) and validated. A call that fails, times out or
answers something unusable returns None and leaves a note: the caller answers locally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.llm import llm_errors
from agents.llm_budget import CALL_KINDS, TurnBudget, turn_scope
from agents.structured import ENDPOINT_MODES, OutputMode, endpoint_of, parse_reply, response_format
from switchboard.settings import Settings


def _official_openai(chat_model: Any) -> bool:
    base = getattr(chat_model, "openai_api_base", None)
    return not base or "api.openai.com" in str(base)


def request_options(
    chat_model: Any, kind: str, timeout_s: float, response_format_field: dict[str, Any] | None
) -> dict[str, Any]:
    """The keyword arguments of one `invoke`: timeout, token cap and response format.

    They go in the request body as given (`extra_body`): OpenAI itself counts
    `max_completion_tokens`, while servers that mimic it (vLLM, Ollama, llama.cpp) read
    `max_tokens`.
    """
    cap = "max_completion_tokens" if _official_openai(chat_model) else "max_tokens"
    body: dict[str, Any] = {cap: CALL_KINDS[kind].max_tokens}
    if response_format_field is not None:
        body["response_format"] = response_format_field
    return {"timeout": timeout_s, "extra_body": body}


def _text(response: Any) -> str:
    content = getattr(response, "content", response)
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content)
    return str(content)


def _refused_format(exc: BaseException) -> bool:
    """Whether the server refused the request itself (HTTP 400/422), e.g. an unknown response format."""
    return getattr(exc, "status_code", None) in (400, 422)


def _timed_out(exc: BaseException) -> bool:
    if isinstance(exc, TimeoutError):
        return True
    try:
        import httpx
        import openai
    except ImportError:  # pragma: no cover - both come with langchain-openai
        return False
    return isinstance(exc, openai.APITimeoutError | httpx.TimeoutException)


def _invoke(
    budget: TurnBudget, chat_model: Any, kind: str, messages: list[Any], mode: str, fmt: dict[str, Any] | None
) -> tuple[str | None, BaseException | None]:
    """One request within the budget: (reply text, or None with the failure)."""
    timeout = budget.admit(kind)
    if timeout is None:
        return None, None
    started = budget.clock()
    try:
        response = chat_model.invoke(messages, **request_options(chat_model, kind, timeout, fmt))
    except llm_errors() as exc:
        budget.spend(kind, started, "timeout" if _timed_out(exc) else "error", mode)
        return None, exc
    budget.spend(kind, started, "ok", mode)
    return _text(response), None


def _fail(budget: TurnBudget, kind: str, exc: BaseException) -> None:
    event = "timeout" if _timed_out(exc) else "error"
    budget.note(kind, event, f"{type(exc).__name__}: {exc}")


def ask_text(settings: Settings, chat_model: Any, kind: str, messages: list[Any]) -> str | None:
    """The model's text reply, or None (noted) when there is none to use."""
    with turn_scope(settings.llm_turn_budget_s, settings.llm_timeout_s) as budget:
        text, exc = _invoke(budget, chat_model, kind, messages, "text", None)
        if exc is not None:
            _fail(budget, kind, exc)
            return None
        if text is not None and not text.strip():
            budget.calls[-1]["outcome"] = "invalid"
            budget.note(kind, "invalid", "empty reply")
            return None
        return text


def ask_json(
    settings: Settings,
    chat_model: Any,
    kind: str,
    messages: list[Any],
    schema: dict[str, Any],
    *,
    lenient: Callable[[str], dict[str, Any] | None] | None = None,
) -> dict[str, Any] | None:
    """The model's JSON reply validated against `schema`, or None (noted).

    `lenient` reads a reply that is not the JSON asked for (e.g. SQL in a code fence); what it
    returns is used as is.
    """
    endpoint = endpoint_of(chat_model)
    mode: OutputMode | None = ENDPOINT_MODES.mode(endpoint, settings.llm_structured_output)
    stepped_down = False
    with turn_scope(settings.llm_turn_budget_s, settings.llm_timeout_s) as budget:
        while mode is not None:
            text, exc = _invoke(
                budget, chat_model, kind, messages, mode, response_format(mode, f"switchboard_{kind}", schema)
            )
            if exc is not None and mode != "prompt" and _refused_format(exc):
                # The server may not know this response format: the same request one step down.
                budget.note(kind, "downgraded", f"{mode} refused ({exc.__class__.__name__})")
                mode, stepped_down = ENDPOINT_MODES.lower(mode), True
                continue
            if exc is not None:
                _fail(budget, kind, exc)
                return None
            if text is None:  # the budget is spent
                return None
            if stepped_down and settings.llm_structured_output == "auto":
                ENDPOINT_MODES.settle(endpoint, mode)
            value, why = parse_reply(text, schema)
            if value is None and lenient is not None:
                value = lenient(text)
            if value is None:
                budget.calls[-1]["outcome"] = "invalid"
                budget.note(kind, "invalid", why)
            return value
        return None
