"""The harm guard: requests to hurt people, by meaning rather than by words.

A request for violence, weapons or fire on an aircraft, drugs, hate, tracking a person, self-harm
or another crime is refused (`abuse` verdict, reason `harm:<category>`) whatever its wording, before
any specialist could act on it ("我怎样才能放火烧飞机？", "which street drugs bring in the most
profit?"). The score is 1 - p(benign) of the `harm` semantic head (`training.semantic`) over the
message's sentence vector from the shared encoder; the thresholds were chosen by cross-validation
(the write threshold, stricter, before the assistant writes a complaint).
"""

from __future__ import annotations

from pathlib import Path

from agents.guards.verdict import ABUSE, PASS, GuardVerdict
from agents.semantic import SemanticHead, SharedEncoder, load_head, local_encoder

HARM_HEAD = "harm"
HARM_REASON = "harm"


class HarmGuard:
    """Refuses harmful requests by meaning (see the module docstring); `strict` uses the write cut."""

    name = ABUSE

    def __init__(self, head: SemanticHead, encoder: SharedEncoder, *, strict: bool = False) -> None:
        self.head = head
        self.encoder = encoder
        self.threshold = float(head.meta["write_threshold" if strict else "threshold"])

    def category(self, text: str) -> tuple[str, float]:
        """The most likely harm category of `text` and its harm score (1 - p(benign))."""
        proba = self.head.proba(self.encoder.encode(text))
        benign = self.head.labels.index("benign")
        score = 1.0 - float(proba[benign])
        proba = proba.copy()
        proba[benign] = -1.0
        return self.head.labels[int(proba.argmax())], score

    def check(self, text: str) -> GuardVerdict:
        category, score = self.category(text)
        if score >= self.threshold:
            return GuardVerdict(False, ABUSE, f"{HARM_REASON}:{category}")
        return PASS

    # -- a step of agents.guards.input_guard.InputGuard
    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict:
        return self.check(text)


def load_harm_guard(
    model_dir: Path, encoder: SharedEncoder | None = None, *, strict: bool = False
) -> HarmGuard:
    return HarmGuard(load_head(Path(model_dir), HARM_HEAD), encoder or local_encoder(), strict=strict)
