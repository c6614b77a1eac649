"""Messages that mix a request with something else: which part to serve, and where it goes.

"My suitcase came off the belt cracked on FL123. Also, how can I back up my documents folder?"
reads as half a complaint and half an unrelated question, so the whole message scores unsure. Cut
into sentences (`agents.guards.separate.sentences`), the request stands out: one sentence is
confidently a complaint, the other confidently out of scope. `route_by_parts` then sends the
message to the one intent its confident parts agree on, and `served_text` keeps only what that
specialist serves, so an unrelated or instructing sentence is never answered or stored (a
complaint is filed without it).
"""

from __future__ import annotations

from typing import Protocol

from agents.guards.separate import sentences
from agents.intent_model import IntentPrediction

OUT_OF_SCOPE = frozenset({"irrelevant", "greeting"})
MAX_PARTS = 8  # a longer message is not a mixed request but a document: judged whole


class Classifier(Protocol):
    threshold: float

    def predict(self, text: str) -> IntentPrediction: ...


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in sentences(text, commas=False)]
    return [p for p in parts if p] if 2 <= len(parts) <= MAX_PARTS else []


def route_by_parts(text: str, model: Classifier) -> IntentPrediction | None:
    """The one in-scope intent the confident parts of `text` agree on, when the other confident
    parts are out of scope (unsure fragments do not count); None when it does not split that way."""
    sure = [p for p in (model.predict(part) for part in _parts(text)) if p.confidence >= model.threshold]
    in_scope = {p.label for p in sure if p.label not in OUT_OF_SCOPE}
    if len(in_scope) != 1 or not any(p.label in OUT_OF_SCOPE for p in sure):
        return None
    label = in_scope.pop()
    best = max(p.confidence for p in sure if p.label == label)
    return IntentPrediction(label, best, {label: best})


def served_text(text: str, intent: str, model: Classifier) -> tuple[str, list[str]]:
    """(the parts of `text` that belong to `intent`'s request, the parts left out).

    A part is left out when it is confidently out of scope; when nothing would be left, or the
    message does not split, the text is kept whole.
    """
    parts = _parts(text)
    if not parts:
        return text, []
    dropped = []
    kept = []
    for part in parts:
        prediction = model.predict(part)
        if (
            prediction.label in OUT_OF_SCOPE
            and prediction.label != intent
            and prediction.confidence >= model.threshold
        ):
            dropped.append(part)
        else:
            kept.append(part)
    if not kept or not dropped:
        return text, []
    joined = "".join(kept) if any("\u4e00" <= ch <= "\u9fff" for ch in text) else " ".join(kept)
    return joined.strip(" ,，;；"), dropped
