"""The router's model: the TF-IDF intent classifier blended with the semantic router head.

`BlendedIntentModel` has the interface of `agents.intent_model.IntentModel` (labels, threshold,
`predict`), so the router is unchanged: its probabilities are `w * p_tfidf + (1 - w) * p_semantic`
with the weight and the confidence threshold chosen by cross-validation at training time
(`training.semantic`). TF-IDF stays strong where words are exact (flight numbers, seats, codes);
the sentence embedding carries meaning the words of the training data do not (route and
schedule language, car shopping, out-of-scope requests that borrow the product's words).
The semantic head reads the message's vector from the shared encoder
(`agents.semantic.SharedEncoder`), the one the harm guard and knowledge retrieval read too.

`ScopeGate` is a second opinion on the turns the blend would send to a specialist: in scope or
not, read from the same vector and the blend's probabilities (no second encoder, one dot
product), trained by `training.scope` into the router head's artifact. `scope_refusal` applies it;
a message with exact evidence of a request of ours (`agents.scope_evidence`) is never refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from agents.intent_model import IntentModel, IntentPrediction, load_intent_model
from agents.scope_evidence import has_evidence
from agents.semantic import SemanticHead, SharedEncoder, load_head, local_encoder

ROUTER_HEAD = "router_semantic"


class ScopeGate:
    """Logistic regression: p(out of scope | sentence vector, blended router probabilities)."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, threshold: float) -> None:
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # (DIMENSIONS + labels, 2)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.threshold = threshold

    @classmethod
    def of(cls, head: SemanticHead) -> ScopeGate | None:
        """The gate stored in the router head's artifact, or None (an artifact without one)."""
        gate = head.meta.get("scope_gate")
        if gate is None or "scope_weights" not in head.extras:
            return None
        return cls(head.extras["scope_weights"], head.extras["scope_bias"], float(gate["threshold"]))

    def score(self, vector: np.ndarray, proba: np.ndarray) -> float:
        """p(out of scope)."""
        features = np.concatenate([np.asarray(vector, dtype=np.float32), np.asarray(proba, dtype=np.float32)])
        z = features @ self.weights + self.bias
        z = np.exp(z - z.max())
        return float(z[1] / z.sum())


class BlendedIntentModel:
    """The TF-IDF intent model blended with the semantic router head (see the module docstring)."""

    def __init__(self, tfidf: IntentModel, head: SemanticHead, encoder: SharedEncoder) -> None:
        if tuple(head.labels) != tuple(tfidf.labels):
            raise ValueError(f"label mismatch: {head.labels} vs {tfidf.labels}")
        self.tfidf = tfidf
        self.head = head
        self.encoder = encoder
        self.labels = tfidf.labels
        self.weight = float(head.meta["blend_tfidf_weight"])
        self.threshold = float(head.meta["threshold"])
        self.meta: dict[str, Any] = {**tfidf.meta, "semantic": head.meta}
        self.gate = ScopeGate.of(head)

    def predict_proba(self, text: str) -> np.ndarray:
        lexical = self.tfidf.predict_proba(text)
        if self.weight >= 1.0:
            return lexical
        semantic = self.head.proba(self.encoder.encode(text))
        blended: np.ndarray = self.weight * lexical + (1.0 - self.weight) * semantic
        return blended

    def predict(self, text: str) -> IntentPrediction:
        proba = self.predict_proba(text)
        best = int(proba.argmax())
        scores = {label: float(p) for label, p in zip(self.labels, proba, strict=True)}
        return IntentPrediction(self.labels[best], float(proba[best]), scores)

    def predict_many(self, texts: list[str]) -> list[IntentPrediction]:
        return [self.predict(text) for text in texts]

    def out_of_scope(self, text: str) -> float | None:
        """The gate's p(out of scope) for `text` (None without a gate). The vector is the turn's
        cached one and the TF-IDF part costs microseconds."""
        if self.gate is None:
            return None
        return self.gate.score(self.encoder.encode(text), self.predict_proba(text))


def scope_refusal(
    model: IntentModel | BlendedIntentModel, text: str, label: str, entities: dict[str, str]
) -> float | None:
    """The gate's score when it refuses `text`, which the router would send to `label`, as out of
    scope; else None (no gate, exact evidence of a request, or a score under the cut)."""
    if not isinstance(model, BlendedIntentModel) or model.gate is None:
        return None
    if has_evidence(text, label, entities):
        return None
    score = model.out_of_scope(text)
    return score if score is not None and score >= model.gate.threshold else None


def load_blended_intent_model(model_dir: Path, encoder: SharedEncoder | None = None) -> BlendedIntentModel:
    """The router's model built by `make install`: TF-IDF + the semantic head, sharing `encoder`."""
    return BlendedIntentModel(
        load_intent_model(Path(model_dir)),
        load_head(Path(model_dir), ROUTER_HEAD),
        encoder or local_encoder(),
    )
