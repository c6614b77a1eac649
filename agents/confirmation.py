"""Human confirmation of sensitive actions: the `interrupt()` node and the reading of the answer.

The question is already in the state (the specialist prepared it). This node stops the run with
`interrupt()`; the face resumes it with the user's answer (a string, or `{"approved": bool}`
from a button). Only a clear yes confirms: anything else leaves everything untouched.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.common import language_of, outcome, say
from agents.services import Services
from agents.specialist import NodeFn, Roster, StateUpdate
from switchboard.state import Context, State
from switchboard.text import detect_language, normalize

_NO = re.compile(
    r"\b(no|nope|nah|don'?t|do not|not|never|stop|wait|keep|cancel that|never ?mind|hold on)\b|不|别|否|算了|先不|暂时不|等等|保留",
    re.IGNORECASE,
)
_YES = re.compile(
    r"\b(yes|y|yeah|yep|yup|sure|ok|okay|confirm(ed)?|go ahead|do it|please do|correct|right|absolutely|proceed)\b"
    r"|是|对|好|确认|确定|可以|行|没问题|嗯|同意",
    re.IGNORECASE,
)

UNCLEAR = (
    "（我没能确认您的回答，为安全起见未做任何更改。）",
    " (I couldn't read that as a yes, so to be safe I changed nothing.)",
)


def read_answer(answer: Any) -> tuple[bool | None, str]:
    """(True for yes, False for no, None for unclear; the answer as text)."""
    if isinstance(answer, dict):
        approved = answer.get("approved")
        text = str(answer.get("text") or ("yes" if approved else "no"))
        return (approved if isinstance(approved, bool) else None), text
    text = normalize(str(answer))
    if _NO.search(text):
        return False, text
    if _YES.search(text):
        return True, text
    return None, text


def build_confirm_node(services: Services, roster: Roster) -> NodeFn:
    return confirm


def confirm(state: State, runtime: Runtime[Context]) -> StateUpdate:
    pending = state.get("pending") or {}
    answer = interrupt(
        {"question": pending.get("question", ""), "kind": pending.get("kind"), "options": ["yes", "no"]}
    )
    approved, text = read_answer(answer)
    update: dict[str, Any] = {
        "messages": [HumanMessage(content=text)],
        "text": text,
        "confirmed": approved,
        "guardrail": None,
    }
    # A button's answer ("yes" made up for {"approved": true}) says nothing about the user's language.
    if isinstance(answer, str) and (language := detect_language(text)):
        update["language"] = language
    return update


def build_declined_node(services: Services, roster: Roster) -> NodeFn:
    def declined(state: State, runtime: Runtime[Context]) -> StateUpdate:
        """The user said no (or nothing clear): report that nothing changed."""
        return report_declined(state, roster)

    return declined


def report_declined(state: State, roster: Roster) -> StateUpdate:
    """The reply to a proposal the user turned down, in the words of the action that proposed it."""
    language = language_of(state)
    pending = state.get("pending")
    if pending is None:
        raise ValueError("nothing was waiting for a confirmation")
    reply = say(language, *roster.action(pending["kind"]).declined).format(**pending["args"])
    if state.get("confirmed") is None:
        reply += say(language, *UNCLEAR)
    return outcome(
        state,
        agent=pending["agent"],
        intent=pending["intent"],
        reply=reply,
        status="completed",
        pending=None,
        confirmed=None,
    )
