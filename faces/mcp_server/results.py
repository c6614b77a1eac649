"""The structured results of the MCP tools that are not a domain type of `tools.airline` as is."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.airline import BookingInfo, CancellationResult, FareInfo, RefundQuote


class FareQuote(BaseModel):
    flight_number: str
    fares: list[FareInfo]


class BookingList(BaseModel):
    bookings: list[BookingInfo]


class CancelBookingOutcome(BaseModel):
    status: Literal["confirmation_required", "cancelled", "already_cancelled"]
    # confirm=false: what cancelling would refund now (nothing is changed).
    refund_quote: RefundQuote | None = None
    # confirm=true: what was done.
    cancellation: CancellationResult | None = None
    next_step: str | None = None


class InventoryResult(BaseModel):
    sql: str | None = Field(description="the SELECT that answered the question; null when nothing ran")
    columns: list[str]
    rows: list[list[Any]]
    reply: str = Field(description="the answer as a sentence, in the question's language")
    status: Literal["completed", "refused", "failed", "needs_info"]
    attempts: int


class KnowledgeSource(BaseModel):
    doc_id: str
    title: str
    score: float
    snippet: str
    url: str | None = Field(default=None, description="the page of a web source (doc_id web-<n>)")


class KnowledgeResult(BaseModel):
    answer: str = Field(description="the answer, citing doc_ids in brackets, e.g. [baggage]")
    sources: list[KnowledgeSource]
    found: bool = Field(description="false: the documents do not answer it (closest topics are named)")
    web: Literal["answered", "no_results", "failed"] | None = Field(
        default=None,
        description="'answered': the documents did not answer this travel question and the answer comes "
        "from a web search (only when the server has one configured), citing [n] and the sources' urls",
    )
