"""The values the scan recognised -> the conditions of the query.

A negation carries over a conjunction ("apart from white and black"), "new energy" expands to
electric and hybrid, two point values of one field mean either of them, and repeats are dropped.
"""

from __future__ import annotations

from tools.inventory.grammar.scan import CONJ, NEG_AFTER, Match, Scan
from tools.inventory.spec import Condition


def values_by_field(scan: Scan) -> dict[str, list[Match]]:
    """The recognised values by field; a negation carries over a conjunction."""
    values: dict[str, list[Match]] = {}
    for m in sorted(scan.matches, key=lambda m: m.start):
        chain = values.get(m.field)
        if chain and chain[-1].negated and not m.negated and CONJ.match(scan.t[chain[-1].end : m.start]):
            m.negated = True  # "apart from white and black": the second one too
        values.setdefault(m.field, []).append(m)
    for chain in values.values():
        # "白色和黑色以外": a negation said after the last value covers the ones joined before it
        for earlier, later in reversed(list(zip(chain, chain[1:], strict=False))):
            if (
                later.negated
                and not earlier.negated
                and NEG_AFTER.match(scan.t[later.end : later.end + 16])
                and CONJ.match(scan.t[earlier.end : later.start])
            ):
                earlier.negated = True
    return values


def conditions(scan: Scan, values: dict[str, list[Match]]) -> list[Condition]:
    conds = _points_to_in(scan.conds)
    for field_name, ms in values.items():
        pos = list(dict.fromkeys(m.value for m in ms if not m.negated))
        neg = list(dict.fromkeys(m.value for m in ms if m.negated))
        if field_name == "fuel_type":
            pos = _expand_nev(pos)
            neg = _expand_nev(neg)
        if pos:
            conds.insert(0, Condition(field_name, "in", pos))
        if neg:
            conds.insert(0, Condition(field_name, "not_in", neg))
    return _dedupe(conds)


def _expand_nev(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(["electric", "hybrid"] if v == "nev" else [v])
    return list(dict.fromkeys(out))


def _points_to_in(conds: list[Condition]) -> list[Condition]:
    """Two point values of one field ("2026款和2027款") mean either, not both: one IN condition."""
    out: list[Condition] = []
    for c in conds:
        point = (
            c.op == "between"
            and c.values[0] == c.values[1]
            and c.field in ("model_year", "guide_price", "mileage_km")
        )
        same = next(
            (
                o
                for o in out
                if o.field == c.field and (o.op == "in" or (o.op == "between" and o.values[0] == o.values[1]))
            ),
            None,
        )
        if point and same is not None:
            values = same.values[:1] if same.op == "between" else same.values
            same.op, same.values = "in", list(dict.fromkeys([*values, c.values[0]]))
        else:
            out.append(c)
    return out


def _dedupe(conds: list[Condition]) -> list[Condition]:
    seen: list[Condition] = []
    for c in conds:
        if not any(c.field == s.field and c.op == s.op and c.values == s.values for s in seen):
            seen.append(c)
    return seen


def with_reserved(conds: list[Condition]) -> list[Condition]:
    """ "reserved ones included": the statuses asked for (the stock when none is) and reserved."""
    statuses = [c for c in conds if c.field == "status"]
    if any(c.op != "in" for c in statuses):
        return conds  # "unsold, reserved included": the unsold ones already are
    asked = [v for c in statuses for v in c.values] or ["in_stock"]
    kept = [c for c in conds if c.field != "status"]
    return [*kept, Condition("status", "in", [*dict.fromkeys([*asked, "reserved"])])]
