"""The LLM engine: a `ChatOpenAI` built from settings, or None when no key is configured.

Any OpenAI-compatible server works through `OPENAI_BASE_URL` (vLLM, Ollama, ...). The import is
deferred so that the local engine never pays for langchain-openai at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from switchboard.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for the local engine."""
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    from agents.llm_http import deadline_client

    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_s,
        # A timeout bounds the whole answer, not each read of it (a trickling server cannot hold on).
        http_client=deadline_client(settings.llm_timeout_s),
        temperature=0,
        # Interactive calls are never retried: a retry of a request that timed out doubles the
        # wait and, on a single-threaded local server, queues behind the abandoned one.
        max_retries=0,
    )


def llm_errors() -> tuple[type[BaseException], ...]:
    """The failures an LLM call can have that the product survives (then it answers locally)."""
    errors: list[type[BaseException]] = [ValueError, TimeoutError, OSError]
    try:
        import httpx
        import openai

        errors += [openai.OpenAIError, httpx.HTTPError]
    except ImportError:
        pass
    return tuple(errors)


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in a model's reply (models like to wrap JSON in prose or fences)."""
    import json

    start = text.find("{")
    while start != -1:
        depth = 0
        for end in range(start, len(text)):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    try:
                        value = json.loads(text[start : end + 1])
                    except json.JSONDecodeError:
                        break
                    return value if isinstance(value, dict) else None
        start = text.find("{", start + 1)
    return None
