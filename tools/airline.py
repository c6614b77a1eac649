"""The airline desk as a typed service: flight status, fares, seat maps, bookings, refunds, complaints.

`AirlineService(engine)` is plain Python over SQLAlchemy. Every method normalises and validates its
arguments (`InputError`), checks that the caller owns what it touches (`NotAllowed`) and can be
called twice with the same effect. Expected failures raise `switchboard.errors` with a machine
readable `details["code"]`:

    NotFound    no_such_flight, no_such_seat, no_such_fare, no_such_booking
    NotAllowed  not_owner
    Conflict    flight_not_bookable, flight_departed, seat_taken (alternatives=[...]),
                already_booked (booking=BookingInfo), booking_cancelled, busy

Races are settled by the database, not by the checks: the partial unique indexes of
`tools.airline_models` reject a second confirmed booking of a seat (or of a user on a flight); the
loser's IntegrityError is turned into the Conflict a fresh look at the data explains.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlalchemy import ColumnElement, Engine, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from switchboard.errors import Conflict, InputError, NotAllowed, NotFound
from tools.airline_models import (
    BOOKING_STATUSES,
    CABINS,
    Booking,
    Complaint,
    Fare,
    Flight,
    Seat,
)
from tools.db import read_session, write_session

# Flights that can still take (or change) a seat.
BOOKABLE_STATUSES = frozenset({"on_time", "delayed", "boarding"})
# Voluntary cancellation fee per cabin, in the fare's currency; the refund never goes below zero.
CANCELLATION_FEES: dict[str, Decimal] = {
    "economy": Decimal("100.00"),
    "business": Decimal("200.00"),
    "first": Decimal("300.00"),
}
ComplaintCategory = Literal["delay", "baggage", "refund", "staff", "service", "seat", "food", "cleanliness", "booking", "other"]  # fmt: skip
COMPLAINT_CATEGORIES: tuple[str, ...] = get_args(ComplaintCategory)
MAX_COMPLAINT_CHARS = 4000
# Attempts at a write that lost a race (or drew a used confirmation number) before giving up.
_MAX_ATTEMPTS = 8

_CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


Money = Annotated[Decimal, AfterValidator(_cents)]
SeatPosition = Literal["window", "aisle", "middle"]


# ---------------------------------------------------------------- results


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class FlightInfo(_Result):
    flight_number: str
    origin: str
    destination: str
    departure_time: datetime
    arrival_time: datetime
    status: str
    gate: str | None
    delay_minutes: int
    # departure_time + delay_minutes; None when the flight is cancelled.
    estimated_departure: datetime | None


class FareInfo(_Result):
    flight_number: str
    cabin: str
    price: Money
    currency: str


class SeatInfo(_Result):
    seat: str
    cabin: str
    position: SeatPosition
    free: bool


class SeatMap(_Result):
    flight_number: str
    seats: tuple[SeatInfo, ...]
    total: int
    free: int
    occupied: int
    free_by_cabin: dict[str, int]


class BookingInfo(_Result):
    confirmation_number: str
    user_id: str
    flight_number: str
    seat: str
    cabin: str
    status: str
    fare_paid: Money
    currency: str
    refund_amount: Money | None
    created_at: datetime
    updated_at: datetime


class BookingResult(_Result):
    booking: BookingInfo
    created: bool


class RefundQuote(_Result):
    booking: BookingInfo
    refund_amount: Money
    fee: Money
    currency: str
    # flight_cancelled_full_refund | voluntary_cancellation_fee | already_cancelled
    reason: str


class CancellationResult(_Result):
    booking: BookingInfo
    refund_amount: Money
    currency: str
    already_cancelled: bool


class ComplaintInfo(_Result):
    complaint_id: str
    user_id: str
    category: str
    status: str
    flight_number: str | None
    text: str
    created_at: datetime
    created: bool


# ---------------------------------------------------------------- input normalisation (pure)

_FLIGHT_RE = re.compile(r"([A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])([0-9]{1,4})([A-Z]?)")
_SEAT_RE = re.compile(r"([0-9]{1,2})([A-HJK])")  # no I: airlines skip it
_CONFIRMATION_RE = re.compile(r"[A-Z]{3}[0-9]{3}")
_USER_RE = re.compile(r"[\w.@:+\-]{1,128}")
_SPACES = re.compile(r"[\s\-_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CABIN_ALIASES = {
    "economy": "economy",
    "eco": "economy",
    "coach": "economy",
    "经济舱": "economy",
    "经济": "economy",
    "business": "business",
    "商务舱": "business",
    "商务": "business",
    "公务舱": "business",
    "first": "first",
    "first class": "first",
    "头等舱": "first",
    "头等": "first",
}
_CABIN_ORDER = {cabin: i for i, cabin in enumerate(CABINS)}


def _code(value: object, what: str, max_len: int = 16) -> str:
    """NFKC (full-width letters become ASCII), separators removed, upper case."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not cleaned:
        raise InputError(f"{what} is empty")
    if len(cleaned) > max_len:
        raise InputError(f"{what} is too long")
    return cleaned


