"""Inventory specialist as a graph node: questions about the dealer's vehicle stock.

The node delegates to `agents.inventory` (text-to-SQL), records the call like any tool and keeps
what a follow-up question ("and how many of them are white?") refines. It lives apart from that
agent so that building the graph imports neither the SQL compiler nor its lexicons: they load on
the first stock question.
"""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from agents.common import language_of, outcome, say
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from agents.tables import table_record
from switchboard.errors import InputError
from switchboard.state import Context, State, TableRecord

AGENT = "inventory_agent"
INTENT = "inventory_query"
UNREADABLE = (
    "抱歉，我没能理解这个库存问题，请换个说法。",
    "Sorry, I couldn't read that as a stock question. Could you rephrase it?",
)
# Rows of a result kept as facts for the critic: enough to check what a reply states.
FACT_ROWS = 20
# Shopping language asks for a judgement the stock data cannot make ("best", "适合新手"): the
# reply lists the matching stock and says so.
_JUDGEMENT = re.compile(
    r"\b(?:best|better|recommend\w*|suggest\w*|suitable|good for|worth|reliable|should i|which (?:one|model) should)\b"
    r"|推荐|建议|最好|哪款好|哪个好|哪辆好|适合|值得|靠谱|性价比|好开|省心",
    re.IGNORECASE,
)
CANNOT_JUDGE = (
    "以上是符合条件的在库车辆；哪一款“最好”或最适合您，取决于驾驶习惯和偏好，库存数据无法判断，建议到店试驾比较。",
    "These are the vehicles in stock that match; which one is best or right for you depends on how you drive and what you prefer, which the stock data can't judge, so a test drive is the best way to compare.",
)


def asks_for_judgement(question: str) -> bool:
    """Whether the question asks for a recommendation the stock data cannot make."""
    return bool(_JUDGEMENT.search(question))


def build_inventory_node(services: Services, roster: Roster) -> NodeFn:
    def inventory_query(state: State, runtime: Runtime[Context]) -> StateUpdate:
        question = state.get("text", "")
        language = language_of(state)
        try:
            answer = services.inventory.answer(question, language, state.get("inventory_state"))
        except InputError:
            reply = say(language, *UNREADABLE)
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="needs_info")
        ok = answer.status == "completed"
        call = {"name": "query_inventory", "args": {"question": question}, "ok": ok}
        facts = (
            [{"sql": answer.sql, "columns": answer.columns, "rows": answer.rows[:FACT_ROWS]}] if ok else []
        )
        reply = answer.reply
        if ok and asks_for_judgement(question):
            reply = f"{reply}\n{say(language, *CANNOT_JUDGE)}"
        update = outcome(state, agent=AGENT, intent=INTENT, reply=reply, status=answer.status)
        update.update(
            tool_calls=[call], facts=facts, tables=_tables(answer.reply, answer.columns, answer.rows)
        )
        if ok:
            update["inventory_state"] = answer.followup_state
        return update

    return inventory_query


def _tables(reply: str, columns: list[str], rows: list[list[object]]) -> list[TableRecord]:
    """The result table for the web chat, when the reply shows one (a count alone shows none)."""
    from tools.inventory.explain import render_table, table_cells

    if not rows or not columns:
        return []
    text = render_table(columns, rows)
    return [table_record(columns, table_cells(columns, rows), text)] if text in reply else []


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="questions about the car dealer's vehicle stock (brands, models, prices, stores), and buying or "
    "choosing a car (answered with the matching stock)",
    build=build_inventory_node,
    title=("车辆库存", "Vehicle stock"),
    capability=("查询车辆库存", "answer questions about our vehicle stock"),
    followup=True,
    llm_reviewed=True,
    job_tools=frozenset({"query_inventory"}),
)
