"""A trip between two places by train, bus, car, taxi or ferry is no flight search: no airline desk
answers it, however sure the classifier is; a flight asked about beside a train stays a flight."""

from __future__ import annotations

from datetime import date

import pytest

from agents.flight_search.request import read_search, states_route
from agents.flight_search.routing import lean
from switchboard.state import RouteDecision

TODAY = date(2026, 12, 3)
THRESHOLD = 0.52


def sure(label: str) -> RouteDecision:
    return {"label": label, "confidence": 0.95, "decided_by": "classifier"}


@pytest.mark.parametrize(
    "text",
    [
        "train from shanghai to hangzhou tomorrow",
        "bus tickets beijing to tianjin",
        "how long is the drive from beijing to tianjin",
        "明天北京到天津的高铁",
        "上海到杭州的火车票多少钱",
        "coach from london to manchester on friday",
        "taxi from shanghai to hangzhou, how much",
    ],
)
@pytest.mark.parametrize("desk", ["flight_status", "price_inquiry", "book_seat"])
def test_a_ground_trip_reaches_no_airline_desk(text: str, desk: str) -> None:
    entities = read_search(text, TODAY)
    assert states_route(entities), text  # the rule is about routes: the case must state one
    decided = lean(sure(desk), text, entities, THRESHOLD)
    assert (decided["label"], decided["decided_by"]) == ("irrelevant", "rule")


@pytest.mark.parametrize(
    ("text", "desk"),
    [
        ("flights from shanghai to hangzhou tomorrow", "flight_status"),
        ("is it quicker to fly than take the train from beijing to shanghai", "flight_status"),
        ("北京到上海的机票，不想坐高铁", "price_inquiry"),
        ("list the coach fares from boston to denver", "price_inquiry"),
        ("beijing to shanghai 12/22", "flight_status"),
    ],
)
def test_a_flight_beside_a_ground_trip_stays_a_flight(text: str, desk: str) -> None:
    decided = lean(sure(desk), text, read_search(text, TODAY), THRESHOLD)
    assert decided["label"] == desk


def test_a_ground_trip_the_router_sent_elsewhere_stays_there() -> None:
    text = "is there a complaint form for the bus from beijing to tianjin"
    assert lean(sure("complaint"), text, read_search(text, TODAY), THRESHOLD) == sure("complaint")