def normalize_flight_number(value: object) -> str:
    """'fl 123', 'ＦＬ１２３', 'FL0123' -> 'FL123'; anything else -> InputError."""
    code = _code(value, "flight number")
    match = _FLIGHT_RE.fullmatch(code)
    if match is None or int(match.group(2)) == 0:
        raise InputError(f"not a flight number: {code!r} (expected e.g. FL123)")
    airline, number, suffix = match.groups()
    return f"{airline}{int(number)}{suffix}"


def normalize_seat(value: object) -> str:
    """'12a', '012A' -> '12A'; anything else -> InputError."""
    code = _code(value, "seat")
    match = _SEAT_RE.fullmatch(code)
    if match is None or int(match.group(1)) == 0:
        raise InputError(f"not a seat: {code!r} (expected a row and a letter, e.g. 12A)")
    return f"{int(match.group(1))}{match.group(2)}"


def normalize_confirmation_number(value: object) -> str:
    """'abc123' -> 'ABC123'; anything else -> InputError."""
    code = _code(value, "confirmation number")
    if _CONFIRMATION_RE.fullmatch(code) is None:
        raise InputError(
            f"not a confirmation number: {code!r} (expected 3 letters and 3 digits, e.g. ABC123)"
        )
    return code


def normalize_cabin(value: object) -> str:
    """'Economy', '经济舱' -> 'economy'; unknown names -> InputError."""
    if not isinstance(value, str):
        raise InputError(f"cabin must be a string, got {type(value).__name__}")
    key = " ".join(unicodedata.normalize("NFKC", value).lower().split())
    key = key.removesuffix(" class") if key != "first class" else key
    if key not in _CABIN_ALIASES:
        raise InputError(f"unknown cabin {value[:40]!r} (expected one of {', '.join(CABINS)})")
    return _CABIN_ALIASES[key]


def normalize_user_id(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"user id must be a string, got {type(value).__name__}")
    user_id = value.strip()
    if _USER_RE.fullmatch(user_id) is None:
        raise InputError("user id must be 1-128 letters, digits or . @ : + - _")
    return user_id


