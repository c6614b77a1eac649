"""Greeting specialist: hello, thanks, goodbye and "what can you do"."""

from __future__ import annotations

import re
from typing import Any

from agents.common import language_of, outcome, say
from switchboard.state import State

AGENT = "greeting_agent"
INTENT = "greeting"

CAPABILITIES = (
    "我可以帮您：查询航班状态、预订或更换座位、取消预订和退款、查询票价、登记投诉、查询车辆库存，以及解答行李、退改签等政策问题。",
    "I can check flight status, book or change seats, cancel bookings and refund tickets, quote fares, file complaints, answer questions about our vehicle stock, and explain policies such as baggage and refunds.",
)
HELLO = ("您好！", "Hello! ")
THANKS = ("不客气！还有什么可以帮您？", "You're welcome! Anything else I can help with?")
BYE = ("再见，祝您旅途愉快！", "Goodbye, and have a good trip!")

_THANKS = re.compile(r"谢|thank|thx|cheers|appreciate", re.IGNORECASE)
_BYE = re.compile(r"再见|拜拜|回头见|bye|see you|good ?night|farewell", re.IGNORECASE)


def greeting(state: State) -> dict[str, Any]:
    language = language_of(state)
    text = state.get("text", "")
    if _BYE.search(text):
        reply = say(language, *BYE)
    elif _THANKS.search(text):
        reply = say(language, *THANKS)
    else:
        reply = say(language, *HELLO) + say(language, *CAPABILITIES)
    return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed")
