"""Greeting specialist: hello, thanks, goodbye and "what can you do"."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from agents.common import language_of, outcome, say
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.state import Context, State

AGENT = "greeting_agent"
INTENT = "greeting"

HELLO = ("您好！", "Hello! ")
THANKS = ("不客气！还有什么可以帮您？", "You're welcome! Anything else I can help with?")
BYE = ("再见，祝您旅途愉快！", "Goodbye, and have a good trip!")

_THANKS = re.compile(r"谢|thank|thx|cheers|appreciate", re.IGNORECASE)
_BYE = re.compile(r"再见|拜拜|回头见|bye|see you|good ?night|farewell", re.IGNORECASE)


def build_greeting_node(services: Services, roster: Roster) -> NodeFn:
    def greeting(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        text = state.get("text", "")
        if _BYE.search(text):
            reply = say(language, *BYE)
        elif _THANKS.search(text):
            reply = say(language, *THANKS)
        else:
            reply = say(language, *HELLO) + roster.capabilities(language)
        return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed")

    return greeting


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="hello, thanks, goodbye, what can you do",
    build=build_greeting_node,
    title=("问候", "Greeting"),
)