def _complaint_text(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"complaint text must be a string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InputError("complaint text is empty")
    if len(text) > MAX_COMPLAINT_CHARS:
        raise InputError(f"complaint text is longer than {MAX_COMPLAINT_CHARS} characters")
    if _CONTROL.search(text):
        raise InputError("complaint text contains control characters (binary data?)")
    return text


def _fingerprint(text: str) -> str:
    """What makes two complaints 'the same text': case, width and spacing do not count."""
    canonical = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seat_position(seat: str) -> SeatPosition:
    """A, F window; C, D aisle; B, E middle (3-3 economy, 2-2 business, 1-1 first all fit)."""
    letter = seat[-1]
    if letter in "AFK":
        return "window"
    if letter in "CDGH":
        return "aisle"
    return "middle"


def _seat_key(seat: str) -> tuple[int, str]:
    return int(seat[:-1]), seat[-1]


def rank_nearby(target: str, candidates: list[str]) -> list[str]:
    """Candidates ordered by row distance, then same position (window/aisle/middle), then across."""
    row, letter = _seat_key(target)
    position = seat_position(target)

    def key(seat: str) -> tuple[int, bool, int, int, str]:
        r, c = _seat_key(seat)
        return abs(r - row), seat_position(seat) != position, abs(ord(c) - ord(letter)), r, c

    return sorted((s for s in candidates if s != target), key=key)


# ---------------------------------------------------------------- complaint classification (pure)

# Scored by number of hits; ties go to the earlier category (the specific before the generic:
# "服务员态度差" hits staff twice and service once).
# fmt: off
_COMPLAINT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "delay": (
        "延误", "晚点", "延迟", "推迟", "误点", "航班取消", "误机", "没赶上",
        r"\bdelay\w*", r"\blate\b", r"\bpostpone\w*", r"\bmissed (?:my )?connection",
        r"\bflight (?:was )?cancel\w*",
    ),
    "baggage": (
        "行李", "托运", "箱子", "拉杆箱",
        r"\bbaggage\b", r"\bluggage\b", r"\bsuitcase\w*", r"\bbags?\b",
    ),
    "refund": (
        "退款", "退票", "退钱", "赔偿", "补偿",
        r"\brefund\w*", r"\breimburs\w*", r"\bmoney back\b", r"\bcompensat\w*", r"\bchargeback\b",
    ),
    "staff": (
        "态度", "空乘", "空姐", "乘务", "服务员", "地勤", "工作人员", "机组", "无礼", "粗鲁", "骂",
        r"\brude\w*", r"\bstaff\b", r"\bcrew\b", r"\battendants?\b", r"\bemployees?\b",
        r"\bimpolite\b", r"\bunprofessional\b", r"\bagents?\b", r"\battitude\b",
    ),
    "cleanliness": (
        "脏", "不干净", "卫生", "异味", "臭", "厕所", "洗手间", "蟑螂",
        r"\bdirty\b", r"\bfilthy\b", r"\bunclean\w*", r"\bclean\w*", r"\bsmell\w*", r"\bstink\w*",
        r"\bhygien\w*", r"\btoilets?\b", r"\blavator\w*", r"\bcockroach\w*",
    ),
    "food": (
        "餐", "饭", "食物", "饮料", "零食", "吃的",
        r"\bfood\b", r"\bmeals?\b", r"\bdrinks?\b", r"\bsnacks?\b", r"\bbeverages?\b",
    ),
    "seat": (
        "座位", "座椅", "位子", "腿部空间", "靠背", "选座",
        r"\bseats?\b", r"\blegroom\b", r"\brecline\w*",
    ),
    "booking": (
        "预订", "预定", "订票", "改签", "确认号", "出票", "订单", "值机",
        r"\bbook(?:ing|ed)?\b", r"\breservations?\b", r"\btickets?\b", r"\bcheck-?in\b",
        r"\bconfirmation\b",
    ),
    "service": (
        "服务", "体验", "客服", "差劲", "太差",
        r"\bservice\b", r"\bexperience\b", r"\bsupport\b", r"\bhelpdesk\b",
    ),
}
# fmt: on
_COMPLAINT_PATTERNS = {
    category: re.compile("|".join(words)) for category, words in _COMPLAINT_KEYWORDS.items()
}


def classify_complaint(text: str) -> str:
    """The category of a complaint from Chinese and English keywords; 'other' when nothing fits."""
    if not isinstance(text, str):
        raise InputError(f"complaint text must be a string, got {type(text).__name__}")
    folded = unicodedata.normalize("NFKC", text).casefold()
    best, best_hits = "other", 0
    for category, pattern in _COMPLAINT_PATTERNS.items():
        hits = len(pattern.findall(folded))
        if hits > best_hits:  # strict: an earlier category keeps a tie
            best, best_hits = category, hits
    return best


