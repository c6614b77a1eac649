"""Structured output: ask for JSON the way the endpoint supports, and check what comes back.

Three ways to ask, best first:
- `json_schema`: `response_format={"type": "json_schema", ...}`; OpenAI, vLLM, llama.cpp's server
  and Ollama constrain decoding to the schema (a router label is then one of the enum's values);
- `json_object`: `response_format={"type": "json_object"}`: any JSON object;
- `prompt`: no response format; the prompt asks for JSON and the first object in the reply is
  taken (models like to wrap JSON in prose or code fences).
With `SWITCHBOARD_LLM_STRUCTURED_OUTPUT=auto` an endpoint (base URL and model) starts at
`json_schema`; when a request with a response format is refused (HTTP 400/422) and the same
request one step down succeeds, the endpoint is remembered at that step for the life of the
process. Whatever the mode, the reply is validated against the schema (`jsonschema`); a reply
that does not validate is `invalid`, never half-used.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Literal

from agents.llm import first_json_object

OutputMode = Literal["json_schema", "json_object", "prompt"]
MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "prompt")


def response_format(mode: OutputMode, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The `response_format` body field for `mode` (None: ask in the prompt only)."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def parse_reply(text: str, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """(the reply's JSON object if it validates against `schema`, or None; why not)."""
    text = text.strip()
    value: Any
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = first_json_object(text)
    if not isinstance(value, dict):
        return None, f"no JSON object in the reply ({text[:60]!r})"
    from jsonschema import Draft202012Validator  # on first use: the local engine never pays for it

    errors = sorted(Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "reply"
        return None, f"the reply does not fit the schema: {where}: {errors[0].message[:80]}"
    return value, ""


def strict_object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema of these properties, all required, nothing else (OpenAI's strict form)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


class EndpointModes:
    """The structured-output mode of each endpoint, detected once and kept for the process."""

    def __init__(self) -> None:
        self._modes: dict[str, OutputMode] = {}
        self._lock = threading.Lock()

    def mode(self, endpoint: str, configured: str) -> OutputMode:
        for mode in MODES:
            if configured == mode:
                return mode
        with self._lock:
            return self._modes.get(endpoint, "json_schema")

    @staticmethod
    def lower(mode: OutputMode) -> OutputMode | None:
        index = MODES.index(mode)
        return MODES[index + 1] if index + 1 < len(MODES) else None

    def settle(self, endpoint: str, mode: OutputMode) -> None:
        """`mode` worked on `endpoint` after a better one was refused: keep it."""
        with self._lock:
            self._modes[endpoint] = mode

    def forget(self) -> None:
        with self._lock:
            self._modes.clear()


ENDPOINT_MODES = EndpointModes()


def endpoint_of(chat_model: Any) -> str:
    """A key naming the server and model behind `chat_model` (its class for test doubles)."""
    base = getattr(chat_model, "openai_api_base", None) or ""
    model = getattr(chat_model, "model_name", None) or type(chat_model).__name__
    return f"{base}|{model}"
