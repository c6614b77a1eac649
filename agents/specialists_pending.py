"""Inventory and knowledge specialists as graph nodes.

Each delegates to its capability's agent (`agents.inventory`, `agents.knowledge`); while a
capability is not installed the reply says so plainly.
"""

from __future__ import annotations

from typing import Any

from agents.common import language_of, outcome, say
from graphs.services import Services
from graphs.state import State

UNAVAILABLE = {
    "inventory_query": (
        "抱歉，车辆库存查询功能暂未开放。",
        "Sorry, vehicle stock questions are not available yet.",
    ),
    "knowledge_search": (
        "抱歉，政策与价目表查询功能暂未开放。",
        "Sorry, answering policy and price-list questions is not available yet.",
    ),
}


def _unavailable(state: State, intent: str, agent: str) -> dict[str, Any]:
    return outcome(
        state,
        agent=agent,
        intent=intent,
        reply=say(language_of(state), *UNAVAILABLE[intent]),
        status="failed",
    )


def build_inventory_node(services: Services):  # type: ignore[no-untyped-def]
    def inventory_query(state: State) -> dict[str, Any]:
        if services.inventory is None:
            return _unavailable(state, "inventory_query", "inventory_agent")
        raise NotImplementedError("wired when the inventory agent lands")

    return inventory_query


def build_knowledge_node(services: Services):  # type: ignore[no-untyped-def]
    def knowledge_search(state: State) -> dict[str, Any]:
        if services.knowledge is None:
            return _unavailable(state, "knowledge_search", "knowledge_agent")
        raise NotImplementedError("wired when the knowledge agent lands")

    return knowledge_search
