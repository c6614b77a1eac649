"""Inventory and knowledge specialists as graph nodes.

Each delegates to its capability's agent (`agents.inventory`, `agents.knowledge`), records the
call like any tool, and keeps what a follow-up question needs in the thread's state. The nodes
live apart from those agents so that building the graph imports neither (the SQL compiler, the
retrieval index and the embedding model load on the first question that needs them).
"""

from __future__ import annotations

from typing import Any

from agents.common import language_of, outcome, say
from agents.services import Services
from switchboard.errors import InputError, ToolError
from switchboard.state import State

INVENTORY_AGENT = "inventory_agent"
KNOWLEDGE_AGENT = "knowledge_agent"
UNREADABLE = (
    "抱歉，我没能理解这个库存问题，请换个说法。",
    "Sorry, I couldn't read that as a stock question. Could you rephrase it?",
)
SEARCH_FAILED = (
    "抱歉，暂时无法检索政策文档，请稍后再试。",
    "Sorry, I can't search the policy documents right now. Please try again later.",
)
# Rows of a result kept as facts for the critic: enough to check what a reply states.
FACT_ROWS = 20


def build_inventory_node(services: Services):  # type: ignore[no-untyped-def]
    def inventory_query(state: State) -> dict[str, Any]:
        question = state.get("text", "")
        language = language_of(state)
        try:
            answer = services.inventory.answer(question, language, state.get("inventory_state"))
        except InputError:
            reply = say(language, *UNREADABLE)
            return outcome(
                state, agent=INVENTORY_AGENT, intent="inventory_query", reply=reply, status="needs_info"
            )
        ok = answer.status == "completed"
        call = {"name": "query_inventory", "args": {"question": question}, "ok": ok}
        facts = (
            [{"sql": answer.sql, "columns": answer.columns, "rows": answer.rows[:FACT_ROWS]}] if ok else []
        )
        update = outcome(
            state, agent=INVENTORY_AGENT, intent="inventory_query", reply=answer.reply, status=answer.status
        )
        update.update(tool_calls=[call], facts=facts)
        if ok:
            update["inventory_state"] = answer.followup_state
        return update

    return inventory_query


def build_knowledge_node(services: Services):  # type: ignore[no-untyped-def]
    def knowledge_search(state: State) -> dict[str, Any]:
        question = state.get("text", "")
        language = language_of(state)
        try:
            answer = services.knowledge.answer(question, language)
        except (InputError, ToolError):
            # The documents could not be searched (e.g. the embeddings server failed): say so.
            reply = say(language, *SEARCH_FAILED)
            call = {"name": "search_knowledge_base", "args": {"question": question}, "ok": False}
            update = outcome(
                state, agent=KNOWLEDGE_AGENT, intent="knowledge_search", reply=reply, status="failed"
            )
            update["tool_calls"] = [call]
            return update
        call = {"name": "search_knowledge_base", "args": {"question": question}, "ok": True}
        facts = [source.model_dump(mode="json") for source in answer.sources]
        status = "completed" if answer.found else "failed"
        update = outcome(
            state, agent=KNOWLEDGE_AGENT, intent="knowledge_search", reply=answer.answer, status=status
        )
        update.update(tool_calls=[call], facts=facts)
        return update

    return knowledge_search