def normalize_complaint_category(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"complaint category must be a string, got {type(value).__name__}")
    category = value.strip().lower()
    if category not in COMPLAINT_CATEGORIES:
        raise InputError(f"unknown complaint category {value[:40]!r}")
    return category


# ---------------------------------------------------------------- helpers


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _flight_info(flight: Flight) -> FlightInfo:
    estimated = (
        None
        if flight.status == "cancelled"
        else flight.departure_time + timedelta(minutes=flight.delay_minutes or 0)
    )
    return FlightInfo(
        flight_number=flight.flight_number,
        origin=flight.origin,
        destination=flight.destination,
        departure_time=flight.departure_time,
        arrival_time=flight.arrival_time,
        status=flight.status,
        gate=flight.gate,
        delay_minutes=flight.delay_minutes or 0,
        estimated_departure=estimated,
    )


def _booking_info(booking: Booking) -> BookingInfo:
    return BookingInfo(
        confirmation_number=booking.confirmation_number,
        user_id=booking.user_id,
        flight_number=booking.flight_number,
        seat=booking.seat,
        cabin=booking.cabin,
        status=booking.status,
        fare_paid=booking.fare_paid,
        currency=booking.currency,
        refund_amount=booking.refund_amount,
        created_at=booking.created_at,
        updated_at=booking.updated_at,
    )


def _complaint_info(complaint: Complaint, created: bool) -> ComplaintInfo:
    return ComplaintInfo(
        complaint_id=complaint.complaint_id,
        user_id=complaint.user_id,
        category=complaint.category,
        status=complaint.status,
        flight_number=complaint.flight_number,
        text=complaint.text,
        created_at=complaint.created_at,
        created=created,
    )


def _new_confirmation_number() -> str:
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(3))
    return letters + f"{secrets.randbelow(1000):03d}"


def _new_complaint_id() -> str:
    return "CMP-" + secrets.token_hex(4).upper()


def _refund_terms(booking: Booking, flight: Flight) -> tuple[Decimal, Decimal, str]:
    """(refund, fee, reason) for cancelling a confirmed booking now."""
    fare = _cents(booking.fare_paid)
    if flight.status == "cancelled":
        return fare, Decimal("0.00"), "flight_cancelled_full_refund"
    if flight.status in ("departed", "arrived"):
        raise Conflict(
            f"flight {flight.flight_number} has {flight.status}; the booking can no longer be refunded",
            code="flight_departed",
            flight_number=flight.flight_number,
            flight_status=flight.status,
        )
    refund = max(fare - CANCELLATION_FEES[booking.cabin], Decimal("0.00"))
    return refund, fare - refund, "voluntary_cancellation_fee"


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    name = getattr(orig, "sqlite_errorname", "")
    return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY") or "UNIQUE constraint" in str(
        orig
    )


T = TypeVar("T")


# ---------------------------------------------------------------- the service


