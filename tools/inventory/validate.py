"""SQL validation: exactly one SELECT, over allow-listed tables and columns, with a row cap.

The statement is parsed with sqlglot and every node of the tree must be of an allowed kind
(fail closed: a construct this module does not know is rejected, not waved through). Functions
come from an allow-list too, so `load_extension`, `readfile`, `pg_sleep`, `pg_read_file`,
`current_setting` and table functions such as `pragma_table_info` are refused. What runs is the
SQL *regenerated* from the checked tree (comments dropped), so the database never sees text the
validator did not read itself.

Rejections raise `UnsafeQuery` with `details["kind"]`:
    "unsafe"   writes, DDL, PRAGMA/ATTACH, other tables, forbidden functions, stacked statements
    "invalid"  harmless mistakes (syntax errors, unknown columns): worth a retry
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from switchboard.errors import UnsafeQuery
from tools.inventory.schema import ALLOWED_COLUMNS, ALLOWED_TABLES
from tools.inventory.shape_check import check_shape

MAX_SQL_CHARS = 8000
MAX_DEPTH = 60
DEFAULT_ROW_CAP = 200

# Node kinds a read-only query over two tables needs; anything else is rejected.
_ALLOWED_NODES: tuple[type[exp.Expression], ...] = (
    exp.Select,
    exp.From,
    exp.Join,
    exp.Where,
    exp.Group,
    exp.Having,
    exp.Order,
    exp.Ordered,
    exp.Limit,
    exp.Offset,
    exp.Distinct,
    exp.Subquery,
    exp.With,
    exp.CTE,
    exp.TableAlias,
    exp.Table,
    exp.Column,
    exp.Identifier,
    exp.Star,
    exp.Alias,
    exp.Literal,
    exp.Null,
    exp.Boolean,
    exp.Paren,
    exp.Tuple,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Xor,
    exp.EQ,
    exp.NEQ,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Between,
    exp.In,
    exp.Is,
    exp.Like,
    exp.ILike,
    exp.Glob,
    exp.Escape,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.IntDiv,
    exp.Mod,
    exp.Neg,
    exp.DPipe,
    exp.DataType,
    exp.DataTypeParam,
    exp.Var,
    exp.Interval,
    exp.Window,
    exp.WindowSpec,
    exp.Filter,
    exp.WithinGroup,
    exp.Exists,
    exp.If,
    exp.Case,
    exp.Any,
    exp.All,
    exp.Slice,
    exp.Bracket,
    exp.Dot,
    exp.Column,
)
_ALLOWED_FUNCS: tuple[type[exp.Expression], ...] = (
    exp.Count,
    exp.Sum,
    exp.Avg,
    exp.Min,
    exp.Max,
    exp.Round,
    exp.Floor,
    exp.Ceil,
    exp.Abs,
    exp.Cast,
    exp.TryCast,
    exp.Coalesce,
    exp.Nullif,
    exp.Lower,
    exp.Upper,
    exp.Length,
    exp.Substring,
    exp.Trim,
    exp.Replace,
    exp.StrPosition,
    exp.Concat,
    exp.ConcatWs,
    exp.TimeToStr,
    exp.Date,
    exp.CurrentDate,
    exp.Extract,
    exp.TimestampTrunc,
    exp.DateTrunc,
    exp.TsOrDsToTimestamp,
    exp.TsOrDsToDate,
    exp.StrToDate,
    exp.StrToTime,
    exp.Year,
    exp.Month,
    exp.Quarter,
    exp.Day,
    exp.DateAdd,
    exp.DateSub,
    exp.DateDiff,
    exp.Greatest,
    exp.Least,
    exp.GroupConcat,
    exp.RowNumber,
    exp.Rank,
    exp.DenseRank,
    exp.PercentileCont,
    exp.PercentileDisc,
    exp.Median,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.Sqrt,
    exp.Pow,
    exp.Ln,
    exp.Log,
    exp.Sign,
)
# Functions sqlglot keeps as "anonymous" (dialect-specific names), by lower-case name.
_ALLOWED_ANONYMOUS = frozenset(
    {
        "julianday",
        "date",
        "datetime",
        "strftime",
        "ifnull",
        "total",
        "iif",
        "to_char",
        "date_part",
        "age",
        "substr",
        "instr",
        "printf",
        "format",
    }  # printf/format: display only
)
_WRITE_NODES = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Drop",
        "Create",
        "Alter",
        "AlterTable",
        "TruncateTable",
        "Command",
        "Pragma",
        "Attach",
        "Detach",
        "Into",
        "Lock",
        "Transaction",
        "Commit",
        "Rollback",
        "Set",
        "Use",
        "Copy",
        "LoadData",
        "Grant",
        "Revoke",
        "Analyze",
        "Describe",
        "Show",
        "Kill",
        "Install",
        "Cache",
        "Uncache",
        "Refresh",
        "Export",
        "Returning",
        "Placeholder",
        "Parameter",
        "SessionParameter",
    )
    if hasattr(exp, name)
)
_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "postgres": "postgres"}
_ALL_COLUMNS = frozenset(c for cols in ALLOWED_COLUMNS.values() for c in cols)


@dataclass(frozen=True)
class ValidatedQuery:
    """A checked statement: `sql` to show, `exec_sql` to run (row cap applied), the tables read."""

    sql: str
    exec_sql: str
    tables: tuple[str, ...]
    row_cap: int
    limit: int | None  # the query's own LIMIT, when it has a literal one
    count_sql: str = ""  # the statement without the row cap (its own LIMIT kept): what is counted


def _reject(kind: str, message: str) -> UnsafeQuery:
    return UnsafeQuery(message, kind=kind)


class _QuietCommandFallback(logging.Filter):
    """Drop sqlglot's "falling back to parsing as a Command" warning: such input is refused anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_QuietCommandFallback())


