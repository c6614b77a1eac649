"""What the agents need from the process: a typed port the composition root fills in.

The agents depend on this Protocol, never on the class that builds the pieces (`graphs.services`),
so the arrows point one way: graphs -> agents -> tools -> kernel. It lives here rather than in the
kernel because its members are typed with `tools/` and `agents/` classes, which the kernel may
not see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

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
    from switchboard.settings import Settings
    from tools.airline import AirlineService


class Services(Protocol):
    """The domain services and models of a process, built once (heavy ones on first use)."""

    settings: Settings
    engine: Engine
    chat_model: BaseChatModel | None

    @property
    def clock(self) -> Clock: ...

    @property
    def airline(self) -> AirlineService: ...

    @property
    def encoder(self) -> SharedEncoder: ...

    @property
    def intent_model(self) -> IntentModel | BlendedIntentModel: ...

    @property
    def input_guard(self) -> InputGuard: ...

    @property
    def output_guard(self) -> OutputGuard: ...

    @property
    def inventory(self) -> InventoryAgent: ...

    @property
    def knowledge(self) -> KnowledgeAgent: ...
