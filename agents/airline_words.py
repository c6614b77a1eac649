"""How the airline desk names things in both languages: flight statuses, cabins, fares, and the
one sentence that describes a flight. Shared by the airline specialists, the flight search and the
critic's revision, so every reply says "准点" / "on time" the same way."""

from __future__ import annotations

from typing import Any

from agents.common import say

STATUS_NAMES = {
    "on_time": ("准点", "on time"),
    "delayed": ("延误", "delayed"),
    "cancelled": ("已取消", "cancelled"),
    "boarding": ("正在登机", "boarding"),
    "departed": ("已起飞", "departed"),
    "arrived": ("已到达", "arrived"),
}
CABIN_NAMES = {
    "economy": ("经济舱", "economy"),
    "premium_economy": ("超级经济舱", "premium economy"),
    "business": ("商务舱", "business"),
    "first": ("头等舱", "first class"),
}


def status_name(language: str, status: str) -> str:
    zh, en = STATUS_NAMES.get(status, (status, status.replace("_", " ")))
    return say(language, zh, en)


def cabin_name(language: str, cabin: str) -> str:
    zh, en = CABIN_NAMES.get(cabin, (cabin, cabin))
    return say(language, zh, en)


def price(fare: Any) -> str:
    return f"{fare.price:.2f} {fare.currency}"


def describe_flight(language: str, info: Any) -> str:
    """One sentence with everything a traveller asks about a flight."""
    when = info.departure_time.strftime("%Y-%m-%d %H:%M")
    status = status_name(language, info.status)
    if language == "zh":
        text = f"航班 {info.flight_number}（{info.origin} → {info.destination}）状态：{status}，计划起飞时间 {when}"
        if info.status == "delayed" and info.delay_minutes:
            text += f"，预计延误 {info.delay_minutes} 分钟"
        if info.gate:
            text += f"，登机口 {info.gate}"
        return text + "。"
    text = f"Flight {info.flight_number} ({info.origin} → {info.destination}) is {status}; scheduled departure {when}"
    if info.status == "delayed" and info.delay_minutes:
        text += f", expected delay {info.delay_minutes} minutes"
    if info.gate:
        text += f", gate {info.gate}"
    return text + "."
