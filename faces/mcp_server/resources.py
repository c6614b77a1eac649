"""The MCP resources: the inventory schema and the knowledge-base documents (read-only)."""

# No `from __future__ import annotations`: FastMCP reads the resources' annotations at registration.

import json
from pathlib import Path
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ResourceError

from faces.mcp_server.desk import Desk

DOCUMENTS_URI = "switchboard://knowledge/documents"


def inventory_schema() -> str:
    from tools.inventory.schema import describe_schema

    return json.dumps(describe_schema(), ensure_ascii=False, indent=2)


def knowledge_dir(desk: Desk) -> Path:
    """The documents the server's knowledge agent answers from (a test may give its own)."""
    from tools.knowledge.documents import KNOWLEDGE_DIR

    agent = desk.services.overrides.get("knowledge")
    directory: Path = getattr(agent, "kb_dir", None) or KNOWLEDGE_DIR
    return directory


def document_list(desk: Desk) -> list[dict[str, Any]]:
    from tools.knowledge.documents import load_documents

    return [
        {
            "doc_id": d.doc_id,
            "title": d.title("en"),
            "title_zh": d.title("zh"),
            "uri": f"{DOCUMENTS_URI}/{d.doc_id}",
        }
        for d in load_documents(knowledge_dir(desk)).documents
    ]


def document_body(desk: Desk, doc_id: str) -> str:
    from tools.knowledge.documents import DOC_ID, load_documents

    if not DOC_ID.match(doc_id):
        raise ResourceError(f"not a document id: {doc_id[:64]!r}")
    for document in load_documents(knowledge_dir(desk)).documents:
        if document.doc_id == doc_id:
            return document.body
    raise ResourceError(f"no document {doc_id!r}")


def register(server: FastMCP, desk: Desk) -> None:
    """Add the resources to `server`; the knowledge ones read the documents of `desk`'s services."""
    server.resource(
        "switchboard://inventory/schema",
        name="inventory-schema",
        title="Vehicle inventory schema",
        description="Tables, columns, allowed values, brands and stores of the vehicle inventory (read-only).",
        mime_type="application/json",
    )(inventory_schema)

    # Closures, not tools' context: FastMCP would take a function with parameters for a template.
    def knowledge_documents() -> str:
        return json.dumps(document_list(desk), ensure_ascii=False, indent=2)

    def knowledge_document(doc_id: str) -> str:
        return document_body(desk, doc_id)

    server.resource(
        DOCUMENTS_URI,
        name="knowledge-documents",
        title="Knowledge base documents",
        description="The policy and price-list documents search_knowledge_base answers from.",
        mime_type="application/json",
    )(knowledge_documents)
    server.resource(
        DOCUMENTS_URI + "/{doc_id}",
        name="knowledge-document",
        title="Knowledge base document",
        description="One document of the knowledge base, as Markdown.",
        mime_type="text/markdown",
    )(knowledge_document)
