"""Tables in replies: one text form for every face, and the structure the web chat draws.

A reply that shows a table holds it as aligned text (what the terminal, MCP clients and logs
read); the turn's `tables` field holds the same table as columns and rows plus that exact text,
so the web chat can put a real table where the text stands (see web/app.js).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from switchboard.state import TableRecord


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Aligned columns separated by " | ", a rule under the header."""
    cells = [[str(c) for c in row] for row in rows]
    sizes = [max([width(c)] + [width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [" | ".join(_pad(c, s) for c, s in zip(columns, sizes, strict=True))]
    lines.append("-+-".join("-" * s for s in sizes))
    lines.extend(" | ".join(_pad(v, s) for v, s in zip(r, sizes, strict=True)) for r in cells)
    return "\n".join(line.rstrip() for line in lines)


def table_record(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], text: str | None = None
) -> TableRecord:
    """The turn's record of a table; `text` is how it reads in the reply (default: `text_table`)."""
    cells = [[str(c) for c in row] for row in rows]
    return {
        "columns": [str(c) for c in columns],
        "rows": cells,
        "text": text if text is not None else text_table(columns, cells),
    }