def _parse(sql: str, dialect: str) -> exp.Expr:
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as exc:
        first = str(exc).splitlines()[0][:200]
        raise _reject("invalid", f"could not parse the SQL: {first}") from exc
    if not statements:
        raise _reject("invalid", "no SQL statement found")
    if len(statements) > 1:
        raise _reject("unsafe", "only one statement is allowed (stacked statements are refused)")
    return statements[0]


def _write_message(node: exp.Expr) -> str:
    if isinstance(node, exp.Placeholder | exp.Parameter | exp.SessionParameter):
        return "bound parameters and session variables are not allowed"
    if isinstance(node, exp.Lock):
        return "locking clauses (FOR UPDATE, FOR SHARE) are not allowed"
    if isinstance(node, exp.Into):
        return "SELECT ... INTO (which creates a table) is not allowed"
    if isinstance(node, exp.Command):
        word = str(node.this).split()[0].upper() if node.this else "this"
    else:
        word = type(node).__name__.upper()
    return f"only reading is allowed: {word} statements are refused"


def validate_sql(sql: str, *, dialect: str = "sqlite", row_cap: int = DEFAULT_ROW_CAP) -> ValidatedQuery:
    """Check `sql` and return what may run; raise `UnsafeQuery` with a readable reason otherwise."""
    _check_text(sql)
    read = _DIALECTS.get(dialect, dialect)
    tree = _parse(sql, read)
    if isinstance(tree, _WRITE_NODES):
        raise _reject("unsafe", _write_message(tree))
    nodes = _walk(tree, read)
    if not isinstance(tree, exp.Select):
        raise _reject("unsafe", f"only a single SELECT is allowed, not {type(tree).__name__.upper()}")
    if nodes.depth > MAX_DEPTH:
        raise _reject("invalid", "the SQL is nested too deeply")
    cte_names = {cte.alias_or_name.lower() for cte in nodes.ctes}
    read_tables, table_aliases = _check_tables(nodes.tables, cte_names, read)
    _check_columns(nodes, read_tables | cte_names | table_aliases, read)
    check_shape(tree)
    own_limit = _own_limit(tree)
    display = tree.sql(dialect=read, comments=False, copy=False)
    if own_limit is not None and own_limit <= row_cap:
        exec_sql = display
    elif own_limit is None and tree.args.get("offset") is None:
        exec_sql = f"{display} LIMIT {row_cap + 1}"  # one row more than the cap tells the caller it was cut
    else:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(row_cap + 1)))
        exec_sql = tree.sql(dialect=read, comments=False, copy=False)
    return ValidatedQuery(
        sql=display,
        exec_sql=exec_sql,
        tables=tuple(sorted(read_tables)),
        row_cap=row_cap,
        limit=own_limit,
        count_sql=display,
    )


