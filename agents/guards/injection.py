"""The attack detector: attack patterns, then the injection model, then the social-engineering model.

A message is an attack when a high-precision rule fires (`agents.guards.rules`) on any detection
view, or when a model's attack probability on any view reaches its threshold: the `injection`
model (instruction overrides, personas, prompt leaking, SQL) or the `social` model (another
person's data, claimed privileges and favours). Long messages are also scored window by window, so
an instruction buried in a pasted document is not diluted by the document around it.

The models are the intent classifier's technique with two labels: the artifacts have its layout,
so `agents.intent_model.IntentModel` loads them and scores them with numpy only. The `training`
package trains them and `make install` builds them; a missing one is a one-line error, never a
training run. `GuardModel` is one loaded model with what it needs to read a text
(`agents.guards.features.model_text`: account ids masked, concept tags when it was trained with
them) and its thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from agents.guards.features import featuriser_id, model_text
from agents.guards.normalize import detection_views
from agents.guards.rules import match
from agents.guards.verdict import PASS, PROMPT_INJECTION, GuardVerdict
from agents.intent_model import IntentModel, load_artifact

ATTACK = "attack"
# Messages longer than this are also scored in windows of about this many characters.
WINDOW_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n；;])|(?<=[.:])\s+")
# An instruction is made of words: a message without a Latin word of two letters or a CJK character
# ("8A", "12", "+1") is a code or a number, which the character n-gram models score on too little
# text to mean anything (a bare "8A" scored 0.59 at the write threshold and a seat pick was refused).
_WORD = re.compile(r"[^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class Detection(NamedTuple):
    attack: bool
    score: float  # the highest blocking probability of the model that decided (or of the injection model)
    rule: str | None  # "<family>:<matched text>" when a rule fired
    model: str | None = None  # "injection" | "social" when a model decided


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


class GuardModel:
    """One trained guard model: how it reads a text, its blocking probability, its thresholds."""

    def __init__(self, model: IntentModel, *, positive: str | None = None) -> None:
        positive = positive or next((label for label in model.labels if label != "benign"), "")
        if positive not in model.labels or len(model.labels) != 2:
            raise ValueError(f"not a guard model: labels {model.labels}")
        self.model = model
        self.name = str(model.meta.get("kind", "injection"))
        self.tags = bool(model.meta.get("tags", False))
        self.threshold = float(model.threshold)
        self.write_threshold = float(model.meta.get("write_threshold", model.threshold))
        self._positive = model.labels.index(positive)

    def score(self, text: str) -> float:
        """The blocking probability of one (lower-cased detection view of a) text."""
        return float(self.model.predict_proba(model_text(text, tags=self.tags))[self._positive])

    def best(self, views: Iterable[str], stop_at: float = 1.1) -> float:
        """The highest score over `views` and their windows; stops early once `stop_at` is reached."""
        best = 0.0
        for view in dict.fromkeys(views):
            for piece in [view, *windows(view)]:
                best = max(best, self.score(piece))
                if best >= stop_at:
                    return best
        return best


class InjectionDetector:
    """Rules + models over the detection views of one message."""

    name = PROMPT_INJECTION

    def __init__(
        self,
        model: IntentModel | None,
        threshold: float | None = None,
        *,
        social: GuardModel | None = None,
        strict: bool = False,
    ) -> None:
        self.injection = GuardModel(model, positive=ATTACK) if model is not None else None
        self.social = social
        self.strict = strict  # the write thresholds (before the assistant writes a complaint)
        if self.injection is None:
            self.threshold = float(threshold if threshold is not None else 1.0)
        elif threshold is not None:
            self.threshold = float(threshold)
        else:
            self.threshold = self.injection.write_threshold if strict else self.injection.threshold

    def score(self, text: str) -> float:
        """The injection model's attack probability for one text as given (0.0 without a model)."""
        return self.injection.score(text) if self.injection is not None else 0.0

    def detect(self, raw: str, normalized: str, *, user_id: str | None = None) -> Detection:
        views = detection_views(raw, normalized)
        if hit := match(views, user_id):
            return Detection(True, 1.0, f"{hit.family}:{hit.pattern}")
        best = 0.0
        if not any(_WORD.search(view) for view in views):
            return Detection(False, best, None)
        if self.injection is not None:
            best = self.injection.best(views, stop_at=self.threshold)
            if best >= self.threshold:
                return Detection(True, best, None, "injection")
        if self.social is not None:
            cut = self.social.write_threshold if self.strict else self.social.threshold
            social = self.social.best(views, stop_at=cut)
            if social >= cut:
                return Detection(True, social, None, "social")
        return Detection(False, best, None)

    def check(self, raw: str, normalized: str, *, user_id: str | None = None) -> GuardVerdict:
        found = self.detect(raw, normalized, user_id=user_id)
        if not found.attack:
            return PASS
        if found.rule:
            return GuardVerdict(False, PROMPT_INJECTION, f"rule:{found.rule.split(':', 1)[0]}")
        return GuardVerdict(False, PROMPT_INJECTION, f"model:{found.model}:{found.score:.2f}")


@lru_cache(maxsize=16)
def load_guard_model(model_dir: Path, name: str) -> GuardModel:
    """The guard model `name` (injection | social | abuse) built into `model_dir`; cached per process."""
    model = load_artifact(Path(model_dir), name, lambda m: featuriser_id(bool(m.meta.get("tags", False))))
    return GuardModel(model)


def load_injection_model(model_dir: Path) -> IntentModel:
    """The injection model's `IntentModel` (what `InjectionDetector` takes)."""
    return load_guard_model(Path(model_dir), "injection").model
