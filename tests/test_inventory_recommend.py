"""A shopper asking to be recommended cars ("15万以内的SUV，有推荐吗", "能推荐一款电动车吗") gets the
matching stock listed, not a count: the "有…吗" of the question is a request, not "are there any".
A plain existence question keeps its count."""

from __future__ import annotations

import pytest

from tests.inventory_phrasing import conds, spec_of


@pytest.mark.parametrize(
    "question",
    [
        "15万以内的SUV，有推荐吗",
        "能推荐一款20万以内的电动车吗",
        "我想买一辆15万以内的汽油SUV，能推荐一款吗？",
        "预算十万左右，可以推荐几台轿车吗",
        "给我推荐一下白色的MPV吧？",
        "could you recommend any hybrid SUVs?",
        "can you suggest an electric sedan under 200k?",
    ],
)
def test_a_recommendation_request_lists_the_matching_stock(question: str) -> None:
    spec = spec_of(question)
    assert spec.aggregate is None, question
    assert "vehicle_id" in spec.columns


@pytest.mark.parametrize("question", ["有没有15万以内的SUV", "15万以内的SUV有吗", "is there a white MPV?"])
def test_whether_there_are_any_stays_a_count(question: str) -> None:
    assert spec_of(question).aggregate == "count"


def test_the_recommended_cars_keep_the_shoppers_conditions() -> None:
    found = conds(spec_of("我想买一辆15万以内的汽油SUV，能推荐一款吗？"))
    assert found["body_type"][1] == ["suv"] and found["fuel_type"][1] == ["gasoline"]
    assert found["guide_price"] == ("le", [150000]) and found["status"][1] == ["in_stock"]


def test_a_shopper_asking_for_suggestions_is_shown_cars_in_stock() -> None:
    found = conds(spec_of("can you suggest any hybrid SUVs under 300k?"))
    assert found["status"][1] == ["in_stock"] and found["fuel_type"][1] == ["hybrid"]
