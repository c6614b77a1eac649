"""The inventory specialist: questions about the dealer's stock answered from the database.

Local engine (default): the grammar of `tools.inventory.parse` compiles the question to SQL.
LLM engine (a chat model is given): a schema + few-shot prompt asks for several candidate
queries; the pipeline validates and executes each, picks the best (agreement with the local
engine's answer counts as a vote), reflects on errors or empty results, and falls back to the
local compiler when the model's output is unusable. Either way the SQL is validated by sqlglot
and runs on a read-only connection with a timeout and a row cap.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine

from agents.llm_budget import turn_scope
from agents.llm_calls import ask_json
from agents.structured import strict_object
from switchboard.settings import Settings
from tools.inventory.cost import CostGuard
from tools.inventory.execute import ReadOnlyExecutor
from tools.inventory.pipeline import Attempt, Candidate, CandidateSource, InventoryPipeline, Request
from tools.inventory.schema import schema_text

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

SYSTEM_PROMPT = """You write SQL for a car dealer's vehicle inventory database ({dialect}).

{schema}

Rules:
- Answer with ONE JSON object and nothing else: {{"candidates": ["<SQL>", ...]}} holding up to {n} different
  plausible SELECT statements for the question, the most likely first.
- Only SELECT over the tables vehicles and stores. Never write, never touch other tables.
- Values are canonical English: brand 'BYD' (比亚迪), 'Mercedes-Benz' (奔驰); status 'in_stock' (在库/库存/现车),
  'reserved' (已预订), 'sold' (已售); colors, body and fuel types lower-case as listed.
- Prices are CNY: 20万 = 200000, 150k = 150000. Today is {today}; "last month" is the previous calendar
  month, "the last 30 days" is intake_date >= today minus 30 days.
- Listings: SELECT vehicle_id, brand, model, model_year, color, guide_price, intake_date, status unless the
  question names columns; order ties by vehicle_id. Group by store with stores.name, by city with stores.city.
- Join stores only when a city or store is involved: vehicles.store_id = stores.store_id.
- "how many different X" is COUNT(DISTINCT X); "total value / 加起来多少钱" is SUM(guide_price); the
  earliest/latest intake date or model year asked as a value is MIN/MAX; "price range / 最高价和最低价" is
  MIN and MAX in one row; "top 3 brands by average price" groups, orders by the aggregate and limits.
- A year said once in a range applies to both ends: "between March and June 2025", "2025年3月到6月".
- A customer's request relayed by staff ("client wants ...", "客户要...") is in_stock and keeps every clause.
  "newest/oldest first", "便宜的排前面" order all matching rows (no LIMIT); "the car longest in stock /
  在库时间最长的" is the one in_stock row with the earliest intake_date.
- "which has more, and how many each / 各有几台" returns every group compared; "which Toyota models are
  SUVs" is SELECT DISTINCT model; "which of our Beijing stores has the most" groups by stores.name within
  that city, top 1; "rank the brands by total price" is a per-brand SUM ordered descending; "in month
  order / 按月份顺序" orders the groups by their label.
- "model year before 2026 / 年款早于2026" compares model_year, not intake_date; "2025 or 2026 model year" is IN.

Examples:
Q: 在库的比亚迪有几辆？
{{"candidates": ["SELECT COUNT(*) AS vehicle_count FROM vehicles WHERE brand = 'BYD' AND status = 'in_stock'"]}}
Q: average guide price of Teslas in Shanghai
{{"candidates": ["SELECT AVG(v.guide_price) AS avg_guide_price FROM vehicles v JOIN stores s ON v.store_id = s.store_id WHERE v.brand = 'Tesla' AND s.city = 'Shanghai'"]}}
Q: 各品牌在库数量
{{"candidates": ["SELECT brand, COUNT(*) AS vehicle_count FROM vehicles WHERE status = 'in_stock' GROUP BY brand ORDER BY brand"]}}
Q: top 5 most expensive electric cars
{{"candidates": ["SELECT vehicle_id, brand, model, model_year, color, guide_price, intake_date, status FROM vehicles WHERE fuel_type = 'electric' ORDER BY guide_price DESC, vehicle_id LIMIT 5"]}}
Q: 2026年第三季度入库的宝马有多少？
{{"candidates": ["SELECT COUNT(*) AS vehicle_count FROM vehicles WHERE brand = 'BMW' AND intake_date BETWEEN '2026-07-01' AND '2026-09-30'"]}}
Q: V00042的指导价是多少？
{{"candidates": ["SELECT vehicle_id, guide_price FROM vehicles WHERE vehicle_id = 'V00042'"]}}
"""

USER_PROMPT = """{previous}Question: {question}"""
PREVIOUS_PROMPT = """The previous question in this conversation was: {question}
Its SQL was: {sql}
If the new question refines it ("of them", "其中", "what about ..."), keep its filters.

"""
REFLECT_PROMPT = """Your SQL did not work.
{problems}
Fix it and answer again with the same JSON format."""

_FENCE = re.compile(r"```(?:sql)?\s*([\s\S]*?)```", re.IGNORECASE)
_BARE_SQL = re.compile(r"^\s*((?:select|with)\b[\s\S]*?)(?:;\s*$|$)", re.IGNORECASE)


def extract_sql(text: str, limit: int = 3) -> list[str]:
    """Candidate SQL statements from a model's answer: JSON first, then code fences, then bare SQL."""
    found: list[str] = []
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        try:
            data = json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            items = data.get("candidates", data.get("sql", []))
            items = [items] if isinstance(items, str) else items
            if isinstance(items, list):
                found.extend(s for s in items if isinstance(s, str) and s.strip())
    if not found:
        found.extend(m.group(1) for m in _FENCE.finditer(text))
    if not found:
        m = _BARE_SQL.match(text)
        if m:
            found.append(m.group(1))
    unique = list(dict.fromkeys(s.strip().rstrip(";").strip() for s in found if s.strip()))
    return unique[:limit]


