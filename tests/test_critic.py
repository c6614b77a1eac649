"""The critic: replies are checked against this turn's tool results and the user's language; one revision."""

from __future__ import annotations

from agents.critic import CriticVerdict, critique, revise
from agents.llm_critic import CRITIC_PROMPT, LLMVerdict, critique_with_llm
from switchboard.settings import Settings
from tests.fakes import FailingChatModel, FakeChatModel

FLIGHT = {
    "flight_number": "FL123", "origin": "PEK", "destination": "PVG", "departure_time": "2025-06-20T14:00:00",
    "arrival_time": "2025-06-20T16:15:00", "status": "on_time", "gate": "B12", "delay_minutes": 0,
    "estimated_departure": "2025-06-20T14:00:00",
}  # fmt: skip
FARES = [
    {"flight_number": "FL123", "cabin": "economy", "price": "500.00", "currency": "USD"},
    {"flight_number": "FL123", "cabin": "business", "price": "1200.00", "currency": "USD"},
]
CANCELLED = {
    "booking": {"confirmation_number": "ABC123", "user_id": "USER123", "flight_number": "FL789", "seat": "14C",
                "cabin": "economy", "status": "cancelled", "fare_paid": "650.00", "currency": "USD", "refund_amount": "650.00"},
    "refund_amount": "650.00", "currency": "USD", "already_cancelled": False,
}  # fmt: skip
COMPLAINT = {
    "complaint_id": "CMP-AC946A12",
    "user_id": "USER123",
    "category": "service",
    "status": "open",
    "flight_number": None,
}


def test_correct_replies_pass_in_both_languages() -> None:
    assert critique(
        "航班 FL123（PEK → PVG）状态：准点，计划起飞时间 2025-06-20 14:00，登机口 B12。", [FLIGHT], "zh"
    ) == CriticVerdict(True, [])
    assert critique(
        "Flight FL123 (PEK → PVG) is on time; scheduled departure 2025-06-20 14:00, gate B12.", [FLIGHT], "en"
    ).ok
    assert critique("Fares on flight FL123: economy 500.00 USD, business 1200.00 USD.", FARES, "en").ok
    assert critique(
        "预订 ABC123 已取消。退款 650.00 USD 将在 7 个工作日内退回原支付方式。", [CANCELLED], "zh"
    ).ok
    # A complaint id's hex digits are not a flight number; "3 working days" is a commitment, not a claim.
    assert critique(
        "Your complaint is recorded as CMP-AC946A12. We will contact you within 3 working days.",
        [COMPLAINT],
        "en",
    ).ok


def test_a_wrong_number_is_caught_and_revised() -> None:
    verdict = critique("The economy fare on flight FL123 is 450.00 USD.", FARES, "en")
    assert not verdict.ok and verdict.problems == ["number 450.00 is not in the tool results"]
    revised = revise("The economy fare on flight FL123 is 450.00 USD.", FARES, "en", verdict.problems)
    assert "500.00 USD" in revised and "450" not in revised
    assert critique(revised, FARES, "en").ok


def test_wrong_flight_seat_time_gate_and_status_are_caught() -> None:
    problems = critique(
        "Flight FL124 is delayed; departure 15:00 from gate B13, seat 14D.", [FLIGHT], "en"
    ).problems
    assert "flight number FL124 is not in the tool results" in problems
    assert "status delayed is not in the tool results" in problems
    assert "time 15:00 is not in the tool results" in problems
    assert "gate B13 is not in the tool results" in problems
    assert "seat 14D is not in the tool results" in problems
    assert not critique("航班 FL123 已取消。", [FLIGHT], "zh").ok


def test_wrong_language_is_caught_and_the_revision_uses_the_right_one() -> None:
    reply = "Flight FL123 (PEK → PVG) is on time; scheduled departure 2025-06-20 14:00, gate B12."
    verdict = critique(reply, [FLIGHT], "zh")
    assert verdict.problems == ["language: the reply is in en, the user writes zh"]
    revised = revise(reply, [FLIGHT], "zh", verdict.problems)
    assert "准点" in revised and "FL123" in revised and "B12" in revised
    assert critique(revised, [FLIGHT], "zh").ok


def test_revisions_of_nested_results_read_like_the_specialists() -> None:
    revised = revise("wrong", [CANCELLED], "en", ["x"])
    assert (
        "ABC123" in revised
        and "cancelled" in revised
        and "650.00 USD" in revised
        and "USER123" not in revised
    )
    assert critique(revised, [CANCELLED], "en").ok
    zh = revise("wrong", [COMPLAINT], "zh", ["x"])
    assert "CMP-AC946A12" in zh and "服务" in zh


def test_without_facts_only_the_language_is_checked() -> None:
    assert critique("Which flight? Tell me the flight number (for example FL123).", [], "en").ok
    assert not critique("Which flight?", [], "zh").ok
    assert revise("Which flight?", [], "zh", ["language"]).startswith("抱歉")


def test_what_the_user_said_is_not_an_unsupported_claim() -> None:
    booking = {"booking": CANCELLED["booking"] | {"status": "confirmed"}}
    reply = "Booking ABC123 is for flight FL789, not FL123. Please check and try again."
    assert not critique(reply, [booking], "en").ok
    assert critique(reply, [booking], "en", user_text="cancel my booking on FL123 with code ABC123").ok


def test_llm_critic_uses_a_constant_prompt_and_gives_no_verdict_when_unusable() -> None:
    settings = Settings(openai_api_key=None, _env_file=None)  # type: ignore[call-arg]
    model = FakeChatModel(responses=['{"ok": false, "problems": ["the gate is wrong"]}'])
    model.prompts = []
    verdict = critique_with_llm(settings, model, "Flight FL123 departs from gate A1.", [FLIGHT], "en")
    assert verdict == LLMVerdict(False, ["the gate is wrong"])
    system, human = model.prompts[0]
    assert system.content == CRITIC_PROMPT and '"gate": "B12"' in human.content
    # Prose, a verdict of the wrong shape and a failed call are no verdict: the rules stay the floor.
    for unusable in (
        FakeChatModel(responses=["I think it's fine!"]),
        FakeChatModel(responses=['{"ok": "yes"}']),
    ):
        assert (
            critique_with_llm(
                settings, unusable, "The economy fare on flight FL123 is 450.00 USD.", FARES, "en"
            )
            is None
        )
    failing = FailingChatModel(responses=[])
    assert (
        critique_with_llm(settings, failing, "Fares on flight FL123: economy 500.00 USD.", FARES, "en")
        is None
    )
