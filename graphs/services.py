"""What the graph's nodes work with: the domain services and models, built once per process.

Heavy pieces (the inventory and knowledge agents, which load indexes and embeddings) are built on
first use, so a conversation about flights never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from switchboard.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from sqlalchemy import Engine

    from agents.guards import InputGuard, OutputGuard
    from agents.intent_model import IntentModel
    from agents.inventory import InventoryAgent
    from agents.knowledge import KnowledgeAgent
    from agents.semantic import SharedEncoder
    from agents.understanding import BlendedIntentModel
    from switchboard.clock import Clock
    from tools.airline import AirlineService


# What is left of a message after an injected part is dropped is served only when it is a real
# request: never a greeting or an out-of-scope remainder.
SEPARABLE_NOT = frozenset({"irrelevant", "greeting"})


@dataclass
class Services:
    settings: Settings
    engine: Engine
    chat_model: BaseChatModel | None = None
    # Tests inject ready-made pieces; otherwise they are built lazily from settings.
    overrides: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def clock(self) -> Clock:
        """What time it is for this process: `settings.now` frozen, else the system clock."""
        return self.overrides.get("clock") or self.settings.clock()

    @cached_property
    def airline(self) -> AirlineService:
        from tools.airline import AirlineService

        if self.overrides.get("airline") is None and self.settings.tools_via_mcp:
            # Same methods and errors, served by the MCP server (server.py) over one session.
            from agents.mcp_airline import connect_airline

            return connect_airline(self.settings)  # type: ignore[return-value]
        return self.overrides.get("airline") or AirlineService(self.engine, self.clock)

    @cached_property
    def encoder(self) -> SharedEncoder:
        """The turn's sentence encoder: one vector per message for the router, guards and retrieval."""
        if "encoder" in self.overrides:
            return cast("SharedEncoder", self.overrides["encoder"])
        from agents.semantic import local_encoder

        return local_encoder()

    @cached_property
    def intent_model(self) -> IntentModel | BlendedIntentModel:
        if "intent_model" in self.overrides:
            return cast("IntentModel | BlendedIntentModel", self.overrides["intent_model"])
        from agents.understanding import load_blended_intent_model

        return load_blended_intent_model(self.settings.model_dir, self.encoder)

    @cached_property
    def input_guard(self) -> InputGuard:
        if "input_guard" in self.overrides:
            return cast("InputGuard", self.overrides["input_guard"])
        from agents.guards import build_input_guard
        from agents.registry import ROSTER

        # Refusals that offer help say what the assistant can do, in the registry's words.
        capabilities = {language: ROSTER.capabilities(language) for language in ("zh", "en")}
        return build_input_guard(
            self.settings, capabilities=capabilities, encoder=self.encoder, legitimate=self._served_request
        )

    def _served_request(self, text: str) -> bool:
        """Whether the router would confidently send `text` to a specialist that serves it."""
        prediction = self.intent_model.predict(text)
        return prediction.label not in SEPARABLE_NOT and prediction.confidence >= self.intent_model.threshold

    @cached_property
    def output_guard(self) -> OutputGuard:
        if "output_guard" in self.overrides:
            return cast("OutputGuard", self.overrides["output_guard"])
        from agents.guards import build_output_guard
        from agents.registry import ROSTER
        from agents.router import router_prompt

        # The router's prompt as sent (its intent list filled in) is protected like the constants.
        return build_output_guard(self.settings, protected=(router_prompt(ROSTER),))

    @cached_property
    def inventory(self) -> InventoryAgent:
        if "inventory" in self.overrides:
            return cast("InventoryAgent", self.overrides["inventory"])
        from agents.inventory import build_inventory_agent

        return build_inventory_agent(self.settings, engine=self.engine, chat_model=self.chat_model)

    @cached_property
    def knowledge(self) -> KnowledgeAgent:
        if "knowledge" in self.overrides:
            return cast("KnowledgeAgent", self.overrides["knowledge"])
        from agents.knowledge import build_knowledge_agent
        from agents.web_search import build_web_search

        # Fetched pages pass the same input guards as a user's message (they are data, not orders).
        # A page is whole or nothing: one the guards would serve only in part (an injected
        # instruction dropped, `agents.guards.separate`) is refused.
        def guard(text: str) -> str | None:
            verdict = self.input_guard.check(text).verdict
            return None if verdict.allowed and not verdict.name else str(verdict.reason or verdict.name)

        web_search = build_web_search(self.settings, guard)
        return build_knowledge_agent(
            self.settings, chat_model=self.chat_model, web_search=web_search, local_embedder=self.encoder
        )


def build_services(settings: Settings, **overrides: Any) -> Services:
    """Services for `settings`: the application database and, with a key, the chat model."""
    from agents.llm import build_chat_model
    from tools.db import get_engine

    chat_model = overrides.pop("chat_model", None) or build_chat_model(settings)
    engine = overrides.pop("engine", None) or get_engine(settings.database_url)
    return Services(settings=settings, engine=engine, chat_model=chat_model, overrides=overrides)
