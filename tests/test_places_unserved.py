"""Routes naming a place the timetable does not serve: the place keeps its role and the reply says
so, in the user's language, with no table of another route; words that only look like a route
end ("我想到北京", "到时候", "how to get to the airport", "from Monday to Friday") are no place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.flight_search.request import read_search
from agents.flight_search.routing import lean
from graphs.runner import run_turn, thread_config
from tools.airline.places import _names, route_partners, served_cities
from tools.airline.unserved import find_unserved_names, unserved_names

THURSDAY = date(2026, 12, 3)
ROUTE = ("origin", "destination", "unserved_origin", "unserved_destination")


def route(message: str) -> dict[str, str]:
    return {k: v for k, v in read_search(message, THURSDAY).items() if k in ROUTE}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("明天广州到长沙的航班", {"origin": "Guangzhou", "unserved_destination": "长沙"}),
        ("潍坊到北京机票明天的", {"unserved_origin": "潍坊", "destination": "Beijing"}),
        ("从潍坊出发去北京", {"unserved_origin": "潍坊", "destination": "Beijing"}),
        ("大兴安岭到北京", {"unserved_origin": "大兴安岭", "destination": "Beijing"}),
        ("从长沙到潍坊的机票", {"unserved_origin": "长沙", "unserved_destination": "潍坊"}),
        ("长沙的航班", {"unserved_destination": "长沙"}),
        ("flights from Westchester County to Cincinnati", {"unserved_origin": "Westchester County", "unserved_destination": "Cincinnati"}),
        ("kansas city to cleveland", {"unserved_origin": "kansas city", "unserved_destination": "cleveland"}),
        ("st. petersburg to new york", {"unserved_origin": "st. petersburg", "destination": "New York"}),
        ("flights to Kansas City from Boston", {"origin": "Boston", "unserved_destination": "Kansas City"}),
    ],
)  # fmt: skip
def test_listed_unserved_places_keep_their_role(message: str, expected: dict[str, str]) -> None:
    assert route(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Names on no list, read from the shape of the route.
        ("北京飞铜鼓", {"origin": "Beijing", "unserved_destination": "铜鼓"}),
        ("从铜鼓到北京的机票", {"unserved_origin": "铜鼓", "destination": "Beijing"}),
        ("明天上海到阿尔山的航班", {"origin": "Shanghai", "unserved_destination": "阿尔山"}),
        ("flights from Beijing to Springfield tomorrow", {"origin": "Beijing", "unserved_destination": "Springfield"}),
        ("Springfield to Boston flights", {"unserved_origin": "Springfield", "destination": "Boston"}),
        ("flights to Springfield from Boston", {"origin": "Boston", "unserved_destination": "Springfield"}),
        ("flights to Boston from Springfield", {"unserved_origin": "Springfield", "destination": "Boston"}),
        ("flights from Springfield to Peoria", {"unserved_origin": "Springfield", "unserved_destination": "Peoria"}),
        ("从阿尔山到铜鼓的航班", {"unserved_origin": "阿尔山", "unserved_destination": "铜鼓"}),
    ],
)  # fmt: skip
def test_unlisted_names_in_a_route_frame(message: str, expected: dict[str, str]) -> None:
    assert route(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("我想到北京", {"destination": "Beijing"}),
        ("去年去北京的航班", {"destination": "Beijing"}),
        ("到时候我去北京", {"destination": "Beijing"}),
        ("北京到底有没有去上海的航班", {"origin": "Beijing", "destination": "Shanghai"}),
        ("我想去吃饭然后飞北京", {"destination": "Beijing"}),
        ("明天到北京", {"destination": "Beijing"}),
        ("我想租一辆车去杭州", {"destination": "Hangzhou"}),
        ("怎么到北京", {"destination": "Beijing"}),
        ("帮我订明天去成都的机票", {"destination": "Chengdu"}),
        ("北京到上海", {"origin": "Beijing", "destination": "Shanghai"}),
        ("长沙的天气怎么样", {}),
        ("从开始到结束", {}),
        ("how to get to the airport", {}),
        ("flights to Beijing from here", {"destination": "Beijing"}),
        ("take me to my seat", {}),
        ("flights to Beijing from 3 to 5 pm", {"destination": "Beijing"}),
        ("from Monday to Friday flights", {}),
        ("I want to go to Beijing", {"destination": "Beijing"}),
        ("travel to Beijing", {"destination": "Beijing"}),
        ("flights from Beijing to see my friend", {"origin": "Beijing"}),
        ("flights from Boston to Denver", {"origin": "Boston", "destination": "Denver"}),
        ("Is Madison on time?", {}),
    ],
)  # fmt: skip
def test_words_that_are_no_place(message: str, expected: dict[str, str]) -> None:
    assert route(message) == expected


def test_the_list_holds_no_served_name_and_no_overlap_loses_a_served_one() -> None:
    assert not set(unserved_names()) & set(_names())
    # "大兴" (Beijing Daxing) inside "大兴安岭" is the prefecture; alone it is the airport.
    assert route("去大兴的航班") == {"destination": "PKX"}
    assert [n.name for n in find_unserved_names("从长沙去Kansas City")] == ["长沙", "Kansas City"]
    assert unserved_names()["长沙"] == "CN" and unserved_names()["st. petersburg"] == ""  # two countries


def test_offers_come_from_the_timetable() -> None:
    from_guangzhou = [p.key for p in route_partners("Guangzhou", "origin")]
    assert "Beijing" in from_guangzhou and "Guangzhou" not in from_guangzhou
    assert all(p.key != "Boston" for p in route_partners("BOS", "destination"))
    assert {p.key for p in served_cities("US")} >= {"New York", "Boston"}
    assert all(p.key not in ("Beijing", "Tokyo") for p in served_cities("US"))


def test_an_unserved_route_leans_to_the_airline_desk() -> None:
    entities = read_search("kansas city to cleveland", THURSDAY)
    unsure = {"label": "irrelevant", "confidence": 0.3, "decided_by": "classifier"}
    assert lean(unsure, "kansas city to cleveland", entities, 0.52)["label"] == "flight_status"  # type: ignore[arg-type]


# ---------------------------------------------------------------- dialogues through the graph


@pytest.fixture
def graph(make_graph, intent_model):  # type: ignore[no-untyped-def]
    return make_graph(intent_model=intent_model)


def say(graph: Any, thread: str, message: str) -> dict[str, Any]:
    result = dict(run_turn(graph, user_id="USER123", thread_id=thread, text=message))
    values = graph.get_state(thread_config(thread)).values
    result.update(tables=values.get("tables") or [], critic=values.get("critic"))
    return result


def test_chinese_route_to_an_unserved_city_says_so(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = say(graph, thread_id, "明天广州到长沙的航班")
    assert result["intent"] in ("flight_status", "price_inquiry", "book_seat")
    assert "长沙" in result["reply"] and "不覆盖" in result["reply"]
    assert "从广州出发可以飞往：北京" in result["reply"]
    assert result["tables"] == [] and "search_flights" not in [c["name"] for c in result["tool_calls"]]
    assert result["critic"]["ok"], result["critic"]


def test_chinese_unserved_origin_keeps_the_destination(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = say(graph, thread_id, "潍坊到北京机票明天的")
    assert "“潍坊”" in result["reply"] and "可以飞往北京的城市" in result["reply"]
    assert result["tables"] == [] and "|" not in result["reply"]


def test_english_unserved_cities_are_named_as_written(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = say(graph, thread_id, "flights from Westchester County to Cincinnati")
    assert result["agent"] == "flight_status_agent"
    assert 'does not serve "Westchester County" and "Cincinnati"' in result["reply"]
    assert "New York" in result["reply"] and result["tables"] == []
    assert result["critic"]["ok"], result["critic"]


def test_booking_to_an_unserved_city_stays_open_for_another(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    first = say(graph, thread_id, "book a flight from Boston to Kansas City tomorrow")
    assert (first["agent"], first["task_status"]) == ("seat_agent", "needs_info")
    assert '"Kansas City"' in first["reply"] and "From Boston we fly to:" in first["reply"]
    second = say(graph, thread_id, "book a flight from Boston to Chicago tomorrow")
    assert second["agent"] == "seat_agent" and second["tables"], second["reply"]


def test_a_served_route_is_unchanged(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = say(graph, thread_id, "明天广州到北京的航班")
    assert result["tables"] and "不覆盖" not in result["reply"]
    args = result["tool_calls"][0]["args"]
    assert (args["origin"], args["destination"]) == ("Guangzhou", "Beijing")


def test_my_flight_to_an_unserved_city_is_no_booking(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = say(graph, thread_id, "is my flight to Changsha on time?")
    assert "no confirmed booking to Changsha" in result["reply"]
