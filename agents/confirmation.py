"""Human confirmation of sensitive actions: the `interrupt()` node and the reading of the answer.

The question is already in the state (the specialist prepared it). This node stops the run with
`interrupt()`; the face resumes it with the user's answer (a string, or `{"approved": bool}`
from a button). Only a clear yes confirms: anything else leaves everything untouched.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import interrupt

from agents.common import language_of, outcome, say
from switchboard.state import State
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

DECLINED = {
    "cancel_booking": (
        "好的，没有取消，预订 {confirmation_number} 保持不变。",
        "OK, I have not cancelled anything: booking {confirmation_number} stays as it is.",
    ),
    "change_seat": (
        "好的，座位没有更改，您仍是 {old_seat}。",
        "OK, your seat is unchanged: you keep {old_seat}.",
    ),
}
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


def confirm(state: State) -> dict[str, Any]:
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


def declined(state: State) -> dict[str, Any]:
    """The user said no (or nothing clear): report that nothing changed."""
    language = language_of(state)
    pending = state.get("pending") or {}
    reply = say(language, *DECLINED[pending["kind"]]).format(**pending["args"])
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
