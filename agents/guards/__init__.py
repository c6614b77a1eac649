"""The guard stack: input guards before the router, output guards after the specialists.

    check = build_input_guard(settings).check(raw)          # InputCheck(verdict, text, message)
    if not check.verdict.allowed: reply with check.message[language]; state["guardrail"] = check.verdict.guardrail
    out = build_output_guard(settings).check(reply, own_text=..., allowed_ids=...)   # OutputCheck(reply, verdict, redactions)

Before a write (a complaint, a seat booking, a cancellation proposal): `build_input_guard(settings).check_before_write(text)`,
the same guards at their stricter write thresholds.

Modules (one job each): `verdict` (typed results), `normalize` (Unicode normalisation and the
de-obfuscated views detectors read), `rules` (high-precision attack patterns), `concepts` (concept
tags the models read), `features` (what the models read, shared with their training in the
`training` package), `injection` (the attack detector: rules + the injection and social models,
numpy only), `abuse` (lexicon + the abuse model), `harm_rules` (harmful asks of an unambiguous
shape, read in context), `harm` (harmful requests by meaning: the semantic harm head over the
shared sentence vector), `pii` (redaction), `leak` (system-prompt
leaks), `input_guard` and `output_guard` (composition, fail closed). See docs/guards.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from agents.guards.abuse import AbuseGuard
from agents.guards.input_guard import AbuseStep, InjectionStep, InputGuard, TextGuard
from agents.guards.output_guard import OutputGuard, ids_in_facts
from agents.guards.verdict import GuardVerdict, InputCheck, OutputCheck

if TYPE_CHECKING:
    from agents.semantic import SharedEncoder
    from switchboard.settings import Settings

__all__ = [
    "GuardVerdict",
    "InputCheck",
    "InputGuard",
    "OutputCheck",
    "OutputGuard",
    "build_input_guard",
    "build_output_guard",
    "ids_in_facts",
]


def build_input_guard(
    settings: Settings,
    *,
    capabilities: Mapping[str, str] | None = None,
    encoder: SharedEncoder | None = None,
    legitimate: Callable[[str], bool] | None = None,
) -> InputGuard:
    """The input stack for `settings`, with the models `make install` built into `settings.model_dir`.

    `encoder` is the turn's shared sentence encoder (the process's local one by default): the harm
    guard reads the same vector of a message as the router. `legitimate` says whether a text is a
    request the assistant serves (the router's confident in-domain label): with it, an injected
    instruction that separates from such a request is dropped and the request served.
    """
    from agents.guards.harm import load_harm_guard
    from agents.guards.harm_rules import HarmRules
    from agents.guards.injection import InjectionDetector, load_guard_model

    injection = load_guard_model(settings.model_dir, "injection")
    social = load_guard_model(settings.model_dir, "social")
    abuse = load_guard_model(settings.model_dir, "abuse")

    def steps(strict: bool) -> list[TextGuard]:
        detector = InjectionDetector(injection.model, social=social, strict=strict)
        harm = load_harm_guard(settings.model_dir, encoder, strict=strict)
        return [InjectionStep(detector), AbuseStep(AbuseGuard(abuse, strict=strict)), HarmRules(), harm]

    return InputGuard(
        steps(False),
        max_chars=settings.max_input_chars,
        write_guards=steps(True),
        capabilities=capabilities,
        legitimate=legitimate,
    )


def build_output_guard(settings: Settings, *, protected: tuple[str, ...] = ()) -> OutputGuard:
    """The output stack: the product's prompts (and `protected` extras) must never appear in a reply."""
    from agents.guards.leak import LeakGuard, prompts_in_source

    return OutputGuard(LeakGuard([*prompts_in_source(), *protected]))