class AirlineService:
    """Flights, seats, fares, bookings and complaints over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- reads

    def flight_status(self, flight_number: str) -> FlightInfo:
        number = normalize_flight_number(flight_number)
        with read_session(self._engine) as session:
            return _flight_info(self._flight(session, number))

    def fares(self, flight_number: str, cabin: str | None = None) -> list[FareInfo]:
        number = normalize_flight_number(flight_number)
        wanted = None if cabin is None else normalize_cabin(cabin)
        with read_session(self._engine) as session:
            self._flight(session, number)
            query = select(Fare).where(Fare.flight_number == number)
            if wanted is not None:
                query = query.where(Fare.cabin == wanted)
            rows = session.scalars(query).all()
        if wanted is not None and not rows:
            raise NotFound(
                f"flight {number} has no {wanted} fare",
                code="no_such_fare",
                flight_number=number,
                cabin=wanted,
            )
        rows = sorted(rows, key=lambda f: _CABIN_ORDER.get(f.cabin, 99))
        return [
            FareInfo(flight_number=f.flight_number, cabin=f.cabin, price=f.price, currency=f.currency)
            for f in rows
        ]

    def seat_map(self, flight_number: str) -> SeatMap:
        number = normalize_flight_number(flight_number)
        with read_session(self._engine) as session:
            self._flight(session, number)
            rows = session.execute(
                select(Seat.seat, Seat.cabin, Booking.confirmation_number)
                .outerjoin(Booking, self._holds_seat())
                .where(Seat.flight_number == number)
            ).all()
        seats = sorted(
            (SeatInfo(seat=s, cabin=c, position=seat_position(s), free=held is None) for s, c, held in rows),
            key=lambda info: _seat_key(info.seat),
        )
        free_by_cabin = {cabin: 0 for cabin in CABINS if any(s.cabin == cabin for s in seats)}
        for info in seats:
            if info.free:
                free_by_cabin[info.cabin] += 1
        free = sum(free_by_cabin.values())
        return SeatMap(
            flight_number=number,
            seats=tuple(seats),
            total=len(seats),
            free=free,
            occupied=len(seats) - free,
            free_by_cabin=free_by_cabin,
        )

    def free_seats_near(self, flight_number: str, seat: str, limit: int = 3) -> list[str]:
        number = normalize_flight_number(flight_number)
        wanted = normalize_seat(seat)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            raise InputError("limit must be an integer from 1 to 50")
        with read_session(self._engine) as session:
            return self._free_near(session, number, wanted, limit)

    def get_booking(self, user_id: str, confirmation_number: str) -> BookingInfo:
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        with read_session(self._engine) as session:
            return _booking_info(self._own_booking(session, user, number))

    def user_bookings(
        self, user_id: str, flight_number: str | None = None, status: str | None = "confirmed"
    ) -> list[BookingInfo]:
        user = normalize_user_id(user_id)
        query = select(Booking).where(Booking.user_id == user)
        if flight_number is not None:
            query = query.where(Booking.flight_number == normalize_flight_number(flight_number))
        if status is not None:
            if status not in BOOKING_STATUSES:
                raise InputError(f"status must be one of {', '.join(BOOKING_STATUSES)} or None")
            query = query.where(Booking.status == status)
        query = query.order_by(Booking.created_at, Booking.confirmation_number)
        with read_session(self._engine) as session:
            return [_booking_info(b) for b in session.scalars(query)]

    def quote_refund(self, user_id: str, confirmation_number: str) -> RefundQuote:
        """What cancelling would refund now; changes nothing."""
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        with read_session(self._engine) as session:
            booking = self._own_booking(session, user, number)
            info = _booking_info(booking)
            if booking.status == "cancelled":
                refund = booking.refund_amount or Decimal("0.00")
                return RefundQuote(
                    booking=info,
                    refund_amount=refund,
                    fee=max(booking.fare_paid - refund, Decimal("0.00")),
                    currency=booking.currency,
                    reason="already_cancelled",
                )
            refund, fee, reason = _refund_terms(booking, self._flight(session, booking.flight_number))
        return RefundQuote(booking=info, refund_amount=refund, fee=fee, currency=info.currency, reason=reason)

    # -- writes

    def book_seat(self, user_id: str, flight_number: str, seat: str) -> BookingResult:
        user = normalize_user_id(user_id)
        number = normalize_flight_number(flight_number)
        wanted = normalize_seat(seat)

        def attempt(session: Session) -> BookingResult:
            flight = self._flight(session, number)
            self._require_bookable(flight)
            seat_row = self._seat(session, number, wanted)
            # One statement, one snapshot: under READ COMMITTED two separate checks could see a
            # concurrent winner in the second but not the first.
            current = self._claims(session, user, number, wanted)
            mine = next((b for b in current if b.user_id == user), None)
            if mine is not None:
                if mine.seat == wanted:
                    return BookingResult(booking=_booking_info(mine), created=False)
                raise Conflict(
                    f"you already hold seat {mine.seat} on {number} ({mine.confirmation_number}); "
                    "change the seat instead",
                    code="already_booked",
                    booking=_booking_info(mine),
                )
            if current:
                raise self._seat_taken(session, number, wanted)
            fare = session.get(Fare, (number, seat_row.cabin))
            if fare is None:
                raise NotFound(
                    f"flight {number} sells no {seat_row.cabin} fare",
                    code="no_such_fare",
                    flight_number=number,
                    cabin=seat_row.cabin,
                )
            now = _utcnow()
            booking = Booking(
                confirmation_number=self._unused_confirmation_number(session),
                user_id=user,
                flight_number=number,
                seat=wanted,
                cabin=seat_row.cabin,
                status="confirmed",
                fare_paid=fare.price,
                currency=fare.currency,
                refund_amount=None,
                created_at=now,
                updated_at=now,
            )
            session.add(booking)
            session.flush()  # the unique indexes speak here
            return BookingResult(booking=_booking_info(booking), created=True)

        return self._write(attempt)

    def change_seat(self, user_id: str, confirmation_number: str, new_seat: str) -> BookingInfo:
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        wanted = normalize_seat(new_seat)

        def attempt(session: Session) -> BookingInfo:
            booking = self._own_booking(session, user, number, for_update=True)
            if booking.status != "confirmed":
                raise Conflict(
                    f"booking {number} is cancelled", code="booking_cancelled", booking=_booking_info(booking)
                )
            if booking.seat == wanted:
                return _booking_info(booking)
            flight = self._flight(session, booking.flight_number)
            self._require_bookable(flight)
            seat_row = self._seat(session, flight.flight_number, wanted)
            if self._holder(session, flight.flight_number, wanted) is not None:
                raise self._seat_taken(session, flight.flight_number, wanted)
            booking.seat = wanted
            booking.cabin = seat_row.cabin
            booking.updated_at = _utcnow()
            session.flush()
            return _booking_info(booking)

        return self._write(attempt)

    def cancel_booking(self, user_id: str, confirmation_number: str) -> CancellationResult:
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)

        def attempt(session: Session) -> CancellationResult:
            booking = self._own_booking(session, user, number, for_update=True)
            if booking.status == "cancelled":
                return CancellationResult(
                    booking=_booking_info(booking),
                    refund_amount=booking.refund_amount or Decimal("0.00"),
                    currency=booking.currency,
                    already_cancelled=True,
                )
            refund, _fee, _reason = _refund_terms(booking, self._flight(session, booking.flight_number))
            booking.status = "cancelled"
            booking.refund_amount = refund
            booking.updated_at = _utcnow()
            session.flush()
            return CancellationResult(
                booking=_booking_info(booking),
                refund_amount=refund,
                currency=booking.currency,
                already_cancelled=False,
            )

        return self._write(attempt)

    def file_complaint(
        self, user_id: str, text: str, category: str | None = None, flight_number: str | None = None
    ) -> ComplaintInfo:
        """Record a complaint; the same open complaint filed again is returned, not duplicated.

        `category` None means: classify the text with `classify_complaint`.
        """
        user = normalize_user_id(user_id)
        body = _complaint_text(text)
        kind = classify_complaint(body) if category is None else normalize_complaint_category(category)
        flight = None if flight_number is None else normalize_flight_number(flight_number)
        digest = _fingerprint(body)

        def attempt(session: Session) -> ComplaintInfo:
            if flight is not None:
                self._flight(session, flight)
            existing = session.scalars(
                select(Complaint).where(
                    Complaint.user_id == user,
                    Complaint.text_sha256 == digest,
                    Complaint.status == "open",
                )
            ).first()
            if existing is not None:
                return _complaint_info(existing, created=False)
            complaint_id = _new_complaint_id()
            while session.get(Complaint, complaint_id) is not None:
                complaint_id = _new_complaint_id()
            complaint = Complaint(
                complaint_id=complaint_id,
                user_id=user,
                text=body,
                text_sha256=digest,
                category=kind,
                flight_number=flight,
                status="open",
                created_at=_utcnow(),
            )
            session.add(complaint)
            session.flush()
            return _complaint_info(complaint, created=True)

        return self._write(attempt)

    # -- internals

    def _write(self, attempt: Callable[[Session], T]) -> T:
        """Run `attempt` in a write transaction; after a lost race, look again from scratch.

        The retry re-runs every check, so the loser of a race gets the Conflict (or the idempotent
        answer) that the winner's committed row explains.
        """
        for _ in range(_MAX_ATTEMPTS):
            try:
                with write_session(self._engine) as session:
                    return attempt(session)
            except IntegrityError as exc:
                if not _is_unique_violation(exc):
                    raise  # a foreign key or check failing is a bug, not a race
                continue
        raise Conflict("the desk is busy with the same record; please try again", code="busy")

    @staticmethod
    def _holds_seat() -> ColumnElement[bool]:
        return and_(
            Booking.flight_number == Seat.flight_number,
            Booking.seat == Seat.seat,
            Booking.status == "confirmed",
        )

    @staticmethod
    def _flight(session: Session, number: str) -> Flight:
        flight = session.get(Flight, number)
        if flight is None:
            raise NotFound(f"no flight {number}", code="no_such_flight", flight_number=number)
        return flight

    @staticmethod
    def _seat(session: Session, number: str, seat: str) -> Seat:
        row = session.get(Seat, (number, seat))
        if row is None:
            raise NotFound(
                f"flight {number} has no seat {seat}", code="no_such_seat", flight_number=number, seat=seat
            )
        return row

    @staticmethod
    def _require_bookable(flight: Flight) -> None:
        if flight.status not in BOOKABLE_STATUSES:
            raise Conflict(
                f"flight {flight.flight_number} is {flight.status}; seats cannot be booked or changed",
                code="flight_not_bookable",
                flight_number=flight.flight_number,
                flight_status=flight.status,
            )

    @staticmethod
    def _holder(session: Session, number: str, seat: str) -> str | None:
        return session.scalars(
            select(Booking.confirmation_number).where(
                Booking.flight_number == number, Booking.seat == seat, Booking.status == "confirmed"
            )
        ).first()

    @staticmethod
    def _claims(session: Session, user: str, number: str, seat: str) -> list[Booking]:
        """Confirmed bookings on the flight held by `user` or holding `seat`."""
        return list(
            session.scalars(
                select(Booking).where(
                    Booking.flight_number == number,
                    Booking.status == "confirmed",
                    or_(Booking.user_id == user, Booking.seat == seat),
                )
            )
        )

    @staticmethod
    def _own_booking(session: Session, user: str, number: str, for_update: bool = False) -> Booking:
        query = select(Booking).where(Booking.confirmation_number == number)
        if for_update:
            # PostgreSQL: a concurrent cancel/change of the same booking waits for this one.
            query = query.with_for_update()
        booking = session.scalars(query).first()
        if booking is None:
            raise NotFound(f"no booking {number}", code="no_such_booking", confirmation_number=number)
        if booking.user_id != user:
            raise NotAllowed(
                f"booking {number} belongs to another user", code="not_owner", confirmation_number=number
            )
        return booking

    def _free_near(self, session: Session, number: str, seat: str, limit: int) -> list[str]:
        target = self._seat(session, number, seat)
        free = session.scalars(
            select(Seat.seat)
            .outerjoin(Booking, self._holds_seat())
            .where(
                Seat.flight_number == number,
                Seat.cabin == target.cabin,
                Booking.confirmation_number.is_(None),
            )
        ).all()
        return rank_nearby(seat, list(free))[:limit]

    def _seat_taken(self, session: Session, number: str, seat: str) -> Conflict:
        return Conflict(
            f"seat {seat} on {number} is taken",
            code="seat_taken",
            flight_number=number,
            seat=seat,
            alternatives=self._free_near(session, number, seat, 3),
        )

    @staticmethod
    def _unused_confirmation_number(session: Session) -> str:
        # A collision slipping past this check (a concurrent insert) fails the primary key and
        # `_write` retries with a fresh number.
        number = _new_confirmation_number()
        while session.get(Booking, number) is not None:
            number = _new_confirmation_number()
        return number
