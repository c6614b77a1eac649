"""Cost bounds of text-to-SQL: what a query may cost is checked before it runs.

Three walls, all measured against this engine and this data (the unit is one full scan of the
largest inventory table, so the bounds grow with the stock and follow the engine's speed):

1. The tree (`tools.inventory.shape_check`, run by validation): a join needs a join condition (ON, USING, or for a comma join an
   equality between the two tables in WHERE) and recursive CTEs are refused: both can make any
   number of rows out of a few.
2. The plan (`CostGuard.check`): SQLite's `EXPLAIN QUERY PLAN` is turned into an estimate of rows
   visited (a scan visits the table, a search by a unique key one row, by another index a tenth or,
   for a range, a third; nested loops multiply; a correlated subquery runs once per outer row);
   PostgreSQL's `EXPLAIN (FORMAT JSON)` gives the planner's total cost, compared with its cost of
   one full scan. A plan above `max_scans` full scans is refused (`UnsafeQuery`, kind "costly").
3. The clock: the statement timeout is `timeout_scans` times the measured duration of one full
   scan, kept between `timeout_min_s` and `timeout_max_s`.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from switchboard.errors import ToolError
from tools.inventory.execute import ReadOnlyExecutor
from tools.inventory.schema import ALLOWED_TABLES
from tools.inventory.shape_check import costly
from tools.inventory.validate import ValidatedQuery

_EQP = re.compile(r"^(SCAN|SEARCH) (\S+)(?: AS (\S+))?(.*)$")
CALIBRATION_TIMEOUT_S = 30.0
_SCAN_SQL = "SELECT max(length(model)) FROM vehicles"  # a real pass over every row


# ------------------------------------------------------------------------------ the plan


@dataclass
class _PlanNode:
    detail: str
    children: list[_PlanNode] = field(default_factory=list)


def _plan_tree(rows: list[tuple[Any, ...]]) -> list[_PlanNode]:
    nodes: dict[int, _PlanNode] = {}
    top: list[_PlanNode] = []
    for row in rows:
        node_id, parent, detail = int(row[0]), int(row[1]), str(row[-1])
        node = nodes[node_id] = _PlanNode(detail)
        (nodes[parent].children if parent in nodes else top).append(node)
    return top


@dataclass(frozen=True)
class SqliteEstimator:
    """Rows a SQLite plan visits, from `EXPLAIN QUERY PLAN` (see the module docstring)."""

    table_rows: dict[str, int]
    aliases: dict[str, str]

    def loop_rows(self, detail: str) -> float:
        match = _EQP.match(detail)
        if match is None:
            return 1.0
        verb, name, alias, rest = match.groups()
        table = self.aliases.get((alias or name).lower(), self.aliases.get(name.lower(), name.lower()))
        rows = float(self.table_rows.get(table, max(self.table_rows.values(), default=1)))
        if verb == "SCAN":
            return max(rows, 1.0)
        if "PRIMARY KEY" in rest or "autoindex" in rest:
            return 1.0 if "=?" in rest and ">" not in rest and "<" not in rest else max(rows / 3, 1.0)
        return max(rows / 3, 1.0) if (">" in rest or "<" in rest) else max(rows / 10, 1.0)

    def cost(self, level: list[_PlanNode]) -> float:
        """Rows visited by one level of the plan: nested loops multiply; subqueries add their cost,
        once or (correlated) once per row of the loops around them."""
        outer, total = 1.0, 0.0
        for node in level:
            if _EQP.match(node.detail):
                outer *= self.loop_rows(node.detail)
                total += outer
                total += outer * self.cost(node.children) if node.children else 0.0
            elif node.detail.startswith("CORRELATED"):
                total += outer * max(self.cost(node.children), 1.0)
            else:  # MATERIALIZE, CO-ROUTINE, SCALAR/LIST SUBQUERY, temp B-trees: once
                total += self.cost(node.children)
        return total


def _aliases(sql: str, dialect: str) -> dict[str, str]:
    import sqlglot

    found = {name: name for name in ALLOWED_TABLES}
    for table in sqlglot.parse_one(sql, read=dialect).find_all(exp.Table):
        if table.alias:
            found[table.alias.lower()] = table.name.lower()
    return found


@dataclass
class CostGuard:
    """The plan and clock bounds of one executor (calibrated once, at start)."""

    executor: ReadOnlyExecutor
    max_scans: float
    table_rows: dict[str, int]
    scan_cost: float  # PostgreSQL: the planner's cost of one full scan; SQLite: rows of the largest table
    scan_s: float

    @classmethod
    def calibrated(
        cls,
        executor: ReadOnlyExecutor,
        *,
        max_scans: float = 20.0,
        timeout_scans: float = 50.0,
        timeout_min_s: float = 0.5,
        timeout_max_s: float = 5.0,
    ) -> CostGuard:
        """Measure the tables and one full scan, and set the executor's statement timeout.

        The measurements run under a generous budget of their own (`CALIBRATION_TIMEOUT_S`): on a
        busy machine one scan may take longer than a small statement timeout, and measuring the
        clock must not fail because of the clock it is about to set.
        """
        executor.timeout_s = max(executor.timeout_s, CALIBRATION_TIMEOUT_S)
        table_rows = {
            t: int(executor.scalar(f"SELECT count(*) FROM {t}") or 0) for t in sorted(ALLOWED_TABLES)
        }
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            executor.scalar(_SCAN_SQL)
            timings.append(time.perf_counter() - started)
        scan_s = min(timings)
        executor.timeout_s = min(max(timeout_scans * scan_s, timeout_min_s), timeout_max_s)
        largest = max(max(table_rows.values(), default=0), 1)
        scan_cost = float(largest)
        if executor.dialect == "postgresql":
            scan_cost = max(_pg_total_cost(executor.plan_json("SELECT * FROM vehicles")), 1.0)
        return cls(executor, max_scans, table_rows, scan_cost, scan_s)

    def estimate_scans(self, query: ValidatedQuery) -> float:
        """The plan's estimated work, in full scans of the largest table."""
        if self.executor.dialect == "postgresql":
            return _pg_total_cost(self.executor.plan_json(query.exec_sql)) / self.scan_cost
        rows = self.executor.plan_rows(query.exec_sql)
        estimator = SqliteEstimator(self.table_rows, _aliases(query.exec_sql, "sqlite"))
        return estimator.cost(_plan_tree(rows)) / self.scan_cost

    def check(self, query: ValidatedQuery) -> float:
        """The estimate, or `UnsafeQuery` (kind "costly") when it is over the bound."""
        try:
            scans = self.estimate_scans(query)
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 - a plan we cannot read is not run (fail closed)
            raise costly(f"the query plan could not be estimated ({type(exc).__name__})") from exc
        if scans > self.max_scans:
            raise costly(
                f"the query would cost about {scans:,.0f} full scans of the stock "
                f"(at most {self.max_scans:g} are allowed); add conditions or a join condition"
            )
        return scans


def _pg_total_cost(plan: Any) -> float:
    data = json.loads(plan) if isinstance(plan, str) else plan
    return float(data[0]["Plan"]["Total Cost"])
