"""The nine intent labels of CONTRACTS §1, in one light module (no LangGraph import)."""

from __future__ import annotations

from typing import Literal, get_args

Intent = Literal[
    "flight_status",
    "book_seat",
    "cancel_flight",
    "price_inquiry",
    "complaint",
    "inventory_query",
    "knowledge_search",
    "greeting",
    "irrelevant",
]
INTENTS: tuple[str, ...] = get_args(Intent)
