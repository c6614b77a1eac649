"""The prompt-injection and jailbreak detector: attack patterns, then a TF-IDF linear model.

A message is an attack when a high-precision rule fires (`agents.guards.rules`) on any detection
view, or when the model's attack probability on any view reaches the threshold chosen at training.
Long messages are also scored window by window, so an instruction buried in a pasted document is
not diluted by the document around it.

The model is the intent classifier's technique with two labels (`benign`, `attack`): the artifact
has the same layout, so `agents.intent_model.IntentModel` loads it and scores it with numpy only.
It is trained by `agents.guards.injection_train` on first use (the artifact name carries a hash of
the training data, so new data trains a new model).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from agents.guards.normalize import detection_views
from agents.guards.rules import mask_accounts, match
from agents.guards.verdict import PASS, PROMPT_INJECTION, GuardVerdict
from agents.intent_model import IntentModel

ATTACK = "attack"
# Messages longer than this are also scored in windows of about this many characters.
WINDOW_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n；;])|(?<=[.:])\s+")


class Detection(NamedTuple):
    attack: bool
    score: float  # the model's highest attack probability over views and windows
    rule: str | None  # "<family>:<matched text>" when a rule fired


def windows(text: str, size: int = WINDOW_CHARS) -> list[str]:
    """Sentence-aligned windows of about `size` characters, each starting about size/2 after the last.

    Only for text longer than `size`. The half overlap keeps an instruction that straddles one
    window's edge whole in the next, and the total scored is about twice the text.
    """
    if len(text) <= size:
        return []
    half = size // 2
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    chosen: list[int] = []
    for start in [*starts, len(text)]:
        # Sentences longer than a window are cut: every stretch of text is in some window.
        while chosen and start - chosen[-1] > size:
            chosen.append(chosen[-1] + half)
        if not chosen or start - chosen[-1] >= half:
            chosen.append(start)
    return [text[i : i + size] for i in chosen if i < len(text) and text[i : i + size].strip()]


class InjectionDetector:
    """Rules + model over the detection views of one message."""

    name = PROMPT_INJECTION

    def __init__(self, model: IntentModel | None, threshold: float | None = None) -> None:
        self.model = model
        if model is not None and ATTACK not in model.labels:
            raise ValueError(f"not an injection model: labels {model.labels}")
        self._attack = model.labels.index(ATTACK) if model is not None else -1
        self.threshold = float(threshold if threshold is not None else (model.threshold if model else 1.0))

    def score(self, text: str) -> float:
        """The model's attack probability for one text as given (0.0 without a model)."""
        if self.model is None:
            return 0.0
        return float(self.model.predict_proba(text)[self._attack])

    def detect(self, raw: str, normalized: str, *, user_id: str | None = None) -> Detection:
        views = detection_views(raw, normalized)
        if hit := match(views, user_id):
            return Detection(True, 1.0, f"{hit.family}:{hit.pattern}")
        best = 0.0
        # Account ids are the rules' business (they know the caller); the model sees them masked.
        for view in dict.fromkeys(mask_accounts(v) for v in views):
            for piece in [view, *windows(view)]:
                best = max(best, self.score(piece))
                if best >= self.threshold:
                    return Detection(True, best, None)
        return Detection(False, best, None)

    def check(self, raw: str, normalized: str, *, user_id: str | None = None) -> GuardVerdict:
        found = self.detect(raw, normalized, user_id=user_id)
        if not found.attack:
            return PASS
        reason = f"rule:{found.rule.split(':', 1)[0]}" if found.rule else f"model:{found.score:.2f}"
        return GuardVerdict(False, PROMPT_INJECTION, reason)


@lru_cache(maxsize=8)
def load_injection_model(model_dir: Path) -> IntentModel:
    """The detector's model for the current data and code, trained into `model_dir` on first use."""
    from agents.guards.injection_train import artifact_name, train_model

    path = Path(model_dir) / artifact_name()
    if not path.exists():
        train_model(Path(model_dir))
    return IntentModel.load(path)
