"""Query shapes that multiply rows without bound, refused at validation (`UnsafeQuery`, "costly").

A join needs a join condition (ON, USING, or for a comma join an equality between the two tables
in WHERE): without one every row is paired with every other row. Recursive CTEs can generate rows
without end. The plan and the clock are bounded after validation (`tools.inventory.cost`).
"""

from __future__ import annotations

from sqlglot import exp

from switchboard.errors import UnsafeQuery


def costly(message: str) -> UnsafeQuery:
    return UnsafeQuery(message, kind="costly")


def check_shape(tree: exp.Expr) -> None:
    """Refuse joins without a join condition and recursive CTEs (see the module docstring)."""
    for with_ in tree.find_all(exp.With):
        if with_.args.get("recursive"):
            raise costly(
                "recursive queries (WITH RECURSIVE) are not allowed: they can generate rows without end"
            )
    ctes = {cte.alias_or_name.lower(): cte.this for cte in tree.find_all(exp.CTE)}
    for join in tree.find_all(exp.Join):
        source = join.this
        if isinstance(source, exp.Table) and source.name.lower() in ctes:
            source = ctes[source.name.lower()]
        if _conditioned(join) or _single_row(source):
            continue
        select = join.find_ancestor(exp.Select)
        joined = join.this.alias_or_name.lower() if isinstance(join.this, exp.Expression) else ""
        if select is not None and _linked_in_where(select, joined):
            continue
        raise costly(
            f"the join of {joined or 'a table'} has no join condition (ON or USING): "
            "every row would be paired with every other row"
        )


def _conditioned(join: exp.Join) -> bool:
    """ON with a column in it, or USING. (`ON TRUE`, `ON 1 = 1` are none: sqlglot even writes a
    bare SQLite `JOIN` as `ON TRUE`.)"""
    on = join.args.get("on")
    return bool(join.args.get("using")) or (
        on is not None and any(isinstance(n, exp.Column) for n in on.walk())
    )


def _single_row(source: exp.Expr) -> bool:
    """A subquery (or CTE) that aggregates without GROUP BY yields one row: joining it costs nothing."""
    inner = source.this if isinstance(source, exp.Subquery) else source
    return (
        isinstance(inner, exp.Select)
        and inner.args.get("group") is None
        and any(isinstance(e, exp.AggFunc) for s in inner.expressions for e in s.walk())
    )


def _linked_in_where(select: exp.Select, alias: str) -> bool:
    """Whether WHERE has `alias.col = other.col` (an old-style comma join with its condition)."""
    where = select.args.get("where")
    if where is None or not alias:
        return False
    for eq in where.find_all(exp.EQ):
        left, right = eq.left, eq.right
        if isinstance(left, exp.Column) and isinstance(right, exp.Column):
            tables = {left.table.lower(), right.table.lower()}
            if alias in tables and len(tables) == 2:
                return True
    return False
