"""Slot extraction: flight numbers, seats, cabins, confirmation codes in many spellings."""

from __future__ import annotations

import pytest

from agents.slots import extract
from switchboard.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查询航班 FL123 的状态", {"flight_number": "FL123"}),
        ("取消 FL789，确认号 ABC123", {"flight_number": "FL789", "confirmation_number": "ABC123"}),
        ("FL123，12A", {"flight_number": "FL123", "seat": "12A"}),
        ("Ｆｌ１２３ 座位１２ａ", {"flight_number": "FL123", "seat": "12A"}),
        ("I want seat 3c on ca 1234", {"flight_number": "CA1234", "seat": "3C"}),
        ("Seat selection for FL123: row 12, seat A", {"flight_number": "FL123", "seat": "12A"}),
        ("第12排A座，航班FL456", {"flight_number": "FL456", "seat": "12A"}),
        ("how much is business on MU5101?", {"flight_number": "MU5101", "cabin": "business"}),
        ("FL123 经济舱票价是多少", {"flight_number": "FL123", "cabin": "economy"}),
        ("cancel abc123", {"confirmation_number": "ABC123"}),
        ("on 123 flights to 300 places", {}),
    ],
)
def test_extract(text: str, expected: dict[str, str]) -> None:
    assert dict(extract(normalize(text))) == expected
