"""A message that is only a route ("paris to frankfurt 12/22") is a flight search, whatever the
router's classifier says; places in a message about something else are not."""

from __future__ import annotations

from datetime import date

import pytest

from agents.flight_search.request import read_search
from agents.flight_search.routing import lean
from agents.flight_search.terse import only_route
from switchboard.state import RouteDecision

TODAY = date(2026, 12, 3)
SURE_OUT_OF_SCOPE: RouteDecision = {"label": "irrelevant", "confidence": 0.97, "decided_by": "classifier"}


@pytest.mark.parametrize(
    "text",
    [
        "paris to frankfurt 12/22",
        "PEK PVG tomorrow",
        "丹佛去华盛顿 明天",
        "上海-东京 周五 单程",
        "北京→成都 下周一上午",
        "sfo > nyc dec 30",
        "london paris return next week",
        "重庆 昆明 12月12日",
        "2 adults economy beijing to tokyo friday",
        "长沙到北京 后天",  # one end unserved: still a route (the desk says it is not served)
    ],
)
def test_a_bare_route_is_a_route(text: str) -> None:
    assert only_route(text)


@pytest.mark.parametrize(
    "text",
    [
        "shanghai to hangzhou by train tomorrow",
        "北京到天津开车要多久",
        "Boston vs Miami friday",
        "weather in paris and london tomorrow",
        "book a hotel in Shanghai on Friday",
        "寄快递 上海到北京 明天能到吗",
        "time difference between tokyo and paris",
        "北京 上海 哪个好玩",
        "我想到北京",
        "paris or frankfurt for christmas markets?",
        "北京到上海多远",
        "tokyo tomorrow",  # one place: no route
    ],
)
def test_places_about_something_else_are_not_a_route(text: str) -> None:
    assert not only_route(text)


@pytest.mark.parametrize(
    ("text", "desk"),
    [("paris to frankfurt 12/22", "flight_status"), ("丹佛去华盛顿 明天", "flight_status")],
)
def test_a_bare_route_reaches_the_airline_desk_over_a_sure_out_of_scope(text: str, desk: str) -> None:
    decided = lean(SURE_OUT_OF_SCOPE, text, read_search(text, TODAY), 0.52)
    assert (decided["label"], decided["decided_by"]) == (desk, "rule")


def test_a_sure_out_of_scope_with_places_stays_out_of_scope() -> None:
    text = "shanghai to hangzhou by train tomorrow"
    assert lean(SURE_OUT_OF_SCOPE, text, read_search(text, TODAY), 0.52) == SURE_OUT_OF_SCOPE
