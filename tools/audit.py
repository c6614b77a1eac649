"""The audit trail: every write of the airline desk, who did it, through which face, and when.

One row per write in `audit_log`, added in the write's own transaction (a write and its audit row
are committed together or not at all), by a SQLAlchemy `before_flush` hook that looks at what the
session is about to write: a new booking (`book_seat`), a booking whose seat changed
(`change_seat`) or that became cancelled (`cancel_booking`), a new complaint (`file_complaint`).
So no write path can forget it. Each row holds:

    at          when (UTC)          user_id   whose record it is (the services check that the
    face        cli, mcp, langgraph-server, eval, ... (`switchboard.face`)   caller owns it)
    action      book_seat | change_seat | cancel_booking | file_complaint
    target      the booking's confirmation number or the complaint id
    details     JSON: flight, seats before and after, refund, category (never free text)
    request_id  the id of the proposal the user confirmed, when the write answered one

`entries(engine, user_id=..., ...)` is what the operator's `switchboard audit` reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Engine, Index, Integer, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from switchboard.face import current_face, current_request
from tools.db import Base, read_session, table_of


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[str] = mapped_column(Text)
    face: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(Text, nullable=True)


AUDIT_TABLE = table_of(AuditEntry)


@dataclass(frozen=True)
class Audited:
    """One audit row as the operator reads it."""

    at: str
    user_id: str
    face: str
    action: str
    target: str
    details: dict[str, Any]
    request_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _changes(obj: Any, *names: str) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    changed = {}
    for name in names:
        history = state.attrs[name].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            changed[name] = (before, after)
    return changed


def _entries_for(session: Session) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(action, user, target, details) of the writes this flush holds."""
    from tools.airline_models import Booking, Complaint

    found = []
    for obj in session.new:
        if isinstance(obj, Booking):
            details = {
                "flight": obj.flight_number,
                "date": obj.flight_date.isoformat() if obj.flight_date else None,
                "seat": obj.seat,
                "cabin": obj.cabin,
                "fare": _json(obj.fare_paid),
            }
            found.append(("book_seat", obj.user_id, obj.confirmation_number, details))
        elif isinstance(obj, Complaint):
            details = {"category": obj.category, "flight": obj.flight_number}
            found.append(("file_complaint", obj.user_id, obj.complaint_id, details))
    for obj in session.dirty:
        if not isinstance(obj, Booking):
            continue
        changed = _changes(obj, "status", "seat")
        if changed.get("status", (None, None))[1] == "cancelled":
            details = {"flight": obj.flight_number, "seat": obj.seat, "refund": _json(obj.refund_amount)}
            found.append(("cancel_booking", obj.user_id, obj.confirmation_number, details))
        elif "seat" in changed:
            before, after = changed["seat"]
            details = {"flight": obj.flight_number, "from": before, "to": after}
            found.append(("change_seat", obj.user_id, obj.confirmation_number, details))
    return found


def _request_id(session: Session) -> str | None:
    """The confirmed proposal this write answers: a new applied-request row, else the face's."""
    for obj in session.new:
        if type(obj).__name__ == "AppliedRequest" and isinstance(getattr(obj, "request_id", None), str):
            return str(obj.request_id)
    return current_request.get()


_READY: set[str] = set()


def ensure_audit_table(engine: Engine) -> None:
    """Create `audit_log` in a database made before it existed (once per engine)."""
    key = engine.url.render_as_string(hide_password=True)
    if key not in _READY:
        AUDIT_TABLE.create(engine, checkfirst=True)
        _READY.add(key)


@event.listens_for(Session, "before_flush")
def _audit_writes(session: Session, _context: Any, _instances: Any) -> None:
    found = _entries_for(session)
    if not found:
        return
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    request_id = _request_id(session)
    for action, user, target, details in found:
        session.add(
            AuditEntry(
                at=now,
                user_id=user,
                face=current_face.get(),
                action=action,
                target=target,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
                request_id=request_id,
            )
        )


def entries(
    engine: Engine,
    *,
    user_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[Audited]:
    """Audit rows, newest first, filtered by user, action and time."""
    ensure_audit_table(engine)
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    with read_session(engine) as session:
        return [
            Audited(
                at=row.at.isoformat(),
                user_id=row.user_id,
                face=row.face,
                action=row.action,
                target=row.target,
                details=json.loads(row.details),
                request_id=row.request_id,
            )
            for row in session.scalars(query)
        ]
