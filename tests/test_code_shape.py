"""Code shape: in the product code no module over 500 lines and no function over 80 (nested ones too).

A module may stay larger for a reason written at its top, in one of its first lines:
`# shape: <why this module is better whole>`; the marker covers the module and its functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("switchboard", "tools", "agents", "graphs", "faces", "training", "evals", "bench", "server.py")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MARKER = "# shape:"
MARKER_LINES = 3  # the marker counts only among a module's first lines, where a reader sees it

# Oversized code being split in other work on issue 13. The list may only shrink: an entry that
# no longer breaks the rule fails `test_open_list_is_current`, so the rule covers everything once
# the list is empty. Entries: "path" for a module, "path::function" (dotted when nested).
OPEN: set[str] = set()


def product_files() -> list[Path]:
    files: list[Path] = []
    for name in PRODUCT:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.py")) if "__pycache__" not in p.parts)
    return files


def exempt_reason(source: str) -> str | None:
    """The one-line reason a module gives for its size, if any."""
    for line in source.splitlines()[:MARKER_LINES]:
        if line.startswith(MARKER):
            return line[len(MARKER) :].strip() or None
    return None


def violations(source: str, name: str) -> dict[str, str]:
    """Everything in one module that breaks the rule: key (see OPEN) -> what is wrong."""
    if exempt_reason(source):
        return {}
    found: dict[str, str] = {}
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found[name] = f"{name}: module of {lines} lines (max {MAX_MODULE_LINES})"

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = f"{prefix}{child.name}"
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found[f"{name}::{qualname}"] = (
                        f"{name}:{child.lineno} {qualname}: function of {length} lines (max {MAX_FUNCTION_LINES})"
                    )
                visit(child, f"{qualname}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def all_violations() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in product_files():
        found |= violations(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    return found


def test_product_code_keeps_its_shape() -> None:
    new = {key: what for key, what in all_violations().items() if key not in OPEN}
    assert not new, "split these along their seams (or give a `# shape:` reason):\n" + "\n".join(
        sorted(new.values())
    )


def test_open_list_is_current() -> None:
    found = all_violations()
    done = sorted(key for key in OPEN if key not in found)
    assert not done, f"now within the rule, remove from OPEN in {Path(__file__).name}: {done}"


def _function(lines: int, name: str = "f", indent: str = "") -> str:
    body = "".join(f"{indent}    x = {i}\n" for i in range(lines - 1))
    return f"{indent}def {name}() -> None:\n{body}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (_function(80), set()),
        (_function(81), {"m.py::f"}),
        ("class C:\n" + _function(81, "g", "    "), {"m.py::C.g"}),
        (_function(3, "outer") + _function(81, "inner", "    "), {"m.py::outer", "m.py::outer.inner"}),
        ("x = 1\n" * 501, {"m.py"}),
        ("# shape: one table, read top to bottom\n" + "x = 1\n" * 501 + _function(81), set()),
        ("# shape:\n" + "x = 1\n" * 501, {"m.py"}),  # a marker without a reason does not count
        ("x = 1\n" * 5 + "# shape: too late to be seen\n" + "x = 1\n" * 501, {"m.py"}),
    ],
)
def test_the_rule_itself(source: str, expected: set[str]) -> None:
    assert set(violations(source, "m.py")) == expected
