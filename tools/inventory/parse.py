"""The local engine's grammar: a question (Chinese, English or mixed) -> QuerySpec.

The parser reads the question in passes, each of which recognises one kind of phrase and masks
what it consumed so that later passes cannot read it twice:

    ids and VINs -> entities (brands, models, stores, cities; longest alias first) -> model years
    -> dates (explicit, quarters, halves, months, years, relative periods) -> durations ("库龄超过
    90天", "in the last 30 days") -> mileage -> top-k -> count thresholds -> prices -> attributes
    (colours, body and fuel types, statuses; with negation) -> misspelt names -> misspelt attributes

and finally decides the shape (aggregate, group-by, top-k, distinct values, lookup, listing) from
the keywords left over. Only canonical catalogue values, numbers and dates leave this module: the
user's own words never reach SQL. Conventions (documented in docs/inventory.md): "库存"/"in stock"
means status in_stock; a bare year ("2025年") is an intake year, "2025款" a model year; "before P"
is before P starts, "after P" after it ends, "since P" from its start; "last month" is the previous
calendar month, "the last 30 days" a rolling window ending today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tools.inventory.grammar import entities, quantities
from tools.inventory.grammar.attribute_slips import attribute_slips
from tools.inventory.grammar.durations import durations
from tools.inventory.grammar.leftovers import unread
from tools.inventory.grammar.misspellings import misspellings
from tools.inventory.grammar.model_years import model_years
from tools.inventory.grammar.numbers import prepare
from tools.inventory.grammar.periods import dates_pass
from tools.inventory.grammar.scan import Scan
from tools.inventory.grammar.shape import build
from tools.inventory.lexicon import ATTRIBUTE_ALIASES, ENTITY_ALIASES
from tools.inventory.spec import Condition, QuerySpec

__all__ = ["Parsed", "parse_question", "prepare"]

_FOLLOWUP = re.compile(
    r"^(?:那么?|那如果|其中|这些|这里面|这其中|里面|只看|如果是|如果只看|换成|改看|再看|还有|另外|同样|它们|它|他们|那其中|那么其中)"
    r"|其中|它们|这些车|这批车|呢\s*[?？]?\s*$"
    r"|^(?:and|what about|how about|of (?:them|those|these)|among (?:them|those|these)|only|just|now|then|same|but|also|ok(?:ay)?,? and|what if)\b"
    r"|\b(?:of them|of those|of these|among them|among those|those ones|these ones|them|those)\b"
    r"|\b(?:break|split)\s+(?:that|it|this)\b|\bfor (?:that|this)\b"
)


@dataclass
class Parsed:
    spec: QuerySpec | None
    understood: bool
    followup: bool = False
    alternatives: list[QuerySpec] = field(default_factory=list)
    # numbers, months or negations the question states and no pass could read: ask, never drop them
    unread: list[str] = field(default_factory=list)


_DEPENDENT_FIELDS = {"brand": ("model",), "city": ("store_id",)}


def _merge(previous: QuerySpec, new: QuerySpec, new_shape: bool) -> QuerySpec:
    """A follow-up: the previous question's filters refined by the new ones (same field replaced)."""
    new_fields = {c.field for c in new.conditions}
    # A new brand makes the old model meaningless (a model belongs to a brand), a new city the old store.
    replaced = new_fields | {
        dependent for field in new_fields for dependent in _DEPENDENT_FIELDS.get(field, ())
    }
    conditions = [c for c in previous.conditions if c.field not in replaced] + new.conditions
    base = new if new_shape else previous
    merged = QuerySpec.from_dict(base.to_dict())
    merged.conditions = conditions
    if merged.subject == "stores" and any(c.field not in ("city", "store_id") for c in conditions):
        merged.subject = "vehicles"
    return merged


def parse_question(question: str, *, today: date, previous: dict[str, Any] | None = None) -> Parsed:
    """Parse `question`; with `previous` (a follow-up state), refine the previous spec when it reads as a follow-up."""
    scan = Scan(question, today)
    entities.ids(scan)
    entities.aliases(scan, ENTITY_ALIASES)
    model_years(scan)
    dates_pass(scan)
    durations(scan)
    quantities.mileage(scan)
    quantities.count_threshold(scan)
    quantities.top_k(scan)
    quantities.prices(scan)
    entities.aliases(scan, ATTRIBUTE_ALIASES)
    entities.short_colors(scan)
    misspellings(scan)
    attribute_slips(scan)
    leftovers = unread(scan)
    if leftovers:
        return Parsed(spec=None, understood=False, unread=leftovers)
    shaped = build(scan)
    spec, understood, followup = shaped.spec, shaped.understood, False
    prev_spec = _previous_spec(previous)
    if prev_spec is not None and _FOLLOWUP.search(scan.full):
        spec = _merge(prev_spec, spec, shaped.explicit)
        understood, followup = True, True
    return Parsed(
        spec=spec if understood else None,
        understood=understood,
        followup=followup,
        alternatives=_model_year_alternatives(spec, scan.intake_context),
    )


def _previous_spec(previous: dict[str, Any] | None) -> QuerySpec | None:
    if previous and isinstance(previous.get("spec"), dict):
        try:
            return QuerySpec.from_dict(previous["spec"])
        except (TypeError, ValueError):
            return None
    return None


def _model_year_alternatives(spec: QuerySpec, intake_context: bool) -> list[QuerySpec]:
    """A bare year read as an intake year may have meant a model year: offered as the retry."""
    alternatives = []
    for i, c in enumerate(spec.conditions):
        if (
            c.field == "intake_date"
            and c.op == "between"
            and c.values[0].endswith("-01-01")
            and c.values[1].endswith("-12-31")
            and c.values[0][:4] == c.values[1][:4]
            and not intake_context
        ):
            alt = QuerySpec.from_dict(spec.to_dict())
            year = int(c.values[0][:4])
            alt.conditions[i] = Condition("model_year", "between", [year, year])
            alternatives.append(alt)
    return alternatives
