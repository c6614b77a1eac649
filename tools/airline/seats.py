"""Seats by position (window, aisle, middle) and the free seats nearest to a wanted one."""

from __future__ import annotations

from typing import Literal

SeatPosition = Literal["window", "aisle", "middle"]


def seat_position(seat: str) -> SeatPosition:
    """A, F window; C, D aisle; B, E middle (3-3 economy, 2-2 business, 1-1 first all fit)."""
    letter = seat[-1]
    if letter in "AFK":
        return "window"
    if letter in "CDGH":
        return "aisle"
    return "middle"


def seat_key(seat: str) -> tuple[int, str]:
    return int(seat[:-1]), seat[-1]


def rank_nearby(target: str, candidates: list[str]) -> list[str]:
    """Candidates ordered by row distance, then same position (window/aisle/middle), then across."""
    row, letter = seat_key(target)
    position = seat_position(target)

    def key(seat: str) -> tuple[int, bool, int, int, str]:
        r, c = seat_key(seat)
        return abs(r - row), seat_position(seat) != position, abs(ord(c) - ord(letter)), r, c

    return sorted((s for s in candidates if s != target), key=key)