def sql_schema(n_candidates: int) -> dict[str, Any]:
    """The answer the SQL prompt asks for: up to `n_candidates` statements."""
    return strict_object(
        {
            "candidates": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "maxItems": n_candidates,
            }
        }
    )


class LLMSource:
    """Candidate SQL from a chat model, with the attempts so far as feedback."""

    name = "llm"

    def __init__(self, chat_model: BaseChatModel, settings: Settings, n_candidates: int = 3) -> None:
        self.chat_model = chat_model
        self.settings = settings
        self.n_candidates = n_candidates

    def messages(self, request: Request, attempts: list[Attempt]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        dialect = "PostgreSQL" if request.dialect == "postgresql" else "SQLite"
        system = SYSTEM_PROMPT.format(
            dialect=dialect, schema=schema_text(), n=self.n_candidates, today=request.today.isoformat()
        )
        previous = ""
        if request.previous and request.previous.get("sql"):
            previous = PREVIOUS_PROMPT.format(
                question=request.previous.get("question", "?"), sql=request.previous["sql"]
            )
        messages: list[Any] = [
            SystemMessage(system),
            HumanMessage(USER_PROMPT.format(previous=previous, question=request.question)),
        ]
        for attempt in attempts:
            if attempt.engine != "llm":
                continue
            tried = attempt.candidates or [{"sql": attempt.sql, "error": attempt.error}]
            messages.append(
                AIMessage(
                    json.dumps({"candidates": [c["sql"] for c in tried if c.get("sql")]}, ensure_ascii=False)
                )
            )
            problems = "\n".join(f"- {c.get('sql')}: {c.get('error') or 'ok'}" for c in tried)
            messages.append(HumanMessage(REFLECT_PROMPT.format(problems=problems or f"- {attempt.error}")))
        return messages

    def propose(self, request: Request, attempts: list[Attempt]) -> list[Candidate] | None:
        """Candidates, or [] when the model gave none (timeout, budget spent, unusable: noted)."""
        value = ask_json(
            self.settings,
            self.chat_model,
            "sql",
            self.messages(request, attempts),
            sql_schema(self.n_candidates),
            # A reply that is not the JSON asked for may still hold SQL in a fence or bare.
            lenient=lambda text: (
                {"candidates": found} if (found := extract_sql(text, self.n_candidates)) else None
            ),
        )
        if value is None:
            return []  # unusable: the pipeline falls back to the local engine
        sqls = extract_sql(json.dumps(value), self.n_candidates)
        return [Candidate(sql, "llm") for sql in sqls]


class InventoryAnswer(BaseModel):
    """What the inventory specialist returns for one question."""

    reply: str
    sql: str | None = None
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    attempts: list[dict[str, Any]] = Field(default_factory=list)
    status: Literal["completed", "refused", "failed", "needs_info"]
    followup_state: dict[str, Any] | None = None
    total_rows: int | None = None  # rows matched in all (more than `rows` when the result was cut)


class InventoryAgent:
    """Answers inventory questions in Chinese or English; see the module docstring."""

    def __init__(
        self,
        pipeline: InventoryPipeline,
        sources: list[CandidateSource],
        llm_budget: tuple[float, float] = (20.0, 10.0),
    ) -> None:
        self.pipeline = pipeline
        self.sources = sources
        self.llm_budget = llm_budget  # (seconds per question, per call) when no turn is under way

    def answer(self, question: str, language: str, previous: dict[str, Any] | None = None) -> InventoryAnswer:
        """One question (with the previous turn's `followup_state` for follow-ups)."""
        # In a graph turn this joins the turn's LLM budget; alone (CLI, MCP) it is the question's.
        with turn_scope(*self.llm_budget):
            outcome = self.pipeline.run(
                question, language, previous if isinstance(previous, dict) else None, self.sources
            )
        state = outcome.followup_state
        if state is not None:
            state = {**state, "question": question}
        return InventoryAnswer(
            reply=outcome.reply,
            sql=outcome.sql,
            columns=outcome.columns,
            rows=outcome.rows,
            attempts=[a.as_dict() for a in outcome.attempts],
            status=outcome.status,
            followup_state=state,
            total_rows=outcome.total_rows,
        )


def build_inventory_agent(
    settings: Settings,
    engine: Engine | None = None,
    chat_model: BaseChatModel | None = None,
    today: date | None = None,
    *,
    timeout_s: float = 5.0,
    row_cap: int = 200,
) -> InventoryAgent:
    """The inventory agent over `engine` (default: the application database), read-only."""
    if engine is None:
        from tools.db import get_engine

        engine = get_engine(settings.database_url)
    executor = ReadOnlyExecutor(engine, timeout_s=timeout_s)
    # The cost bounds are measured on this engine and data: the timeout replaces `timeout_s`.
    cost = CostGuard.calibrated(
        executor,
        max_scans=settings.inventory_max_plan_scans,
        timeout_scans=settings.inventory_timeout_scans,
        timeout_min_s=settings.inventory_timeout_min_s,
        timeout_max_s=min(settings.inventory_timeout_max_s, timeout_s),
    )
    pipeline = InventoryPipeline(
        executor, row_cap=row_cap, today=(lambda: today) if today else date.today, cost=cost
    )
    sources: list[CandidateSource] = [LLMSource(chat_model, settings)] if chat_model is not None else []
    return InventoryAgent(pipeline, sources, (settings.llm_turn_budget_s, settings.llm_timeout_s))
