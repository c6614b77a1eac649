"""Result-set comparison for execution accuracy.

Two results match when they hold the same rows: as multisets, or as sequences when the question
asks for an order. Columns are matched by their values, not their names or positions, and the
prediction may show extra columns (a listing that also shows the price still answers "which
cars"), but never fewer columns, other values or a different number of rows. Numbers compare
after rounding to 2 decimals (an average is the same whether SQL or Python rounds it).
"""

from __future__ import annotations

from collections import Counter
from itertools import product
from typing import Any


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return round(float(value), 2)
    if value is None:
        return None
    return str(value)


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]


def results_match(gold: list[tuple[Any, ...]], pred: list[tuple[Any, ...]], *, ordered: bool) -> bool:
    """True when `pred` answers with the same rows as `gold` (see the module docstring)."""
    if len(gold) != len(pred):
        return False
    if not gold:
        return True
    gold_rows = [tuple(_norm(v) for v in row) for row in gold]
    pred_rows = [tuple(_norm(v) for v in row) for row in pred]
    g_width, p_width = len(gold_rows[0]), len(pred_rows[0])
    if p_width < g_width:
        return False
    g_cols, p_cols = _columns(gold_rows, g_width), _columns(pred_rows, p_width)
    key = (lambda col: col) if ordered else (lambda col: sorted(col, key=repr))
    options = [[j for j in range(p_width) if key(p_cols[j]) == key(g_cols[i])] for i in range(g_width)]
    if any(not o for o in options):
        return False
    for mapping in product(*options):
        if len(set(mapping)) != len(mapping):
            continue
        projected = [tuple(row[j] for j in mapping) for row in pred_rows]
        if (projected == gold_rows) if ordered else (Counter(projected) == Counter(gold_rows)):
            return True
    return False
