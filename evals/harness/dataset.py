"""Evaluation datasets (CONTRACTS §6): JSON Lines files of single-turn and multi-turn cases.

    {"input": str, "expected_intent": label, "expected_output": str?, "task_completed": bool?}
    {"id": str?, "user_id": str?, "turns": [<single-turn case>, ...], "expect_db": [...]?}

A single-turn case may also carry the case fields `id`, `user_id`, `expect_db` and `tags` (a
list of short strings such as "typo" or "injection", used to break the report down). Every
problem is reported as `FILE:LINE: what is wrong`, through `DatasetError` (an `InputError`, so
the command exits 2 with one line). Unknown keys are errors: a misspelt `expected_intnet` would
otherwise silently drop an expectation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from switchboard.errors import InputError
from switchboard.intents import INTENTS

DATASET_DIR = Path(__file__).resolve().parent.parent / "datasets"
# What `switchboard eval` runs when no --dataset is given: everything except the CI subset
# (quick.jsonl repeats cases of the others).
FULL_DATASET = (
    "source_notes.jsonl",
    "single_turn.jsonl",
    "dialogues.jsonl",
    "flight_search.jsonl",
    "dialogue_policy.jsonl",
)
QUICK_DATASET = "quick.jsonl"

MAX_FILE_BYTES = 20_000_000
MAX_LINE_CHARS = 200_000
MAX_TURNS = 50
MAX_CASES = 100_000
DEFAULT_USER = "USER123"

TURN_KEYS = {"input", "expected_intent", "expected_output", "task_completed"}
CASE_KEYS = {"id", "user_id", "expect_db", "tags"}
# The tables and columns a database check may read (the application schema, CONTRACTS §3).
DB_CHECK_KEYS = {"table", "where", "count"}

_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
_TAG = re.compile(r"^[a-z0-9_-]{1,40}$")


class DatasetError(InputError):
    """A dataset file that cannot be used as given; the message names the file and line."""


@dataclass(frozen=True)
class Turn:
    input: str
    expected_intent: str
    expected_output: str | None = None
    task_completed: bool | None = None


@dataclass(frozen=True)
class DbCheck:
    table: str
    where: dict[str, Any]
    count: int

    def describe(self) -> str:
        conditions = ", ".join(f"{k}={v!r}" for k, v in self.where.items()) or "all rows"
        return f"{self.table} where {conditions}: {self.count} row(s)"


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[Turn, ...]
    user_id: str = DEFAULT_USER
    expect_db: tuple[DbCheck, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""  # FILE:LINE
    multi_turn: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def schema_columns() -> dict[str, set[str]]:
    """Table -> column names of the application database, from the SQLAlchemy models."""
    import tools.airline_models  # noqa: F401  (registers the airline tables)
    import tools.inventory.models  # noqa: F401  (registers the inventory tables)
    from tools.db import Base

    return {name: {c.name for c in table.columns} for name, table in Base.metadata.tables.items()}


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _turn(obj: Any, where: str) -> Turn:
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: a turn must be a JSON object, not {_type_name(obj)}")
    unknown = set(obj) - TURN_KEYS
    if unknown:
        raise DatasetError(f"{where}: unknown turn field(s) {sorted(unknown)}; allowed: {sorted(TURN_KEYS)}")
    if "input" not in obj:
        raise DatasetError(f"{where}: missing field 'input'")
    if not isinstance(obj["input"], str):
        raise DatasetError(f"{where}: 'input' must be a string, not {_type_name(obj['input'])}")
    if len(obj["input"]) > MAX_LINE_CHARS:
        raise DatasetError(f"{where}: 'input' is longer than {MAX_LINE_CHARS} characters")
    label = obj.get("expected_intent")
    if label is None:
        raise DatasetError(f"{where}: missing field 'expected_intent'")
    if not isinstance(label, str):
        raise DatasetError(f"{where}: 'expected_intent' must be a string, not {_type_name(label)}")
    if label not in INTENTS:
        raise DatasetError(f"{where}: unknown label {label!r}; expected one of {', '.join(INTENTS)}")
    expected_output = obj.get("expected_output")
    if expected_output is not None and not isinstance(expected_output, str):
        raise DatasetError(f"{where}: 'expected_output' must be a string, not {_type_name(expected_output)}")
    completed = obj.get("task_completed")
    if completed is not None and not isinstance(completed, bool):
        raise DatasetError(f"{where}: 'task_completed' must be true or false, not {_type_name(completed)}")
    return Turn(obj["input"], label, expected_output, completed)


def _db_check(obj: Any, where: str, columns: dict[str, set[str]]) -> DbCheck:
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: an expect_db check must be an object, not {_type_name(obj)}")
    unknown = set(obj) - DB_CHECK_KEYS
    missing = DB_CHECK_KEYS - set(obj) - {"where"}
    if unknown:
        raise DatasetError(f"{where}: unknown expect_db field(s) {sorted(unknown)}")
    if missing:
        raise DatasetError(f"{where}: expect_db check misses {sorted(missing)}")
    table, conditions, count = obj["table"], obj.get("where", {}), obj["count"]
    if not isinstance(table, str) or table not in columns:
        raise DatasetError(f"{where}: expect_db table {table!r} is not one of {sorted(columns)}")
    if not isinstance(conditions, dict):
        raise DatasetError(f"{where}: expect_db 'where' must be an object, not {_type_name(conditions)}")
    for column, value in conditions.items():
        if column not in columns[table]:
            raise DatasetError(f"{where}: table {table!r} has no column {column!r}")
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise DatasetError(
                f"{where}: expect_db value of {column!r} must be a scalar, not {_type_name(value)}"
            )
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise DatasetError(f"{where}: expect_db 'count' must be a non-negative integer, not {count!r}")
    return DbCheck(table, dict(conditions), count)


def parse_case(obj: Any, where: str, default_id: str, columns: dict[str, set[str]]) -> Case:
    """One case from the decoded JSON object of a line; `where` is FILE:LINE for messages."""
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: a case must be a JSON object, not {_type_name(obj)}")
    multi = "turns" in obj
    if multi:
        unknown = set(obj) - CASE_KEYS - {"turns"}
        if unknown:
            raise DatasetError(
                f"{where}: unknown field(s) {sorted(unknown)} in a multi-turn case "
                f"(turn fields belong inside 'turns')"
            )
        raw_turns = obj["turns"]
        if not isinstance(raw_turns, list) or not raw_turns:
            raise DatasetError(f"{where}: 'turns' must be a non-empty list")
        if len(raw_turns) > MAX_TURNS:
            raise DatasetError(f"{where}: more than {MAX_TURNS} turns")
        turns = tuple(_turn(t, f"{where}: turn {i + 1}") for i, t in enumerate(raw_turns))
    else:
        unknown = set(obj) - CASE_KEYS - TURN_KEYS
        if unknown:
            raise DatasetError(f"{where}: unknown field(s) {sorted(unknown)}")
        turns = (_turn({k: v for k, v in obj.items() if k in TURN_KEYS}, where),)
    case_id = obj.get("id", default_id)
    if not isinstance(case_id, str) or not _ID.match(case_id):
        raise DatasetError(f"{where}: 'id' must be 1-128 characters of letters, digits and _.:@-")
    user_id = obj.get("user_id", DEFAULT_USER)
    if not isinstance(user_id, str) or not _ID.match(user_id):
        raise DatasetError(f"{where}: 'user_id' must be 1-128 characters of letters, digits and _.:@-")
    raw_checks = obj.get("expect_db", [])
    if not isinstance(raw_checks, list):
        raise DatasetError(f"{where}: 'expect_db' must be a list, not {_type_name(raw_checks)}")
    checks = tuple(_db_check(c, f"{where}: expect_db[{i}]", columns) for i, c in enumerate(raw_checks))
    tags = obj.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and _TAG.match(t) for t in tags):
        raise DatasetError(f"{where}: 'tags' must be a list of short lower-case words")
    return Case(
        id=case_id,
        turns=turns,
        user_id=user_id,
        expect_db=checks,
        tags=tuple(tags),
        source=where,
        multi_turn=multi,
    )


def _stem(path: Path) -> str:
    # The default id of a case without one: the file's name (made id-safe) and the line number.
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem)[:100] or "case"


def load_file(path: Path, columns: dict[str, set[str]] | None = None) -> list[Case]:
    """The cases of one JSON Lines file; blank lines are skipped."""
    columns = columns or schema_columns()
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    if not path.is_file():
        raise DatasetError(f"{path}: not a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DatasetError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise DatasetError(f"{path}: binary content (NUL bytes)")
    cases: list[Case] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if len(line) > MAX_LINE_CHARS:
            raise DatasetError(f"{where}: line longer than {MAX_LINE_CHARS} characters")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        cases.append(parse_case(obj, where, f"{_stem(path)}-{number}", columns))
        if len(cases) > MAX_CASES:
            raise DatasetError(f"{path}: more than {MAX_CASES} cases")
    if not cases:
        raise DatasetError(f"{path}: no cases (the file is empty)")
    return cases


def load_dataset(paths: list[Path] | tuple[Path, ...]) -> list[Case]:
    """The cases of every file, in order; case ids must be unique across the files."""
    if not paths:
        raise DatasetError("no dataset file given")
    columns = schema_columns()
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in paths:
        for case in load_file(Path(path), columns):
            if case.id in seen:
                raise DatasetError(f"{case.source}: duplicate case id {case.id!r} (first at {seen[case.id]})")
            seen[case.id] = case.source
            cases.append(case)
    return cases


def default_paths() -> list[Path]:
    return [DATASET_DIR / name for name in FULL_DATASET]
