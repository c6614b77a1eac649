"""The knowledge-base tool: policies and the price list, answered from the company documents."""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration.

from mcp.server.fastmcp import FastMCP

from faces.mcp_server.arguments import Question
from faces.mcp_server.desk import ToolContext, desk_of, in_thread
from faces.mcp_server.hints import add_tool, readonly
from faces.mcp_server.results import KnowledgeResult


async def search_knowledge_base(ctx: ToolContext, question: Question) -> KnowledgeResult:
    """Answer a question about Skylark Airways' policies and price list (baggage, dangerous goods
    such as power banks, pets, refunds and changes, check-in, special assistance, prices of
    extras) from the company documents, in the question's language, with the passages used.
    found=false means the documents do not say."""
    from switchboard.text import detect_language

    language = detect_language(question) or "en"
    answer = await in_thread(desk_of(ctx).services.knowledge.answer, question, language)
    return KnowledgeResult.model_validate(answer.model_dump())


def register(server: FastMCP) -> None:
    """Add the knowledge-base tool to `server`."""
    add_tool(server, search_knowledge_base, readonly("Search the policies and price list"))
