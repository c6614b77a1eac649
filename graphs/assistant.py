"""The assistant graph: input guard -> router -> specialist -> (confirmation) -> reply.

`build_graph(services)` returns an UNCOMPILED `StateGraph`; callers compile it with their
checkpointer (see `graphs.checkpoint`). The assembly is the block at the bottom of this module.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.cancellation import build_cancel_executor_node, build_cancellation_node
from agents.complaints import build_complaint_node
from agents.confirmation import confirm, declined
from agents.documents_and_stock import build_inventory_node, build_knowledge_node
from agents.fares import build_fare_node
from agents.flight_status import build_flight_status_node
from agents.greeting import greeting
from agents.guardrails import block_message, check_input
from agents.off_topic import refuse
from agents.router import build_router_node, clarify
from agents.seats import build_seat_change_node, build_seat_node
from graphs.services import Services
from graphs.state import INTENTS, Context, State
from switchboard.text import detect_language, normalize

# The fields that describe one turn; a new message starts them afresh.
TURN_RESET: dict[str, Any] = {
    "route": None,
    "intent": None,
    "agent": None,
    "reply": "",
    "task_status": None,
    "guardrail": None,
    "tool_calls": [],
    "facts": [],
    "entities": {},
    "confirmed": None,
    # A confirmation left unanswered is dropped by a new message: nothing was changed.
    "pending": None,
}


def message_text(message: Any) -> str:
    """The text of a message whose content may be a string or a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [part.get("text", "") if isinstance(part, dict) else str(part) for part in content]
    return " ".join(p for p in parts if p)


def build_ingest_node(services: Services):  # type: ignore[no-untyped-def]
    max_chars = services.settings.max_input_chars

    def ingest(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        last = state["messages"][-1]
        raw = message_text(last) if isinstance(last, HumanMessage) else ""
        text = normalize(raw)
        language = detect_language(text) or state.get("language") or "en"
        update: dict[str, Any] = {**TURN_RESET, "text": text, "language": language}
        if not state.get("user_id"):
            update["user_id"] = runtime.context.user_id
        verdict = check_input(raw, text, max_chars)
        if not verdict.allowed:
            # Keep the checkpoint small and clean: store a note instead of the unusable message.
            note = f"[message not processed: {verdict.reason}, {len(raw)} characters]"
            update.update(
                messages=[HumanMessage(content=note, id=last.id)],
                text="",
                guardrail=verdict.guardrail,
                reply=block_message(language, str(verdict.reason), max_chars),
                task_status="refused",
                agent="input_guard",
            )
        return update

    return ingest


# Messages kept in a thread's state. Slots and tasks carry the conversation's meaning; older
# messages only make every checkpoint bigger, so a long conversation costs the same per turn.
MAX_MESSAGES = 40


def finalize(state: State) -> dict[str, Any]:
    """Append the reply to the conversation, trim old messages and remember what was asked."""
    messages = state.get("messages", [])
    excess = len(messages) + 1 - MAX_MESSAGES
    removals = [RemoveMessage(id=m.id) for m in messages[:excess] if m.id] if excess > 0 else []
    update: dict[str, Any] = {"messages": [*removals, AIMessage(content=state.get("reply", ""))]}
    if state.get("intent"):
        update["last_intent"] = state["intent"]
    return update


def after_ingest(state: State) -> str:
    return "finalize" if state.get("guardrail") else "router"


def after_router(state: State) -> str:
    route = state.get("route") or {}
    return "clarify" if route.get("decided_by") == "clarify" else str(route.get("label", "irrelevant"))


def after_specialist(state: State) -> str:
    return "confirm" if state.get("pending") else "finalize"


def after_confirm(state: State) -> str:
    pending = state.get("pending") or {}
    return pending.get("kind", "declined") if state.get("confirmed") else "declined"


def build_graph(services: Services) -> StateGraph:
    """The assistant, uncompiled."""
    graph = StateGraph(State, context_schema=Context)
    graph.add_node("ingest", build_ingest_node(services))
    graph.add_node("router", build_router_node(services))
    graph.add_node("clarify", clarify)
    graph.add_node("flight_status", build_flight_status_node(services))
    graph.add_node("book_seat", build_seat_node(services))
    graph.add_node("cancel_flight", build_cancellation_node(services))
    graph.add_node("price_inquiry", build_fare_node(services))
    graph.add_node("complaint", build_complaint_node(services))
    graph.add_node("inventory_query", build_inventory_node(services))
    graph.add_node("knowledge_search", build_knowledge_node(services))
    graph.add_node("greeting", greeting)
    graph.add_node("irrelevant", refuse)
    graph.add_node("confirm", confirm)
    graph.add_node("cancel_booking", build_cancel_executor_node(services))
    graph.add_node("change_seat", build_seat_change_node(services))
    graph.add_node("declined", declined)
    graph.add_node("finalize", finalize)

    graph.add_edge(START, "ingest")
    graph.add_conditional_edges("ingest", after_ingest, ["router", "finalize"])
    specialists = list(INTENTS)
    graph.add_conditional_edges("router", after_router, [*specialists, "clarify"])
    for name in ("book_seat", "cancel_flight"):
        graph.add_conditional_edges(name, after_specialist, ["confirm", "finalize"])
    for name in [s for s in specialists if s not in ("book_seat", "cancel_flight")] + ["clarify"]:
        graph.add_edge(name, "finalize")
    graph.add_conditional_edges("confirm", after_confirm, ["cancel_booking", "change_seat", "declined"])
    for name in ("cancel_booking", "change_seat", "declined"):
        graph.add_edge(name, "finalize")
    graph.add_edge("finalize", END)
    return graph
