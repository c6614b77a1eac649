"""The specialists of the assistant, in the order their capabilities are offered.

Adding a specialist: write its module (ending in a `Specialist(...)`), its data, and add one line
here. The graph, the router's tables, the capability prose, the evaluation judge and the web chat's
labels all read this list (through `agents.specialist.Roster`).
"""

from __future__ import annotations

from agents import (
    cancellation,
    complaints,
    fares,
    flight_status,
    greeting,
    inventory_node,
    knowledge_node,
    off_topic,
    seats,
)
from agents.specialist import Roster, Specialist

SPECIALISTS: tuple[Specialist, ...] = (
    flight_status.SPECIALIST,
    seats.SPECIALIST,
    cancellation.SPECIALIST,
    fares.SPECIALIST,
    complaints.SPECIALIST,
    inventory_node.SPECIALIST,
    knowledge_node.SPECIALIST,
    greeting.SPECIALIST,
    off_topic.SPECIALIST,
)

ROSTER = Roster.of(SPECIALISTS)