def _check_text(sql: object) -> None:
    if not isinstance(sql, str):
        raise _reject("invalid", "the SQL must be text")
    if "\x00" in sql:
        raise _reject("unsafe", "the SQL contains a NUL character")
    if not sql.strip():
        raise _reject("invalid", "the SQL is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise _reject("invalid", f"the SQL is longer than {MAX_SQL_CHARS} characters")


@dataclass
class _Nodes:
    """What the checks after the walk look at: the named parts of the tree, and its depth."""

    ctes: list[exp.CTE] = field(default_factory=list)
    tables: list[exp.Table] = field(default_factory=list)
    aliases: list[exp.Alias] = field(default_factory=list)
    columns: list[exp.Column] = field(default_factory=list)
    depth: int = 0


def _walk(tree: exp.Expr, read: str) -> _Nodes:
    """One pass over the tree: refuse unknown constructs at once, collect names for the later checks."""
    nodes = _Nodes()
    for node in tree.walk():
        nodes.depth = max(nodes.depth, node.depth)
        if isinstance(node, _WRITE_NODES):
            raise _reject("unsafe", _write_message(node))
        if isinstance(node, exp.Anonymous):
            if node.name.lower() not in _ALLOWED_ANONYMOUS:
                raise _reject("unsafe", f"function {node.name}() is not allowed")
        elif isinstance(node, exp.Union | exp.Intersect | exp.Except):
            raise _reject("unsafe", "set operations (UNION, INTERSECT, EXCEPT) are not allowed")
        elif isinstance(node, exp.Func) and not isinstance(node, _ALLOWED_FUNCS + _ALLOWED_NODES):
            raise _reject("unsafe", f"function {node.sql(read).split('(')[0]}() is not allowed")
        elif not isinstance(node, _ALLOWED_NODES + _ALLOWED_FUNCS):
            raise _reject("unsafe", f"SQL construct {type(node).__name__} is not allowed")
        if isinstance(node, exp.CTE):
            nodes.ctes.append(node)
        elif isinstance(node, exp.Table):
            nodes.tables.append(node)
        elif isinstance(node, exp.Alias):
            nodes.aliases.append(node)
        elif isinstance(node, exp.Column):
            nodes.columns.append(node)
    return nodes


def _check_tables(tables: list[exp.Table], cte_names: set[str], read: str) -> tuple[set[str], set[str]]:
    """Only the allowed tables (or the query's own CTEs); returns the tables read and their aliases."""
    table_aliases: set[str] = set()
    read_tables: set[str] = set()
    for table in tables:
        if not isinstance(table.this, exp.Identifier):
            raise _reject("unsafe", "table functions are not allowed")
        if table.args.get("db") or table.args.get("catalog"):
            raise _reject(
                "unsafe", f"table {table.sql(read)!r} is not available; only stores and vehicles can be read"
            )
        name = table.name.lower()
        if name not in cte_names and name not in ALLOWED_TABLES:
            raise _reject(
                "unsafe", f"table {table.name!r} is not available; only stores and vehicles can be read"
            )
        if name in ALLOWED_TABLES and name not in cte_names:
            read_tables.add(name)
        if table.alias:
            table_aliases.add(table.alias.lower())
    return read_tables, table_aliases


def _check_columns(nodes: _Nodes, known_tables: set[str], read: str) -> None:
    """Columns of the allowed tables, or names the query itself defines (aliases, CTE columns)."""
    known_columns = {a.alias.lower() for a in nodes.aliases if a.alias}
    for cte in nodes.ctes:
        alias = cte.args.get("alias")
        known_columns.update(c.name.lower() for c in (alias.columns if alias else []) or [])
    for column in nodes.columns:
        if column.args.get("db") or column.args.get("catalog"):
            raise _reject("unsafe", f"column {column.sql(read)!r} is not available")
        qualifier = column.table.lower()
        if qualifier and qualifier not in known_tables:
            raise _reject(
                "unsafe", f"table {column.table!r} is not available; only stores and vehicles can be read"
            )
        if isinstance(column.this, exp.Star):
            continue
        name = column.name.lower()
        if name not in _ALL_COLUMNS and name not in known_columns:
            raise _reject("invalid", f"unknown column {column.name!r} (see the inventory schema)")


def _own_limit(tree: exp.Select) -> int | None:
    limit_node = tree.args.get("limit")
    if limit_node is None:
        return None
    value = limit_node.expression
    if isinstance(value, exp.Literal) and not value.is_string and value.this.isdigit():
        return int(value.this)
    raise _reject("invalid", "LIMIT must be a plain number")
