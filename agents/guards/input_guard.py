"""The input stack: validation -> normalisation -> attack detector -> abuse, failing closed.

`InputGuard.check(raw)` returns an `InputCheck`: the first blocking verdict (or a pass), the
normalised text the router should read, and the polite bilingual reply when blocked. Validation
(`agents.guards.validation`) names its verdict `input_validation`, reasons `empty`, `too_long`, `binary`.
A guard that raises blocks the message with `guard_error`: an unexamined message is never passed.
A message the injection model (not a rule) blocked is given one more chance: when the injected
instruction separates from a legitimate request (`agents.guards.separate`), the check passes with
the request alone as `text` and the verdict `injection_dropped` (allowed, noted in `guardrail`).

`InputGuard.check_before_write(text)` runs the same guards at their write thresholds (stricter):
a specialist about to write (a complaint, a seat booking, a cancellation proposal) asks it first,
so a message the guards found borderline is not acted on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from agents.guards.harm import HarmGuard
from agents.guards.harm_rules import HarmRules
from agents.guards.normalize import detection_views, normalize_input
from agents.guards.separate import DROPPED, droppable, sentences, separate

if TYPE_CHECKING:
    from agents.guards.abuse import AbuseGuard
    from agents.guards.injection import InjectionDetector
from agents.guards.validation import MESSAGES as VALIDATION_MESSAGES
from agents.guards.validation import check_input
from agents.guards.verdict import (
    ABUSE,
    GUARD_ERROR,
    INPUT_VALIDATION,
    PASS,
    PROMPT_INJECTION,
    GuardVerdict,
    InputCheck,
)

logger = logging.getLogger("switchboard.guards")
SELF_HARM_REASON = "harm:self_harm"  # agents.guards.harm: the one block answered with helplines

# The refusals that offer help instead end with the assistant's capabilities (from the
# specialist registry, given by whoever builds the guard), e.g. "I can check flight status, ...".
INJECTION_REPLY = {
    "zh": "抱歉，我无法执行这个请求。",
    "en": "Sorry, I can't act on that request. ",
}
# Another person's data, a claimed role or privilege: say what the assistant can do instead.
SOCIAL_REPLY = {
    "zh": "抱歉，出于隐私和安全考虑，我只能查询和办理您本人账户下的预订，也不能跳过核验或给予未经授权的优惠和权限。如需办理您自己的业务，请告诉我航班号或确认号。",
    "en": "Sorry, for privacy and security I can only look up and change bookings on your own account, and I can't skip checks or grant discounts or privileges that aren't authorised. Tell me your flight or confirmation number and I'll help with your own booking.",
}
SOCIAL_REASONS = ("rule:exfiltration", "model:social")
ABUSE_REPLIES = {
    "insult": {
        "zh": "我理解您可能很着急，我很想帮您解决问题。请文明交流，告诉我发生了什么或需要办理什么，我马上处理。",
        "en": "I understand you may be frustrated, and I want to help. Please keep it respectful and tell me what happened or what you need, and I'll take care of it.",
    },
    "threat": {
        "zh": "涉及人身或飞行安全的威胁我无法继续处理。如遇紧急情况，请立即联系现场工作人员或拨打 110。",
        "en": "I can't continue with messages that threaten people or flight safety. If there is an emergency, please contact airport staff or the police right away.",
    },
    "unsafe_request": {
        "zh": "抱歉，我不能提供这方面的帮助。如需了解可以携带哪些物品，我可以为您说明危险品和行李规定。",
        "en": "Sorry, I can't help with that. If you'd like to know what you may carry, I can explain the dangerous-goods and baggage rules.",
    },
    # The harm guard (agents.guards.harm): reasons "harm:<category>".
    "harm": {
        "zh": "抱歉，我不能提供可能伤害他人或违法的帮助。如果您有航班、订座、退改或车辆库存方面的问题，我很乐意协助。",
        "en": "Sorry, I can't help with anything that could hurt people or break the law. I'm glad to help with flights, bookings, refunds or our vehicle stock.",
    },
    "harm:self_harm": {
        "zh": "听起来您现在很难受，我很抱歉。您并不孤单：请尽快联系身边信任的人，或拨打心理援助热线（全国 12356，或北京 010-82951332）；如有危险请拨打 120 或 110。",
        "en": "I'm really sorry you're feeling this way. You don't have to go through it alone: please reach out to someone you trust or a crisis line (in the US call or text 988; elsewhere your local emergency number) right away.",
    },
}
ABUSE_REPLIES["slur"] = ABUSE_REPLIES["insult"]
ABUSE_REPLIES["harassment"] = {
    "zh": "请保持文明交流。",
    "en": "Please keep our conversation respectful. ",
}
# Abuse replies that end with what the assistant can do.
ABUSE_OFFERS_HELP = frozenset({"harassment"})
# What is kept of a message with an injected part must score under this share of the injection
# threshold, whole and sentence by sentence: clearly clean, not merely under the line.
CLEAN_FRACTION = 0.5
ERROR_REPLY = {
    "zh": "抱歉，系统暂时无法安全地处理您的消息，请稍后再试。",
    "en": "Sorry, I can't safely process your message right now. Please try again in a moment.",
}


class TextGuard(Protocol):
    """A guard over one message: its detection views (and the raw and normalised text)."""

    name: str

    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict: ...


class InjectionStep:
    """Adapter: the injection detector as a step of the stack."""

    name = PROMPT_INJECTION

    def __init__(self, detector: InjectionDetector) -> None:
        self.detector = detector

    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict:
        return self.detector.check(raw, text, user_id=user_id)


class AbuseStep:
    name = ABUSE

    def __init__(self, guard: AbuseGuard) -> None:
        self.guard = guard

    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict:
        return self.guard.check(views)


def block_message(
    verdict: GuardVerdict, max_chars: int, capabilities: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The polite reply, in both languages, for a blocking verdict."""
    offer = dict(capabilities or {"zh": "", "en": ""})
    if verdict.name == INPUT_VALIDATION:
        zh, en = VALIDATION_MESSAGES[str(verdict.reason)]
        return {"zh": zh.format(limit=max_chars), "en": en.format(limit=max_chars)}
    if verdict.name == PROMPT_INJECTION:
        if str(verdict.reason or "").startswith(SOCIAL_REASONS):
            return dict(SOCIAL_REPLY)
        return {language: (INJECTION_REPLY[language] + offer[language]).strip() for language in offer}
    if verdict.name == ABUSE:
        reason = str(verdict.reason)
        if reason.startswith("harm:"):
            return dict(ABUSE_REPLIES.get(reason, ABUSE_REPLIES["harm"]))
        reply = ABUSE_REPLIES.get(reason, ABUSE_REPLIES["insult"])
        if reason in ABUSE_OFFERS_HELP:
            return {language: (reply[language] + offer[language]).strip() for language in offer}
        return dict(reply)
    return dict(ERROR_REPLY)


