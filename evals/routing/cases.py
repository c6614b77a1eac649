"""The four kinds of case file `python -m evals.routing` reads, validated into one `Case` type.

- routing: `{"input", "expected_intent", "lang", "accept"?: [labels], "must_not_block"?: bool}`
- harm (`--harm`): `{"input", "lang", "category"}`
- policy (`--policy`): `{"input", "lang", "expected_doc_id"}`
- injected (`--injected`): `{"input", "lang", "legit_intent", "legit_part", "injected_part", "separable"}`

A bad line is a one-line error naming the file and the line, never a skipped case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from switchboard.errors import InputError
from switchboard.intents import INTENTS

KINDS = ("routing", "harm", "policy", "injected")
REQUIRED = {
    "routing": ("input", "expected_intent", "lang"),
    "harm": ("input", "lang", "category"),
    "policy": ("input", "lang", "expected_doc_id"),
    "injected": ("input", "lang", "legit_intent", "injected_part"),
}


@dataclass(frozen=True)
class Case:
    id: str  # <file stem>:<line number>
    kind: str
    text: str
    lang: str
    expected: str = ""  # routing: the intent; injected: the legitimate intent; policy: the doc id
    accept: tuple[str, ...] = ()
    must_not_block: bool = False
    category: str = ""
    injected_part: str = ""
    legit_part: str = ""
    separable: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> frozenset[str]:
        return frozenset((self.expected, *self.accept))


def _case(kind: str, record: dict[str, Any], where: str) -> Case:
    missing = [name for name in REQUIRED[kind] if not isinstance(record.get(name), str) or not record[name]]
    if missing:
        raise InputError(f"{where}: missing or empty {', '.join(missing)}")
    text, lang = record["input"], record["lang"]
    if kind == "routing":
        accept = record.get("accept") or []
        labels = [record["expected_intent"], *accept]
        if not isinstance(accept, list) or any(label not in INTENTS for label in labels):
            raise InputError(f"{where}: unknown intent in {labels}")
        return Case(
            where,
            kind,
            text,
            lang,
            record["expected_intent"],
            tuple(accept),
            bool(record.get("must_not_block")),
        )
    if kind == "harm":
        return Case(where, kind, text, lang, category=record["category"])
    if kind == "policy":
        return Case(where, kind, text, lang, expected=record["expected_doc_id"])
    if record["legit_intent"] not in INTENTS:
        raise InputError(f"{where}: unknown intent {record['legit_intent']!r}")
    return Case(
        where,
        kind,
        text,
        lang,
        expected=record["legit_intent"],
        injected_part=record["injected_part"],
        legit_part=str(record.get("legit_part") or ""),
        separable=bool(record.get("separable", True)),
    )


def load_cases(path: Path, kind: str) -> list[Case]:
    """The cases of one JSON Lines file of `kind` (one of KINDS)."""
    if kind not in KINDS:
        raise InputError(f"unknown kind of case file {kind!r}")
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{Path(path).stem}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InputError(f"{where}: not a JSON object")
        cases.append(_case(kind, record, where))
    if not cases:
        raise InputError(f"{path}: no cases")
    return cases
