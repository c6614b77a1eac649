"""Off-topic and injection requests: a polite refusal in the user's language, no tool runs."""

from __future__ import annotations

from typing import Any

from agents.common import language_of, outcome, say
from agents.greeting import CAPABILITIES
from switchboard.state import State

AGENT = "refusal_agent"
INTENT = "irrelevant"

REFUSAL = ("抱歉，这个请求超出了我的服务范围。", "Sorry, I can't help with that request. ")


def refuse(state: State) -> dict[str, Any]:
    language = language_of(state)
    reply = say(language, *REFUSAL) + say(language, *CAPABILITIES)
    return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="refused")
