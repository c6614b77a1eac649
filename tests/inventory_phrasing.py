"""What the inventory phrasing tests share: a frozen today and the parsed spec of a question."""

from __future__ import annotations

from datetime import date

from tools.inventory.parse import parse_question
from tools.inventory.spec import QuerySpec

TODAY = date(2026, 11, 15)


def spec_of(question: str) -> QuerySpec:
    """The spec the grammar reads from `question` (fails the test when it reads none)."""
    parsed = parse_question(question, today=TODAY)
    assert parsed.spec is not None, (question, parsed.unread)
    return parsed.spec


def conds(spec: QuerySpec) -> dict[str, tuple[str, list]]:
    """The spec's conditions by field: (operator, values)."""
    return {c.field: (c.op, c.values) for c in spec.conditions}
