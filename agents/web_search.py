"""Web search for travel questions the documents do not answer (Tavily, via langchain-tavily).

Used only when configured (`TAVILY_API_KEY`; `SWITCHBOARD_WEB_SEARCH_URL` points it at another
server, a proxy or a test double) and only by the knowledge specialist, after its own documents
found nothing, for questions about travel (`is_travel_question`). Fetched pages are data, never
instructions: every sentence of a result passes the input guards before any engine reads it. A
page with a sentence that matches an attack rule (an instruction to the assistant, a persona
switch, ...) is dropped whole; a sentence that only the guard models refuse, or that addresses an
assistant (`tools.knowledge.sanitize`), is removed and the rest of the page kept. The models were
trained on chat messages, so on web text they also remove some harmless sentences (on the test
fixtures, 2 of 13: a visa rule read as an injection, a passport rule as a request for other
people's data); they lose a sentence, never let one through.

langchain-tavily sends its request without a timeout, so a search runs in a daemon thread and is
abandoned after `SWITCHBOARD_WEB_SEARCH_TIMEOUT_S`: a server that never answers costs the turn that
long and never holds the process.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from switchboard.errors import ToolError
from switchboard.settings import Settings
from tools.knowledge.sanitize import is_instruction

log = logging.getLogger(__name__)

MAX_CONTENT_CHARS = 1200  # of one result, before the guards read it
MAX_TITLE_CHARS = 160
# A question is about travel when it names one of these (the documents already failed it; the
# router sent it to the knowledge desk). Words, matched whole in English, as substrings in Chinese.
TRAVEL_WORDS_EN = (
    "flight|flights|fly|flying|airline|airlines|airport|airports|terminal|gate|boarding|board|plane|"
    "aircraft|baggage|luggage|bag|bags|suitcase|carry-on|check-in|passport|visa|visas|customs|"
    "immigration|transit|layover|connection|lounge|seat|seats|ticket|tickets|fare|fares|trip|travel|"
    "traveling|travelling|traveller|traveler|destination|jet lag|duty-free|duty free|security check"
)
_TRAVEL_EN = re.compile(rf"\b({TRAVEL_WORDS_EN})\b", re.I)
_TRAVEL_ZH = re.compile(
    r"航班|航空|机场|登机|飞机|飞行|行李|托运|护照|签证|海关|入境|出境|过境|转机|中转|候机|值机|"
    r"机票|座位|旅行|旅游|出行|目的地|免税|安检|时差|航站楼"
)
_SENTENCES = re.compile(r"(?<=[.!?。！？])\s*")
_SPACE = re.compile(r"\s+")


def is_travel_question(question: str) -> bool:
    """Whether `question` is about travel (the only questions web search may answer)."""
    return bool(_TRAVEL_EN.search(question) or _TRAVEL_ZH.search(question))


@dataclass(frozen=True)
class WebResult:
    """One search result as the answer may use it: guarded, trimmed, instruction-free text."""

    title: str
    url: str
    content: str


@dataclass(frozen=True)
class WebSearchOutcome:
    results: list[WebResult]  # usable results, best first
    dropped: int  # results the guards refused (a page that tried to instruct the assistant, ...)


# (text) -> None when the guards pass it, else their reason ("rule:injection", "model:social:0.9",
# ...); given by whoever builds the search (the input guard).
GuardCheck = Callable[[str], str | None]


def _clean(text: object, limit: int) -> str:
    return _SPACE.sub(" ", str(text or "")).strip()[:limit]


class WebSearch:
    """Searches the web through a LangChain tool and returns guarded results."""

    def __init__(self, tool: Any, *, guard: GuardCheck, timeout_s: float, max_results: int = 3) -> None:
        self.tool = tool
        self.guard = guard
        self.timeout_s = timeout_s
        self.max_results = max_results

    def search(self, query: str) -> WebSearchOutcome:
        """Results for `query`; ToolError when the search fails or times out."""
        raw = self._call(query)
        results: list[WebResult] = []
        dropped = 0
        for item in raw.get("results") or []:
            if not isinstance(item, dict):
                continue
            url = _clean(item.get("url"), 500)
            if not url.startswith(("https://", "http://")):
                continue
            result = self._guarded(url, item)
            if result is None:
                dropped += 1
                log.warning("web result dropped by the guards: %s", url)
            elif result.content:
                results.append(result)
            if len(results) >= self.max_results:
                break
        return WebSearchOutcome(results, dropped)

    def _guarded(self, url: str, item: dict[str, Any]) -> WebResult | None:
        """The result with the sentences the guards pass; None when the page attacks (a rule hit)."""
        title = _clean(item.get("title"), MAX_TITLE_CHARS)
        sentences = [s for s in _SENTENCES.split(_clean(item.get("content"), MAX_CONTENT_CHARS)) if s.strip()]
        verdicts = [self.guard(text) for text in [title, *sentences]]
        if any(reason is not None and reason.startswith("rule:") for reason in verdicts):
            return None
        kept = [
            s
            for s, reason in zip(sentences, verdicts[1:], strict=True)
            if reason is None and not is_instruction(s)
        ]
        title = title if title and verdicts[0] is None and not is_instruction(title) else url
        return WebResult(title=title, url=url, content=" ".join(kept))

    def _call(self, query: str) -> dict[str, Any]:
        answers: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                answers.put((True, self.tool.invoke({"query": query})))
            except Exception as exc:  # noqa: BLE001 - handed to the caller as a ToolError
                # The tool raises ToolException for an empty result list: no results, not a failure.
                empty = type(exc).__name__ == "ToolException" and "No search results" in str(exc)
                answers.put((True, {"results": []}) if empty else (False, exc))

        threading.Thread(target=work, name="web-search", daemon=True).start()
        try:
            ok, value = answers.get(timeout=self.timeout_s)
        except queue.Empty:
            raise ToolError(f"web search gave no answer within {self.timeout_s:g} s") from None
        if not ok:
            raise ToolError(f"web search failed: {value}") from value
        if isinstance(value, str):  # the tool reports its own failures as text
            if value.startswith("No search results"):
                return {"results": []}
            raise ToolError(f"web search failed: {value[:200]}")
        if not isinstance(value, dict) or "error" in value:
            raise ToolError(f"web search failed: {str(value)[:200]}")
        return value


def build_web_search(settings: Settings, guard: GuardCheck) -> WebSearch | None:
    """The configured web search, or None when `TAVILY_API_KEY` is not set."""
    if not settings.web_search_enabled:
        return None
    from langchain_tavily import TavilySearch

    assert settings.tavily_api_key is not None
    tool = TavilySearch(
        tavily_api_key=settings.tavily_api_key.get_secret_value(),
        api_base_url=settings.web_search_url,
        max_results=settings.web_search_max_results,
        topic="general",
        include_answer=False,
        include_raw_content=False,
    )
    return WebSearch(
        tool,
        guard=guard,
        timeout_s=settings.web_search_timeout_s,
        max_results=settings.web_search_max_results,
    )