class InputGuard:
    """The composed input stack; see the module docstring.

    `write_guards` are the same guards at their write thresholds (default: `guards` themselves);
    `capabilities` ({"zh": ..., "en": ...}) end the refusals that offer help instead.
    """

    def __init__(
        self,
        guards: Sequence[TextGuard],
        *,
        max_chars: int,
        write_guards: Sequence[TextGuard] | None = None,
        capabilities: Mapping[str, str] | None = None,
        legitimate: Callable[[str], bool] | None = None,
    ) -> None:
        self.guards = list(guards)
        self.legitimate = legitimate  # a request the assistant serves (None: nothing is separated)
        self.capabilities = capabilities
        self.write_guards = list(write_guards) if write_guards is not None else self.guards
        self.max_chars = max_chars

    def check(self, raw: str, *, user_id: str | None = None) -> InputCheck:
        """Examine one message. `user_id` (from the run's context) lets the caller name their own account."""
        if isinstance(raw, str) and len(raw) > self.max_chars:
            # Decided before any work on the text: a huge message costs nothing to refuse.
            return self._blocked(GuardVerdict(False, INPUT_VALIDATION, "too_long"), "")
        try:
            if not isinstance(raw, str):
                raise TypeError(f"a message must be text, not {type(raw).__name__}")
            text = normalize_input(raw)
            validation = check_input(raw, text, self.max_chars)
            if not validation.allowed:
                return self._blocked(validation, "")
            views = detection_views(raw, text)
        except Exception as exc:  # noqa: BLE001 - fail closed: a message that cannot be examined is blocked
            return self._failed("normalize", exc, "")
        result = self._run(self.guards, raw, text, views, user_id)
        if not result.verdict.allowed and result.verdict.name == PROMPT_INJECTION:
            return self._separated(text, result.verdict, user_id) or result
        return result

    def check_before_write(self, text: str, *, user_id: str | None = None) -> InputCheck:
        """Examine text that asks for a write (a complaint, a booking) with the stricter write thresholds."""
        try:
            if not isinstance(text, str):
                raise TypeError(f"a message must be text, not {type(text).__name__}")
            normalized = normalize_input(text[: self.max_chars])
            views = detection_views(text[: self.max_chars], normalized)
        except Exception as exc:  # noqa: BLE001 - fail closed: text that cannot be examined is not written
            return self._failed("normalize", exc, "")
        return self._run(self.write_guards, text, normalized, views, user_id)

    def _separated(self, text: str, verdict: GuardVerdict, user_id: str | None) -> InputCheck | None:
        """The legitimate part of a message with an injected instruction, when they separate
        (`agents.guards.separate`); None when the whole message stays refused.

        Only the injection model's verdict is separable, never a rule's or the social model's; what
        is kept must be a request the assistant serves (`legitimate`, the router's confident
        in-domain label) with every part of it well under the injection threshold.
        """
        detectors = [g.detector for g in self.guards if isinstance(g, InjectionStep)]
        if not detectors or self.legitimate is None or not droppable([verdict.reason]):
            return None
        detector = detectors[0]
        try:
            return self._separate_with(detector, text, user_id)
        except Exception as exc:  # noqa: BLE001 - separation is an extra chance; its failure keeps the block
            logger.error("separating an injected instruction failed, keeping the block: %r", exc)
            return None

    def _separate_with(self, detector: Any, text: str, user_id: str | None) -> InputCheck | None:
        views = detection_views(text, text)
        if detector.social is not None and detector.social.best(views) >= detector.social.threshold:
            return None  # a claimed privilege or someone else's data: never served in part
        clean = detector.threshold * CLEAN_FRACTION

        def is_attack(part: str) -> bool:
            return bool(detector.detect(part, normalize_input(part), user_id=user_id).attack)

        found = separate(text, is_attack)
        if found is None or not self.legitimate or not self.legitimate(found.kept):
            return None
        if any(detector.score(part) >= clean for part in [found.kept, *sentences(found.kept)]):
            return None
        again = self._run(
            self.guards, found.kept, found.kept, detection_views(found.kept, found.kept), user_id
        )
        if not again.verdict.allowed:
            return None
        logger.info("input: dropped %d injected part(s), serving the rest", len(found.dropped))
        return InputCheck(
            GuardVerdict(True, DROPPED, f"{len(found.dropped)} part(s) dropped"), found.kept, None
        )

    def _run(
        self, guards: Sequence[TextGuard], raw: str, text: str, views: list[str], user_id: str | None
    ) -> InputCheck:
        for guard in guards:
            try:
                verdict = guard.check_message(raw, text, views, user_id)
                if not isinstance(verdict, GuardVerdict):
                    raise TypeError(f"{guard.name} returned {type(verdict).__name__}, not a GuardVerdict")
            except Exception as exc:  # noqa: BLE001 - fail closed: any failure of a guard blocks
                return self._failed(guard.name, exc, text)
            if not verdict.allowed:
                verdict = self._self_harm_first(verdict, guards, raw, text, views, user_id)
                logger.info("input blocked by %s: %s", verdict.name, verdict.reason)
                return self._blocked(verdict, text)
        return InputCheck(PASS, text, None)

    @staticmethod
    def _self_harm_first(
        verdict: GuardVerdict,
        guards: Sequence[TextGuard],
        raw: str,
        text: str,
        views: list[str],
        user_id: str | None,
    ) -> GuardVerdict:
        """The harm guard's self-harm verdict for a message the abuse step blocked first.

        "怎么自杀最不痛苦" trips the abuse lexicon before the harm step reads it; the person asking
        needs the supportive reply with helplines, not "please keep our conversation respectful".
        Only abuse blocks are re-read (injection and validation verdicts stand as they are).
        """
        if verdict.name != ABUSE or verdict.reason == SELF_HARM_REASON:
            return verdict
        for guard in guards:
            if isinstance(guard, (HarmRules, HarmGuard)):
                try:
                    second = guard.check_message(raw, text, views, user_id)
                except Exception as exc:  # noqa: BLE001 - the first block stands
                    logger.error("re-reading a blocked message for self-harm failed: %r", exc)
                    return verdict
                if not second.allowed and second.reason == SELF_HARM_REASON:
                    return second
        return verdict

    def _blocked(self, verdict: GuardVerdict, text: str) -> InputCheck:
        return InputCheck(verdict, text, block_message(verdict, self.max_chars, self.capabilities))

    def _failed(self, guard: str, exc: BaseException, text: str) -> InputCheck:
        logger.error("input guard %s failed, blocking the message: %r", guard, exc)
        return self._blocked(GuardVerdict(False, GUARD_ERROR, f"{guard}: {type(exc).__name__}"), text)
