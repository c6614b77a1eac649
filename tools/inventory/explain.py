"""The reply: one sentence in the user's language plus the result as a small text table.

With a QuerySpec (the local engine, or an LLM answer the local engine agrees with) the sentence
restates what was counted or listed and under which conditions; otherwise it describes the
result generically. Tables show at most `DISPLAY_ROWS` rows and say so when they cut.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from tools.inventory.lexicon import EN_NAMES, ZH_NAMES
from tools.inventory.spec import QuerySpec

DISPLAY_ROWS = 10

_FIELD_ZH = {
    "vehicle_id": "车辆编号",
    "vin": "VIN",
    "brand": "品牌",
    "model": "车型",
    "model_year": "年款",
    "body_type": "车身",
    "fuel_type": "燃料",
    "color": "颜色",
    "intake_date": "入库日期",
    "guide_price": "指导价",
    "status": "状态",
    "store_id": "门店",
    "mileage_km": "里程(公里)",
    "city": "城市",
    "store": "门店",
    "intake_year": "入库年份",
    "intake_quarter": "入库季度",
    "intake_month": "入库月份",
    "value": "数值",
}
_FIELD_EN = {
    "vehicle_id": "vehicle id",
    "vin": "VIN",
    "brand": "brand",
    "model": "model",
    "model_year": "model year",
    "body_type": "body type",
    "fuel_type": "fuel type",
    "color": "color",
    "intake_date": "intake date",
    "guide_price": "guide price",
    "status": "status",
    "store_id": "store",
    "mileage_km": "mileage (km)",
    "city": "city",
    "store": "store",
    "intake_year": "intake year",
    "intake_quarter": "intake quarter",
    "intake_month": "intake month",
    "value": "value",
}
_AGG_ZH = {
    "count": "数量",
    "sum": "总{m}",
    "avg": "平均{m}",
    "min": "最低{m}",
    "max": "最高{m}",
    "count_distinct": "{m}种类数",
    "range": "{m}区间",
}
_AGG_EN = {
    "count": "count",
    "sum": "total {m}",
    "avg": "average {m}",
    "min": "lowest {m}",
    "max": "highest {m}",
    "count_distinct": "number of distinct {m}s",
    "range": "{m} range",
}
_OP_EN = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_MONEY = {"guide_price", "avg_guide_price", "total_guide_price", "min_guide_price", "max_guide_price"}


def _name(field: str, value: Any, zh: bool) -> str:
    table = (ZH_NAMES if zh else EN_NAMES).get(field, {})
    return str(table.get(value, value))


def _num(value: Any, money: bool = False) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:,.2f}" if money or abs(value) >= 1000 else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}" if money or abs(value) >= 10000 else str(value)
    return str(value)


def describe_conditions(spec: QuerySpec, zh: bool) -> str:
    """The filters of `spec` in words, e.g. '品牌：比亚迪；状态：在库' or 'brand BYD, status in stock'."""
    parts = []
    for cond in spec.conditions:
        label = (_FIELD_ZH if zh else _FIELD_EN)[cond.field]
        money = cond.field == "guide_price"
        values = [_name(cond.field, v, zh) if isinstance(v, str) else _num(v, money) for v in cond.values]
        if cond.op == "in":
            text = ("或" if zh else " or ").join(values)
        elif cond.op == "not_in":
            text = ("非" if zh else "not ") + ("、" if zh else "/").join(values)
        elif cond.op == "between":
            text = (
                values[0] if values[0] == values[1] else f"{values[0]}{' 至 ' if zh else ' to '}{values[1]}"
            )
        else:
            text = f"{_OP_EN[cond.op]} {values[0]}"
        parts.append(f"{label}：{text}" if zh else f"{label} {text}")
    return ("；" if zh else ", ").join(parts)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table_cells(columns: list[str], rows: list[list[Any]], limit: int = DISPLAY_ROWS) -> list[list[str]]:
    """The first `limit` rows as the reply shows them (numbers and prices formatted)."""
    return [[_num(v, col in _MONEY) for col, v in zip(columns, row, strict=False)] for row in rows[:limit]]


def render_table(columns: list[str], rows: list[list[Any]], limit: int = DISPLAY_ROWS) -> str:
    """A plain-text table of the first `limit` rows."""
    shown = table_cells(columns, rows, limit)
    widths = [max([_width(c)] + [_width(r[i]) for r in shown]) for i, c in enumerate(columns)]
    lines = [" | ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)) for r in shown)
    return "\n".join(line.rstrip() for line in lines)


def _counted(sentence: str, shown: int, total: int | None, zh: bool) -> str:
    """The headline of a cut result: the number of matches, not the number fetched."""
    matched = f"{total:,}" if total is not None else (f"超过 {shown}" if zh else f"more than {shown}")
    for old in (
        f"找到 {shown} 辆",
        f"Found {shown} vehicle",
        f"共 {shown} 家",
        f"{shown} store",
        f"查询返回 {shown} 行",
        f"The query returned {shown} rows",
    ):
        if old in sentence:
            return sentence.replace(old, old.replace(str(shown), matched, 1), 1)
    return sentence


def _notes(n_rows: int, truncated: bool, row_cap: int, zh: bool, total: int | None = None) -> str:
    shown = min(n_rows, DISPLAY_ROWS)
    if truncated and total is not None:  # one note: what the table shows, out of all the matches
        return (
            f"（共 {total:,} 行匹配，显示前 {shown} 行）"
            if zh
            else f"(showing the first {shown} of {total:,})"
        )
    notes = []
    if truncated:
        notes.append(
            f"（匹配结果超过 {row_cap} 行，只取了前 {row_cap} 行）"
            if zh
            else f"(more than {row_cap} rows matched; only the first {row_cap} were fetched)"
        )
    if n_rows > DISPLAY_ROWS:
        notes.append(
            f"（仅显示前 {DISPLAY_ROWS} 行，共 {n_rows} 行）"
            if zh
            else f"(showing the first {DISPLAY_ROWS} of {n_rows} rows)"
        )
    return "\n".join(notes)


def _sentence(spec: QuerySpec | None, columns: list[str], rows: list[list[Any]], zh: bool) -> str:
    if spec is None:
        return _generic_sentence(columns, rows, zh)
    cond = describe_conditions(spec, zh)
    if spec.shape == "aggregate" and not spec.group_by:
        sentence = _scalar_sentence(spec, rows, cond, zh)
        if spec.with_count and rows and len(rows[0]) >= 2:  # the count asked with it comes first
            return (f"共 {rows[0][-2]} 辆车；" if zh else f"{rows[0][-2]} vehicles. ") + sentence
        return sentence
    if spec.shape == "aggregate":
        return _grouped_sentence(spec, rows, cond, zh)
    if spec.shape == "distinct":
        return _distinct_sentence(spec, rows, cond, zh)
    if spec.shape == "lookup":
        return _lookup_sentence(spec, rows, zh)
    return _rows_sentence(spec, rows, cond, zh)


def _where(cond: str) -> tuple[str, str]:
    """The conditions as an aside in each language, or nothing."""
    return (f"（{cond}）", f" ({cond})") if cond else ("", "")


def _generic_sentence(columns: list[str], rows: list[list[Any]], zh: bool) -> str:
    """Without a spec (an LLM answer) the sentence can only describe the result."""
    n = len(rows)
    if n == 1 and len(columns) == 1:
        return (
            f"查询结果：{_num(rows[0][0], columns[0] in _MONEY)}。"
            if zh
            else f"Result: {_num(rows[0][0], columns[0] in _MONEY)}."
        )
    return f"查询返回 {n} 行：" if zh else f"The query returned {n} rows:"


# The earliest and latest of a date or model year are said as such, not as "lowest"/"highest".
_EXTREME_WORDS = {
    "intake_date": (("最早的入库日期", "earliest intake date"), ("最近的入库日期", "latest intake date")),
    "model_year": (("最早的年款", "oldest model year"), ("最新的年款", "newest model year")),
}


def _scalar_sentence(spec: QuerySpec, rows: list[list[Any]], cond: str, zh: bool) -> str:
    where_zh, where_en = _where(cond)
    noun_zh, noun_en = ("家门店", "stores") if spec.subject == "stores" else ("辆车", "vehicles")
    aggregate = spec.aggregate or "count"
    value = rows[0][-1] if rows else None
    metric = spec.metric or "guide_price"
    m_zh, m_en = _FIELD_ZH.get(metric, metric), _FIELD_EN.get(metric, metric)
    if metric == "mileage_km":  # the unit follows the number
        m_zh, m_en = "里程", "mileage"
    if aggregate == "count":
        noun = noun_en if value != 1 else noun_en[:-1]
        if not cond:
            return f"共有 {value} {noun_zh}。" if zh else f"There are {value} {noun} in total."
        return (
            f"符合条件{where_zh}的共有 {value} {noun_zh}。"
            if zh
            else f"{value} {noun} match{'es' if value == 1 else ''}{where_en}."
        )
    if aggregate == "count_distinct":
        return (
            f"符合条件{where_zh}的{m_zh}共有 {value} 种。"
            if zh
            else f"There are {value} distinct {m_en} values{where_en}."
        )
    if value is None:
        return (
            f"没有符合条件{where_zh}的车辆，无法计算{_AGG_ZH[aggregate].format(m=m_zh)}。"
            if zh
            else f"No vehicles match{where_en}, so there is no {_AGG_EN[aggregate].format(m=m_en)}."
        )
    money = metric == "guide_price"
    if aggregate in ("min", "max") and metric in _EXTREME_WORDS and value is not None:
        zh_word, en_word = _EXTREME_WORDS[metric][aggregate == "max"]
        return (
            f"符合条件{where_zh}的车辆中，{zh_word}是 {_num(value)}。"
            if zh
            else f"The {en_word}{where_en} is {_num(value)}."
        )
    if aggregate == "range" and rows and len(rows[0]) >= 2:
        low, high = _num(rows[0][-2], money), _num(value, money)
        unit = " 元" if money else ""
        return (
            f"符合条件{where_zh}的车辆{m_zh}从 {low}{unit} 到 {high}{unit}。"
            if zh
            else f"The {m_en}{where_en} ranges from {low} to {high}{' CNY' if money else ''}."
        )
    unit_zh = " 元" if money else (" 公里" if metric == "mileage_km" else "")
    unit_en = " CNY" if money else (" km" if metric == "mileage_km" else "")
    return (
        f"符合条件{where_zh}的车辆{_AGG_ZH[aggregate].format(m=m_zh)}为 {_num(value, money)}{unit_zh}。"
        if zh
        else f"The {_AGG_EN[aggregate].format(m=m_en)}{where_en} is {_num(value, money)}{unit_en}."
    )


def _grouped_sentence(spec: QuerySpec, rows: list[list[Any]], cond: str, zh: bool) -> str:
    where_zh, where_en = _where(cond)
    n = len(rows)
    dims_zh = "、".join(_FIELD_ZH[d] for d in spec.group_by)
    dims_en = ", ".join(_FIELD_EN[d] for d in spec.group_by)
    metric = spec.metric or "guide_price"
    what_zh = _AGG_ZH[spec.aggregate or "count"].format(m=_FIELD_ZH.get(metric, metric))
    what_en = _AGG_EN[spec.aggregate or "count"].format(m=_FIELD_EN.get(metric, metric))
    if n == 0:
        return f"没有符合条件{where_zh}的数据。" if zh else f"Nothing matches{where_en}."
    if spec.limit == 1 and spec.order_by == "value":
        key = " / ".join(_name(d, v, zh) for d, v in zip(spec.group_by, rows[0], strict=False))
        value = _num(rows[0][-1], metric == "guide_price" and spec.aggregate != "count")
        if spec.aggregate == "count":
            return (
                f"车辆{'最多' if spec.descending else '最少'}的{dims_zh}是 {key}（{value} 辆）{where_zh}。"
                if zh
                else f"{key} has the {'most' if spec.descending else 'fewest'} vehicles ({value}){where_en}."
            )
        word_zh = "最高" if spec.descending else "最低"
        word_en = "highest" if spec.descending else "lowest"
        return (
            f"{what_zh}{word_zh}的{dims_zh}是 {key}（{value}）{where_zh}。"
            if zh
            else f"{key} has the {word_en} {what_en} ({value}){where_en}."
        )
    return (
        f"按{dims_zh}统计的{what_zh}{where_zh}，共 {n} 组："
        if zh
        else f"{what_en.capitalize()} by {dims_en}{where_en}, {n} groups:"
    )


def _distinct_sentence(spec: QuerySpec, rows: list[list[Any]], cond: str, zh: bool) -> str:
    where_zh, where_en = _where(cond)
    n = len(rows)
    dim = (spec.columns or ["value"])[0]
    if n == 0:
        return (
            f"没有符合条件{where_zh}的{_FIELD_ZH.get(dim, dim)}。"
            if zh
            else f"No {_FIELD_EN.get(dim, dim)} values match{where_en}."
        )
    values = (
        "、".join(_name(dim, r[0], zh) for r in rows[:20])
        if zh
        else ", ".join(_name(dim, r[0], zh) for r in rows[:20])
    )
    return (
        f"符合条件{where_zh}的{_FIELD_ZH.get(dim, dim)}共 {n} 种：{values}。"
        if zh
        else f"{n} {_FIELD_EN.get(dim, dim)} value{'s' if n != 1 else ''}{where_en}: {values}."
    )


def _lookup_sentence(spec: QuerySpec, rows: list[list[Any]], zh: bool) -> str:
    ids = ", ".join(str(v) for c in spec.conditions if c.field in ("vehicle_id", "vin") for v in c.values)
    if not rows:
        return f"没有找到车辆 {ids}。" if zh else f"No vehicle {ids} was found."
    return f"车辆 {ids} 的信息：" if zh else f"Vehicle {ids}:"


def _rows_sentence(spec: QuerySpec, rows: list[list[Any]], cond: str, zh: bool) -> str:
    where_zh, where_en = _where(cond)
    n = len(rows)
    if spec.subject == "stores":
        return f"共 {n} 家门店{where_zh}：" if zh else f"{n} store{'s' if n != 1 else ''}{where_en}:"
    if n == 0:
        return f"没有找到符合条件{where_zh}的车辆。" if zh else f"No vehicles match{where_en}."
    if spec.order_by and spec.limit:
        field = (
            _FIELD_ZH.get(spec.order_by, spec.order_by) if zh else _FIELD_EN.get(spec.order_by, spec.order_by)
        )
        order_zh = "从高到低" if spec.descending else "从低到高"
        order_en = "highest first" if spec.descending else "lowest first"
        return (
            f"按{field}{order_zh}排列的前 {n} 辆车{where_zh}："
            if zh
            else f"Top {n} vehicle{'s' if n != 1 else ''} by {field}, {order_en}{where_en}:"
        )
    return (
        f"找到 {n} 辆符合条件{where_zh}的车辆："
        if zh
        else f"Found {n} vehicle{'s' if n != 1 else ''}{where_en}:"
    )


def explain(
    language: str,
    spec: QuerySpec | None,
    columns: list[str],
    rows: list[list[Any]],
    *,
    truncated: bool = False,
    row_cap: int = 200,
    total: int | None = None,
) -> str:
    """A sentence in `language` plus the table (omitted for a single number).

    `total` is how many rows matched in all when only the first `row_cap` were fetched: the
    sentence counts the matches, and a note says which part is shown.
    """
    zh = language == "zh"
    sentence = _sentence(spec, columns, rows, zh)
    if truncated:
        sentence = _counted(sentence, len(rows), total, zh)
    single_value = len(rows) == 1 and len(columns) == 1
    if (
        not rows
        or (single_value and spec is not None and spec.shape == "aggregate")
        or (spec is not None and spec.shape == "distinct" and len(rows) <= 20)
    ):
        return sentence
    if single_value and spec is None:
        return sentence
    parts = [sentence, render_table(columns, rows)]
    notes = _notes(len(rows), truncated, row_cap, zh, total)
    if notes:
        parts.append(notes)
    return "\n".join(parts)
