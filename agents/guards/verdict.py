"""Typed results of the guard stack: one verdict per guard, one check result per stack.

Every guard returns a `GuardVerdict`; the composed stacks return an `InputCheck` (before the router)
or an `OutputCheck` (after the specialists). The names are the values the `guardrail` field of the
state and the `--json` output carry (CONTRACTS §2: `{"name": str, "reason": str}`).
"""

from __future__ import annotations

from typing import Final, NamedTuple

INPUT_VALIDATION: Final = "input_validation"  # reasons: empty, too_long, binary (agents.guards.validation)
PROMPT_INJECTION: Final = "prompt_injection"  # reasons: rule:<family> or model
ABUSE: Final = "abuse"  # reasons: insult, threat, harassment, unsafe_request
OUTPUT_PII: Final = "output_pii"  # allowed, reason lists the kinds redacted
PROMPT_LEAK: Final = "prompt_leak"  # reasons: prompt_text, marker
GUARD_ERROR: Final = "guard_error"  # reason: "<guard>: <exception class>"


class GuardVerdict(NamedTuple):
    """What one guard (or a whole stack) decided about one message."""

    allowed: bool
    name: str | None = None
    reason: str | None = None

    @property
    def guardrail(self) -> dict[str, str] | None:
        """The `guardrail` field of the state: None when the message passed untouched."""
        if self.name is None:
            return None
        return {"name": self.name, "reason": str(self.reason or "")}


PASS: Final = GuardVerdict(True)


class InputCheck(NamedTuple):
    """The input stack's result: the verdict, the normalised text and, when blocked, the reply."""

    verdict: GuardVerdict
    text: str
    message: dict[str, str] | None = None  # {"zh": ..., "en": ...}: the polite reply when blocked


class OutputCheck(NamedTuple):
    """The output stack's result: the reply to send (redacted or replaced), the verdict, what was redacted."""

    reply: str
    verdict: GuardVerdict
    redactions: list[str]
