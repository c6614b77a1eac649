"""The output stack: prompt-leak check, then personal-data redaction, failing closed.

`OutputGuard.check(reply, own_text=..., allowed_ids=...)` returns an `OutputCheck`:
- a reply that copies a protected prompt is replaced by a polite refusal (`prompt_leak`, blocked);
- other people's personal data and ids are masked (`output_pii`, allowed, reason = kinds masked);
- a guard that raises replaces the reply with a safe apology (`guard_error`, blocked).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from agents.guards.leak import LeakGuard
from agents.guards.pii import redact
from agents.guards.verdict import GUARD_ERROR, OUTPUT_PII, PASS, GuardVerdict, OutputCheck
from switchboard.text import detect_language

logger = logging.getLogger("switchboard.guards")

LEAK_REPLY = {
    "zh": "抱歉，这部分内容我无法提供。还有什么可以帮您？",
    "en": "Sorry, I can't share that. Is there anything else I can help with?",
}
ERROR_REPLY = {
    "zh": "抱歉，我暂时无法安全地给出这条回复，请稍后再试。",
    "en": "Sorry, I can't safely give that answer right now. Please try again in a moment.",
}


class PiiStep:
    """Adapter: redaction as a step of the output stack."""

    name = OUTPUT_PII

    def redact(
        self, reply: str, own_text: str, allowed_ids: set[str], language: str
    ) -> tuple[str, list[str]]:
        result = redact(reply, own_text=own_text, allowed_ids=allowed_ids, language=language)
        return result.text, result.kinds


class OutputGuard:
    """The composed output stack; see the module docstring."""

    def __init__(self, leak: LeakGuard, pii: PiiStep | None = None) -> None:
        self.leak = leak
        self.pii = pii or PiiStep()

    def check(
        self, reply: str, *, own_text: str, allowed_ids: Iterable[str], language: str | None = None
    ) -> OutputCheck:
        """Examine one reply. `language` picks the replacement's language (default: the reply's own)."""
        lang = (
            language
            or detect_language(reply if isinstance(reply, str) else "")
            or detect_language(own_text or "")
            or "en"
        )
        try:
            if not isinstance(reply, str):
                raise TypeError(f"a reply must be text, not {type(reply).__name__}")
            verdict = self.leak.check(reply)
            if not isinstance(verdict, GuardVerdict):
                raise TypeError(f"{self.leak.name} returned {type(verdict).__name__}, not a GuardVerdict")
            if not verdict.allowed:
                logger.warning("reply blocked by %s: %s", verdict.name, verdict.reason)
                return OutputCheck(LEAK_REPLY[_lang(lang)], verdict, [])
            text, kinds = self.pii.redact(reply, own_text or "", set(allowed_ids or ()), _lang(lang))
        except Exception as exc:  # noqa: BLE001 - fail closed: an unexamined reply is never sent
            logger.error("output guard failed, replacing the reply: %r", exc)
            return OutputCheck(
                ERROR_REPLY[_lang(lang)],
                GuardVerdict(False, GUARD_ERROR, f"output: {type(exc).__name__}"),
                [],
            )
        if kinds:
            reason = ",".join(dict.fromkeys(kinds))
            return OutputCheck(text, GuardVerdict(True, OUTPUT_PII, reason), kinds)
        return OutputCheck(text, PASS, [])


def ids_in_facts(facts: Iterable[Any]) -> set[str]:
    """Booking and complaint ids in tool results: the tools return only the caller's records, so the
    caller may see these (an `allowed_ids` source for `OutputGuard.check`). `quoted_codes` are codes
    a reply quotes from the product's own documents ("for example ABC123"): no one's data."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("confirmation_number", "complaint_id") and isinstance(item, str):
                    found.add(item.upper())
                if key == "quoted_codes" and isinstance(item, list):
                    found.update(str(code).upper() for code in item)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(list(facts))
    return found


def _lang(language: str) -> str:
    return "zh" if language == "zh" else "en"
