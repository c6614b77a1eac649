"""Inventory specialist as a graph node: questions about the dealer's vehicle stock.

The node delegates to `agents.inventory` (text-to-SQL), records the call like any tool and keeps
what a follow-up question ("and how many of them are white?") refines. It lives apart from that
agent so that building the graph imports neither the SQL compiler nor its lexicons: they load on
the first stock question.
"""

from __future__ import annotations

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
        update = outcome(state, agent=AGENT, intent=INTENT, reply=answer.reply, status=answer.status)
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
    meaning="questions about the car dealer's vehicle stock (brands, models, prices, stores)",
    build=build_inventory_node,
    title=("车辆库存", "Vehicle stock"),
    capability=("查询车辆库存", "answer questions about our vehicle stock"),
    followup=True,
    llm_reviewed=True,
    job_tools=frozenset({"query_inventory"}),
)
