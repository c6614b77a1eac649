"""The evaluation judge over any OpenAI-compatible server, whatever its model is called.

DeepEval's own `OpenAIModel` decides by the model's name how to ask for structured output (a
name it knows, such as the default `gpt-4o-mini`, gets OpenAI's strict parsing), which fails on
servers that serve another model under that name or do not support it. This judge asks the way
the endpoint supports (`agents.structured`: a JSON schema first, one step down when refused,
remembered per endpoint) and validates the answer with DeepEval's own pydantic schema. It is not
interactive: it has a longer timeout than the assistant's calls and one retry.
"""

from __future__ import annotations

import asyncio
from typing import Any

from deepeval.models import DeepEvalBaseLLM
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, ValidationError

from agents.llm import first_json_object, llm_errors
from agents.structured import ENDPOINT_MODES, OutputMode, endpoint_of, response_format
from switchboard.settings import Settings

JUDGE_TIMEOUT_S = 120.0
JUDGE_MAX_TOKENS = 1024


class JudgeError(RuntimeError):
    """The judge gave no usable answer (the metric counts it as an error)."""


class OpenAICompatibleJudge(DeepEvalBaseLLM):
    """A DeepEval judge on the configured OpenAI-compatible server."""

    def __init__(self, settings: Settings, model_name: str | None = None, chat_model: Any = None) -> None:
        self.settings = settings
        self._chat = chat_model
        super().__init__(model_name or settings.llm_model)

    def load_model(self) -> Any:
        if self._chat is None:
            from langchain_openai import ChatOpenAI

            self._chat = ChatOpenAI(
                model=str(self.name),
                api_key=self.settings.openai_api_key,
                base_url=self.settings.openai_base_url,
                timeout=max(JUDGE_TIMEOUT_S, self.settings.llm_timeout_s),
                temperature=0,
                max_retries=1,
            )
        return self._chat

    def get_model_name(self, *args: Any, **kwargs: Any) -> str:
        return str(self.name)

    def _ask(self, prompt: str, fmt: dict[str, Any] | None) -> str:
        body: dict[str, Any] = {"max_tokens": JUDGE_MAX_TOKENS}
        if fmt is not None:
            body["response_format"] = fmt
        response = self._chat.invoke([HumanMessage(prompt)], extra_body=body)
        return str(response.content)

    def generate(self, prompt: str, schema: type[BaseModel] | None = None, **kwargs: Any) -> Any:
        if schema is None:
            return self._ask(prompt, None)
        endpoint = endpoint_of(self._chat)
        mode: OutputMode | None = ENDPOINT_MODES.mode(endpoint, self.settings.llm_structured_output)
        json_schema = schema.model_json_schema()
        while mode is not None:
            try:
                text = self._ask(prompt, response_format(mode, schema.__name__, json_schema))
            except llm_errors() as exc:
                if mode != "prompt" and getattr(exc, "status_code", None) in (400, 422):
                    mode = ENDPOINT_MODES.lower(mode)
                    continue
                raise JudgeError(f"the judge failed: {exc}") from exc
            if mode != ENDPOINT_MODES.mode(endpoint, self.settings.llm_structured_output):
                ENDPOINT_MODES.settle(endpoint, mode)
            try:
                return schema.model_validate(first_json_object(text) or {})
            except ValidationError as exc:
                raise JudgeError(f"the judge's answer does not fit {schema.__name__}") from exc
        raise JudgeError("no way of asking for JSON worked")

    async def a_generate(self, prompt: str, schema: type[BaseModel] | None = None, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self.generate, prompt, schema)
