"""What time it is: the system clock, or a frozen instant, seen from a time zone.

Everything that depends on "now" (flight statuses that follow the clock, "tomorrow" in a message,
the first day of the seeded timetable) asks a `Clock` it was given, never `datetime.now()` itself,
so a test or a demo freezes time by building `Clock(frozen=...)` (or setting `SWITCHBOARD_NOW`)
instead of patching the datetime module.

    clock = Clock(frozen="2026-12-03T09:00", time_zone="Asia/Shanghai")
    clock.now()                      # aware, UTC
    clock.local()                    # aware, in the clock's zone (or clock.local("America/New_York"))
    clock.today()                    # the date in that zone
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from switchboard.errors import ConfigurationError, InputError

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` ("Asia/Shanghai", "America/New_York"), or a one-line InputError."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InputError("a time zone is an IANA name such as Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {name[:64]!r} (expected e.g. Asia/Shanghai)") from exc


def parse_instant(value: str, time_zone: str = DEFAULT_TIME_ZONE) -> datetime:
    """An ISO 8601 date-time (naive ones are read in `time_zone`) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError) as exc:
        raise ConfigurationError(
            f"not an ISO date-time: {str(value)[:40]!r} (e.g. 2026-12-03T09:00)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(time_zone))
    return moment.astimezone(UTC)


class Clock:
    """The time of a process: the system's, or `frozen` (an aware datetime or an ISO string)."""

    def __init__(self, frozen: datetime | str | None = None, time_zone: str = DEFAULT_TIME_ZONE) -> None:
        self.time_zone = time_zone
        self._zone = zone(time_zone)
        if isinstance(frozen, str):
            frozen = parse_instant(frozen, time_zone)
        elif isinstance(frozen, datetime) and frozen.tzinfo is None:
            frozen = frozen.replace(tzinfo=self._zone)
        self._frozen = None if frozen is None else frozen.astimezone(UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def now(self) -> datetime:
        """Now, aware, in UTC."""
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def local(self, time_zone: str | None = None) -> datetime:
        """Now in `time_zone` (default: the clock's own zone), aware."""
        return self.now().astimezone(self._zone if time_zone is None else zone(time_zone))

    def today(self, time_zone: str | None = None) -> date:
        """Today's date in `time_zone` (default: the clock's own zone)."""
        return self.local(time_zone).date()

    def naive_local(self, time_zone: str) -> datetime:
        """Now as a naive wall-clock time in `time_zone` (how flight times are stored)."""
        return self.local(time_zone).replace(tzinfo=None)

    def __repr__(self) -> str:
        state = f"frozen at {self._frozen.isoformat()}" if self._frozen else "system"
        return f"Clock({state}, {self.time_zone})"
