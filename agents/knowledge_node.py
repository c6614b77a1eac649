"""Knowledge specialist as a graph node: policy and price-list questions answered from documents.

The node delegates to `agents.knowledge` (retrieval and grounded answers) and records the call like
any tool. It lives apart from that agent so that building the graph loads neither the retrieval
index nor the embedding model: they load on the first policy question.
"""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from agents.common import language_of, outcome, say
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import InputError, ToolError
from switchboard.state import Context, State

_CODE = re.compile(r"\b[A-Z][A-Z0-9-]{4,}\b")

AGENT = "knowledge_agent"
INTENT = "knowledge_search"
SEARCH_FAILED = (
    "抱歉，暂时无法检索政策文档，请稍后再试。",
    "Sorry, I can't search the policy documents right now. Please try again later.",
)


def build_knowledge_node(services: Services, roster: Roster) -> NodeFn:
    def knowledge_search(state: State, runtime: Runtime[Context]) -> StateUpdate:
        question = state.get("text", "")
        language = language_of(state)
        try:
            answer = services.knowledge.answer(question, language)
        except (InputError, ToolError):
            # The documents could not be searched (e.g. the embeddings server failed): say so.
            reply = say(language, *SEARCH_FAILED)
            call = {"name": "search_knowledge_base", "args": {"question": question}, "ok": False}
            update = outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="failed")
            update["tool_calls"] = [call]
            return update
        calls = [{"name": "search_knowledge_base", "args": {"question": question}, "ok": True}]
        if answer.web is not None:  # the documents had no answer and the web was searched
            calls.append({"name": "web_search", "args": {"query": question}, "ok": answer.web != "failed"})
        facts: list[dict[str, Any]] = [source.model_dump(mode="json") for source in answer.sources]
        # Codes the answer quotes from the documents' own text (an example confirmation number).
        quoted = sorted(
            {code for code in _CODE.findall(answer.answer) if any(code in s.snippet for s in answer.sources)}
        )
        if quoted:
            facts.append({"quoted_codes": quoted})
        status = "completed" if answer.found else "failed"
        update = outcome(state, agent=AGENT, intent=INTENT, reply=answer.answer, status=status)
        update.update(tool_calls=calls, facts=facts)
        return update

    return knowledge_search


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="policy, FAQ or shop price-list questions (baggage, pets, check-in, refunds rules, child seats)",
    build=build_knowledge_node,
    title=("知识库", "Knowledge base"),
    capability=("解答行李、退改签等政策问题", "explain policies such as baggage and refunds"),
    followup=True,
    llm_reviewed=True,
    job_tools=frozenset({"search_knowledge_base", "web_search"}),
)
