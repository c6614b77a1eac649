"""Human confirmation of sensitive actions: the `interrupt()` node and the reply to a "no".

A specialist that proposes a write puts the proposal in `pending` with its question; the graph
then stops here with `interrupt()` until the user answers. Whatever comes back (typed text through
`Command(resume=...)`, or `{"approved": bool}` from a Yes/No button) goes back through `ingest` as
the turn's message, so the input guards and the dialogue policy (`agents.policy`) read it like any
other: only a clear yes or no settles the proposal; a question or a new request is handled as such
while the proposal keeps waiting.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agents.common import language_of, outcome, say
from agents.services import Services
from agents.specialist import NodeFn, Roster, StateUpdate
from switchboard.state import Context, State


def resumed_message(answer: Any) -> tuple[str, bool | None]:
    """(the answer as message text, True/False when it came from a Yes/No button, else None)."""
    if isinstance(answer, dict):
        approved = answer.get("approved")
        button = approved if isinstance(approved, bool) else None
        text = answer.get("text")
        if not isinstance(text, str) or not text.strip():
            text = "yes" if approved is True else "no" if approved is False else ""
        return text, button
    return (answer if isinstance(answer, str) else str(answer)), None


def build_confirm_node(services: Services, roster: Roster) -> NodeFn:
    return confirm


def confirm(state: State, runtime: Runtime[Context]) -> Command[str] | StateUpdate:
    """Wait for the user's answer to the pending proposal, then read it as a new message."""
    pending = state.get("pending")
    if not pending:
        return {}
    answer = interrupt(
        {
            "question": pending["question"],
            "kind": pending["kind"],
            "proposal_id": pending["id"],
            "options": ["yes", "no"],
        }
    )
    text, button = resumed_message(answer)
    return Command(goto="ingest", update={"messages": [HumanMessage(content=text)], "button": button})


def build_declined_node(services: Services, roster: Roster) -> NodeFn:
    def declined(state: State, runtime: Runtime[Context]) -> StateUpdate:
        """The user said no: report that nothing changed."""
        return report_declined(state, roster)

    return declined


def report_declined(state: State, roster: Roster) -> StateUpdate:
    """The reply to a proposal the user turned down, in the words of the action that proposed it."""
    language = language_of(state)
    pending = state.get("pending")
    if pending is None:
        raise ValueError("nothing was waiting for a confirmation")
    reply = say(language, *roster.action(pending["kind"]).declined).format(**pending["args"])
    return outcome(
        state,
        agent=pending["agent"],
        intent=pending["intent"],
        reply=reply,
        status="completed",
        pending=None,
        confirmed=None,
    )
