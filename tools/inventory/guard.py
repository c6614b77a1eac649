"""The first screen of a question: requests to change data, other tables, injections, raw SQL.

Text-to-SQL here only reads. A question that asks to delete, update, insert or otherwise change
data ("删除所有宝马", "把所有车改成已售", "update vehicles set price=0") is refused before any SQL
is generated, as is one that reaches for tables outside the inventory (bookings, complaints, ...)
or tries to override instructions. Text that *is* SQL goes to the validator as SQL: a plain
SELECT over the inventory tables may run, anything else is refused with the validator's reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["ok", "modify", "other_table", "injection", "sql"]

_MODIFY = [
    # "2026款或更新的", "更新一点的车型": newer, not a request to update
    re.compile(
        r"删除|删掉|删了|删去|删光|清空|清除|移除|销毁|抹掉|抹去|插入|录入|写入|(?<![或及比还])更新(?!的|一点|一些|些|款)|修改|更改|篡改|改价|降价|涨价|调价"
        r"|重置|截断|建表|删表|丢弃|作废|注销|改掉|改一下|全部改|都改|批量改|改动"
    ),
    # "把卖掉的朗逸列出来" reads the cars sold ("卖掉的" names them), "把清单给我" reads a list
    re.compile(r"把.{0,40}?(?:改|换成|设|标记|变成|变为|调|删|清(?!单|楚)|置|卖掉(?!的)|下架|上架)"),
    re.compile(
        r"(?:改成|改为|设为|设置为|设成|标记为|标记成|置为|变成|变为|调成|调为|调整为)\s*(?:已售|已预订|已预定|在库|售出|预订|预定|\d|零|免费)"
    ),
    re.compile(r"(?:增加|添加|加入|新增|录入|插入)\s*(?:\d+|一)?\s*(?:辆|台|条|个|部)"),
    re.compile(
        r"\b(?:delete|drop|truncate|insert|alter|grant|revoke|attach|detach|pragma|vacuum|reindex|load_extension"
        r"|replace\s+into|merge\s+into|upsert|create\s+(?:table|index|view|trigger|database|schema)|shutdown|exec(?:ute)?\s)\b"
    ),
    re.compile(r"\bupdate\b(?!d)"),
    re.compile(r"\b(?:remove|erase|wipe|purge|destroy|overwrite|modify|rename)\b"),
    re.compile(r"(?:帮我|给我|请|替我)\s*(?:预订|预定|锁定|锁车|卖掉|售出|下架|上架|入库)"),
    re.compile(r"\b(?:change|mark|reset|switch|flip|move|convert)\b.{0,40}?(?:\b(?:to|as|into)\b|=)"),
    re.compile(
        r"\b(?:set|make)\s+(?:all|every|each|the|them|it|its|their|these|those|this|that|price|status|v\d)\b.{0,40}?(?:\b(?:to|as|into)\b|=)"
    ),
    re.compile(
        r"\b(?:lower|raise|increase|decrease|cut|reduce|discount|bump)\b.{0,40}?\b(?:to|by)\b\s*[\d¥$]"
    ),
    re.compile(
        r"\b(?:sell|reserve|unreserve|restock|relist)\s+(?:all|every|each|the|them|it|these|those|this|that|v\d)\b"
        # "how many did we sell this year", "which did we sell the most": a period or a superlative
        r"(?!\s+(?:year|month|quarter|week|season|spring|summer|autumn|fall|winter|most|least|best|fewest)\b)"
    ),
    re.compile(
        r"\badd(?:ing)?\s+(?:a\s+|an\s+|one\s+|\d+\s+|some\s+)?(?:new\s+)?(?:car|vehicle|record|row|store|entry|entries)s?\b"
    ),
]
_OTHER_TABLES = re.compile(
    r"\b(?:bookings?|complaints?|flights?|passengers?|users?|passwords?|credentials?|fares?|tickets?|checkpoints?"
    r"|sqlite_master|sqlite_schema|sqlite_sequence|information_schema|pg_catalog|pg_[a-z_]+|api[_ ]?keys?)\b"
    r"|订单|投诉|航班|乘客|机票|用户表|密码|账号|其他表|别的表|所有表"
)
_INJECTION = re.compile(
    r"ignore\s+(?:all\s+|the\s+|your\s+|any\s+)?(?:previous\s+|prior\s+|above\s+|earlier\s+)?(?:instructions|rules|prompts?|constraints)"
    r"|system\s+prompt|developer\s+mode|jailbreak|\bdan\b mode|you\s+are\s+now|pretend\s+(?:you|to)"
    r"|忽略.{0,6}(?:指令|指示|规则|提示|要求)|系统提示|越狱|开发者模式"
)
_SQL_START = re.compile(
    r"^\s*(?:\(?\s*select\b|with\s+\w+\s+as\b|(?:insert|replace)\s+into\b|update\s+\w+\s+set\b|delete\s+from\b"
    r"|(?:drop|create|alter|truncate)\s+(?:table|index|view|trigger|database|schema)\b|pragma\b|attach\b|detach\b|vacuum\b"
    r"|explain\s+(?:query\s+plan\s+)?select\b|begin(?:\s+transaction)?\s*;|commit\s*;?$|rollback\b|grant\b|revoke\b"
    r"|show\s+(?:tables|databases|columns|create|full|index|schemas|grants|processlist)\b|desc(?:ribe)?\s+(?:table\s+)?[a-z_]+\s*;?\s*$)"
)
_SQL_MARKERS = re.compile(
    # "--" starts a comment only in SQL: as a dash in a sentence ("under 300k -- any options?") it is
    # SQL only when quotes, statements or SQL keywords come with it
    r";\s*(?:select|with|drop|delete|insert|update|create|alter|pragma|attach|detach|vacuum|replace|begin|commit)\b|--(?=[\s\S]*(?:'|;|\b(?:select|from|where|drop|delete|insert|update|union|table)\b))|/\*|\bunion\b[\s\S]*\bselect\b|'\s*(?:or|and)\s+'?\w+'?\s*=|\bor\s+1\s*=\s*1\b|\bselect\b[\s\S]+\bfrom\b"
)
_INJECTION_MARKERS = re.compile(r";|--|/\*|'\s*(?:or|and)\b|\bunion\b|\b1\s*=\s*1\b|\bsleep\s*\(|\bchar\s*\(")


@dataclass(frozen=True)
class Screen:
    verdict: Verdict
    reason: str = ""


def looks_like_sql(text: str) -> bool:
    """Text that is (or embeds) SQL rather than a question in words."""
    lowered = text.lower()
    return bool(_SQL_START.search(lowered) or _SQL_MARKERS.search(lowered))


def has_injection_markers(text: str) -> bool:
    """Quotes-and-comments tricks typical of SQL injection."""
    return bool(_INJECTION_MARKERS.search(text.lower()))


def screen(text: str) -> Screen:
    """What kind of request `text` is, before any SQL is generated."""
    lowered = text.lower()
    for pattern in _MODIFY:
        m = pattern.search(lowered)
        if m:
            return Screen("modify", f"asks to change data ({m.group(0).strip()!r})")
    m = _OTHER_TABLES.search(lowered)
    if m:
        return Screen("other_table", f"reaches outside the inventory ({m.group(0)!r})")
    m = _INJECTION.search(lowered)
    if m:
        return Screen("injection", f"tries to override instructions ({m.group(0)!r})")
    if looks_like_sql(text):
        return Screen("sql", "raw SQL")
    return Screen("ok")
