"""Test doubles: a scripted intent model and chat models with a fixed script."""

from __future__ import annotations

from typing import Any, NamedTuple

from langchain_core.language_models.fake_chat_models import FakeListChatModel


class Prediction(NamedTuple):
    label: str
    confidence: float
    scores: dict[str, float]


class ScriptedIntentModel:
    """Answers from a script of (substring -> label, confidence); the default when nothing matches."""

    threshold = 0.5

    def __init__(
        self, script: dict[str, tuple[str, float]], default: tuple[str, float] = ("irrelevant", 0.2)
    ) -> None:
        self.script = script
        self.default = default
        self.seen: list[str] = []

    def predict(self, text: str) -> Prediction:
        self.seen.append(text)
        for needle, (label, confidence) in self.script.items():
            if needle.lower() in text.lower():
                return Prediction(label, confidence, {label: confidence})
        label, confidence = self.default
        return Prediction(label, confidence, {label: confidence})


class FakeChatModel(FakeListChatModel):
    """FakeListChatModel that records prompts and supports `bind_tools` (returns itself)."""

    prompts: list[Any] = []

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeChatModel:  # type: ignore[override]
        return self

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        self.prompts.append(input)
        return super().invoke(input, config, **kwargs)


class FailingChatModel(FakeListChatModel):
    """A chat model whose every call fails like an unreachable server."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        raise TimeoutError("the LLM server did not answer")
