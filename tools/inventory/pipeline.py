"""question -> guard -> candidates -> validate -> execute -> reflect (bounded) -> explain.

Candidate sources plug in here: the local grammar (always) and, when configured, the LLM engine
from `agents/inventory.py`. Each attempt asks one source for candidates, validates and executes
them, and picks the best by a typed verdict (ok / suspicious / error); agreement with the other
candidates (and with the local engine's own answer) breaks ties. An error or a suspicious result
(no rows where rows were expected) feeds back into the next attempt, at most `max_attempts`
attempts, all recorded. When the LLM's output is unusable the local engine takes over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, Protocol

from switchboard.errors import InputError, ToolError, UnsafeQuery
from tools.inventory.compiler import compile_spec
from tools.inventory.cost import CostGuard
from tools.inventory.execute import QueryResult, ReadOnlyExecutor
from tools.inventory.explain import explain
from tools.inventory.guard import has_injection_markers, screen
from tools.inventory.parse import Parsed, parse_question
from tools.inventory.spec import QuerySpec
from tools.inventory.validate import DEFAULT_ROW_CAP, validate_sql

Status = Literal["completed", "refused", "failed", "needs_info"]
MAX_QUESTION_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff]")


@dataclass
class Candidate:
    sql: str
    engine: str
    spec: QuerySpec | None = None


@dataclass
class Evaluated:
    candidate: Candidate
    verdict: Literal["ok", "suspicious", "error"]
    error: str | None = None
    sql: str | None = None  # the validated (display) SQL
    result: QueryResult | None = None

    @property
    def signature(self) -> tuple[Any, ...] | None:
        if self.result is None:
            return None
        return tuple(sorted(repr(row) for row in self.result.rows))


@dataclass
class Attempt:
    engine: str
    sql: str | None
    ok: bool
    error: str | None
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sql": self.sql, "ok": self.ok, "error": self.error, "engine": self.engine}
        if len(self.candidates) > 1:
            out["candidates"] = self.candidates
        return out


@dataclass(frozen=True)
class Request:
    question: str
    language: str
    previous: dict[str, Any] | None
    today: date
    dialect: str


class CandidateSource(Protocol):
    """Proposes SQL for a request; sees the attempts so far (for reflection).

    Returns None when it has nothing (more) to offer, and an empty list when its output was
    unusable (the pipeline then moves on to the next source).
    """

    name: str

    def propose(self, request: Request, attempts: list[Attempt]) -> list[Candidate] | None: ...


class LocalSource:
    """The grammar: the parsed spec first, then its alternative readings (for the retry)."""

    name = "local"

    def __init__(self, parsed: Parsed) -> None:
        self.specs = [s for s in [parsed.spec, *parsed.alternatives] if s is not None]

    def propose(self, request: Request, attempts: list[Attempt]) -> list[Candidate] | None:
        used = sum(1 for a in attempts if a.engine == "local")
        if used >= len(self.specs):
            return None
        spec = self.specs[used]
        return [Candidate(compile_spec(spec, request.dialect), "local", spec)]


@dataclass
class Outcome:
    status: Status
    reply: str
    sql: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    spec: QuerySpec | None = None
    reason: str | None = None
    total_rows: int | None = None  # rows matched in all (more than `rows` when truncated; None: unknown)

    @property
    def followup_state(self) -> dict[str, Any] | None:
        if self.status != "completed":
            return None
        return {"spec": self.spec.to_dict() if self.spec else None, "sql": self.sql}


def check_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question as text, or InputError for what cannot be a question."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    if _CONTROL.search(question):
        raise InputError("the question contains binary or control characters")
    if not question.strip():
        raise InputError("the question is empty")
    if len(question) > max_chars:
        raise InputError(f"the question is longer than {max_chars} characters")
    return question


_REFUSALS = {
    "modify": (
        "我只能查询车辆库存（只读），不能删除、修改或新增任何数据。",
        "I can only read the vehicle inventory; I cannot delete, change or add any data.",
    ),
    "other_table": (
        "我只能查询车辆库存（车辆和门店两张表），不能访问其他数据。",
        "I can only read the vehicle inventory (the vehicles and stores tables), nothing else.",
    ),
    "injection": (
        "抱歉，这个请求我不能执行。我只回答关于车辆库存的问题。",
        "Sorry, I can't do that. I only answer questions about the vehicle inventory.",
    ),
    "sql": (
        "这条 SQL 不能执行：{reason}。我只执行针对车辆库存的单条只读 SELECT。",
        "That SQL cannot run: {reason}. I only run a single read-only SELECT over the vehicle inventory.",
    ),
}
_EXAMPLES_ZH = "例如：“在库的比亚迪有几辆？”、“20万以下的电动SUV”、“各城市的在库数量”、“V00042的指导价”。"
_EXAMPLES_EN = 'For example: "How many BYDs are in stock?", "electric SUVs under 200k", "in-stock count by city", "guide price of V00042".'


def _say(language: str, zh: str, en: str) -> str:
    return zh if language == "zh" else en


class InventoryPipeline:
    """Runs questions against the inventory through the candidate sources, read-only."""

    def __init__(
        self,
        executor: ReadOnlyExecutor,
        *,
        row_cap: int = DEFAULT_ROW_CAP,
        max_attempts: int = 3,
        today: Callable[[], date] = date.today,
        cost: CostGuard | None = None,
    ) -> None:
        self.executor = executor
        self.cost = cost  # plan bounds; None: validation and the timeout only
        self.row_cap = row_cap
        self.max_attempts = max_attempts
        self.today = today

    # -- evaluation of one candidate ------------------------------------------------------
    def evaluate(self, candidate: Candidate) -> Evaluated:
        try:
            checked = validate_sql(candidate.sql, dialect=self.executor.dialect, row_cap=self.row_cap)
        except UnsafeQuery as exc:
            return Evaluated(candidate, "error", f"rejected by validation: {exc}")
        try:
            if self.cost is not None:
                self.cost.check(checked)
            result = self.executor.execute(checked)
        except UnsafeQuery as exc:
            return Evaluated(candidate, "error", f"refused before running: {exc}", checked.sql)
        except ToolError as exc:
            return Evaluated(candidate, "error", str(exc), checked.sql)
        if result.truncated:  # the headline says how many matched, not the cap
            result = replace(result, total=self.executor.count(checked))
        verdict: Literal["ok", "suspicious"] = "ok"
        error = None
        if not result.rows:
            verdict, error = "suspicious", "the query returned no rows"
        elif len(result.rows) == 1 and all(v is None for v in result.rows[0]):
            verdict, error = "suspicious", "the query returned only NULL (no rows matched)"
        return Evaluated(candidate, verdict, error, checked.sql, result)

    @staticmethod
    def _pick(evaluated: list[Evaluated], reference: tuple[Any, ...] | None) -> Evaluated:
        """Best verdict first; among equals, the result most candidates (and the local engine) agree on."""
        rank = {"ok": 0, "suspicious": 1, "error": 2}
        best_rank = min(rank[e.verdict] for e in evaluated)
        pool = [e for e in evaluated if rank[e.verdict] == best_rank]
        if best_rank == 2:
            return pool[0]
        votes: dict[tuple[Any, ...] | None, int] = {}
        for e in pool:
            votes[e.signature] = (
                votes.get(e.signature, 0)
                + 1
                + (1 if reference is not None and e.signature == reference else 0)
            )
        return max(pool, key=lambda e: (votes[e.signature], -pool.index(e)))

    # -- the whole path --------------------------------------------------------------------
    def run(
        self, question: str, language: str, previous: dict[str, Any] | None, sources: list[CandidateSource]
    ) -> Outcome:
        question = check_question(question)
        language = language if language in ("zh", "en") else "en"
        request = Request(question, language, previous, self.today(), self.executor.dialect)

        verdict = screen(question)
        if verdict.verdict in ("modify", "other_table", "injection"):
            zh, en = _REFUSALS[verdict.verdict]
            return Outcome("refused", _say(language, zh, en), reason=verdict.reason)
        if verdict.verdict == "sql":
            return self._raw_sql(question, language)

        parsed = parse_question(question, today=request.today, previous=previous)
        local = LocalSource(parsed)
        ordered = [s for s in sources if s.name != "local"] + [local]
        if parsed.unread and len(ordered) == 1:
            # A condition the question states but the grammar could not read: ask, do not drop it.
            words = "”、“".join(dict.fromkeys(parsed.unread))
            words_en = '", "'.join(dict.fromkeys(parsed.unread))
            return Outcome(
                "needs_info",
                _say(
                    language,
                    f"抱歉，我没看懂问题里的“{words}”，不想漏掉这个条件答错。请换个说法，{_EXAMPLES_ZH}",
                    f'Sorry, I could not read "{words_en}" in your question and would rather not answer '
                    f"without it. Please rephrase. {_EXAMPLES_EN}",
                ),
                reason=f"unread: {words_en}",
            )
        if not local.specs and len(ordered) == 1:
            return Outcome(
                "needs_info",
                _say(
                    language,
                    f"抱歉，我没能把这个问题转换成库存查询。请换个说法，{_EXAMPLES_ZH}",
                    f"Sorry, I could not turn that into an inventory query. Please rephrase. {_EXAMPLES_EN}",
                ),
            )
        # The local engine's own answer, when it has one, is a vote for the LLM's candidates.
        reference: Evaluated | None = None
        if len(ordered) > 1 and local.specs:
            reference = self.evaluate(
                Candidate(compile_spec(local.specs[0], request.dialect), "local", local.specs[0])
            )
        return self._attempt(request, ordered, local, reference)

    def _attempt(
        self,
        request: Request,
        ordered: list[CandidateSource],
        local: LocalSource,
        reference: Evaluated | None,
    ) -> Outcome:
        """Ask the sources in turn, at most `max_attempts` times, until one gives an ok result."""
        attempts: list[Attempt] = []
        fallback: Evaluated | None = None
        index = 0
        while len(attempts) < self.max_attempts and index < len(ordered):
            source = ordered[index]
            candidates = source.propose(request, attempts)
            if candidates is None:
                index += 1
                continue
            if not candidates:
                attempts.append(Attempt(source.name, None, False, "no usable SQL in the model's output"))
                index += 1
                continue
            evaluated = [self.evaluate(c) for c in candidates]
            best = self._pick(evaluated, reference.signature if reference else None)
            attempts.append(
                Attempt(
                    source.name,
                    best.sql or best.candidate.sql,
                    best.verdict == "ok",
                    best.error,
                    [
                        {"sql": e.sql or e.candidate.sql, "ok": e.verdict == "ok", "error": e.error}
                        for e in evaluated
                    ],
                )
            )
            if best.verdict == "ok":
                return self._answer(best, attempts, request.language, reference)
            if best.verdict == "suspicious" and fallback is None:
                fallback = best
            # An LLM that produced only failures twice gives the last attempt to the local engine.
            if source.name != "local" and len(attempts) >= self.max_attempts - 1 and local.specs:
                index = len(ordered) - 1
        if fallback is not None:
            # Every reading came back empty: that is the answer (e.g. "0 Porsches").
            return self._answer(fallback, attempts, request.language, reference)
        return self._no_answer(request.language, local, attempts)

    @staticmethod
    def _no_answer(language: str, local: LocalSource, attempts: list[Attempt]) -> Outcome:
        if not local.specs and not any(a.sql for a in attempts):
            return Outcome(
                "needs_info",
                _say(
                    language,
                    f"抱歉，我没能理解这个问题。请换个说法，{_EXAMPLES_ZH}",
                    f"Sorry, I did not understand the question. Please rephrase. {_EXAMPLES_EN}",
                ),
            )
        last = attempts[-1].error or "unknown error"
        return Outcome(
            "failed",
            _say(
                language,
                f"抱歉，查询失败（尝试了 {len(attempts)} 次）：{last}",
                f"Sorry, the query failed after {len(attempts)} attempt(s): {last}",
            ),
            sql=attempts[-1].sql,
            attempts=attempts,
            reason=last,
        )

    def _answer(
        self, best: Evaluated, attempts: list[Attempt], language: str, reference: Evaluated | None
    ) -> Outcome:
        result = best.result
        assert result is not None
        spec = best.candidate.spec
        if spec is None and reference is not None and reference.signature == best.signature:
            spec = (
                reference.candidate.spec
            )  # the LLM agrees with the local reading: explain it in those terms
        reply = explain(
            language,
            spec,
            result.columns,
            result.rows,
            truncated=result.truncated,
            row_cap=self.row_cap,
            total=result.total,
        )
        return Outcome(
            "completed",
            reply,
            best.sql,
            result.columns,
            result.rows,
            result.truncated,
            attempts,
            spec,
            total_rows=result.total if result.truncated else len(result.rows),
        )

    def _raw_sql(self, text: str, language: str) -> Outcome:
        """A question that is SQL: run it if it is a safe SELECT over the inventory, refuse otherwise."""
        try:
            checked = validate_sql(text, dialect=self.executor.dialect, row_cap=self.row_cap)
        except UnsafeQuery as exc:
            hostile = exc.details.get("kind") in ("unsafe", "costly") or has_injection_markers(text)
            attempt = Attempt("local", None, False, str(exc))
            if hostile:
                zh, en = _REFUSALS["sql"]
                return Outcome(
                    "refused", _say(language, zh, en).format(reason=exc), attempts=[attempt], reason=str(exc)
                )
            return Outcome(
                "failed",
                _say(language, f"这条 SQL 有问题：{exc}", f"That SQL has a problem: {exc}"),
                attempts=[attempt],
                reason=str(exc),
            )
        evaluated = self.evaluate(Candidate(checked.sql, "local"))
        attempt = Attempt("local", checked.sql, evaluated.verdict != "error", evaluated.error)
        if evaluated.result is None and (evaluated.error or "").startswith("refused before running"):
            zh, en = _REFUSALS["sql"]
            reason = (evaluated.error or "").removeprefix("refused before running: ")
            return Outcome(
                "refused", _say(language, zh, en).format(reason=reason), attempts=[attempt], reason=reason
            )
        if evaluated.result is None:
            return Outcome(
                "failed",
                _say(language, f"查询失败：{evaluated.error}", f"The query failed: {evaluated.error}"),
                sql=checked.sql,
                attempts=[attempt],
                reason=evaluated.error,
            )
        return self._answer(evaluated, [attempt], language, None)
