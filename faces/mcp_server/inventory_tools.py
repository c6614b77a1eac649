"""The vehicle-inventory tools: a question answered by one read-only SQL query, and the schema."""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration.

from typing import Any

from mcp.server.fastmcp import FastMCP

from faces.mcp_server.arguments import Question
from faces.mcp_server.desk import ToolContext, desk_of, in_thread
from faces.mcp_server.hints import add_tool, readonly
from faces.mcp_server.results import InventoryResult


async def query_inventory(ctx: ToolContext, question: Question) -> InventoryResult:
    """Answer a question about the car dealer's vehicle stock (Chinese or English, e.g.
    "在库的比亚迪有几辆？", "top 5 electric cars by guide price") with one read-only SQL query.
    Returns the SQL, the columns and rows, and the answer as a sentence. Requests to change
    data are refused (status "refused")."""
    from switchboard.text import detect_language
    from tools.inventory.pipeline import check_question

    desk = desk_of(ctx)
    check_question(question, desk.settings.max_input_chars)
    language = detect_language(question) or "en"
    answer = await in_thread(desk.services.inventory.answer, question, language, None)
    return InventoryResult(
        sql=answer.sql,
        columns=answer.columns,
        rows=answer.rows,
        reply=answer.reply,
        status=answer.status,
        attempts=len(answer.attempts),
    )


async def describe_inventory_schema() -> dict[str, Any]:
    """The inventory database's tables and columns (types, allowed values), the join, the brand
    and model catalogue (with Chinese names) and the stores. Also the resource
    switchboard://inventory/schema."""
    from tools.inventory.schema import describe_schema

    return describe_schema()


def register(server: FastMCP) -> None:
    """Add the inventory tools to `server`."""
    add_tool(server, query_inventory, readonly("Query the vehicle inventory"))
    add_tool(server, describe_inventory_schema, readonly("Inventory schema"))
