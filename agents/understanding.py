"""The router's model: the TF-IDF intent classifier blended with the semantic router head.

`BlendedIntentModel` has the interface of `agents.intent_model.IntentModel` (labels, threshold,
`predict`), so the router is unchanged: its probabilities are `w * p_tfidf + (1 - w) * p_semantic`
with the weight and the confidence threshold chosen by cross-validation at training time
(`training.semantic`). TF-IDF stays strong where words are exact (flight numbers, seats, codes);
the sentence embedding carries meaning the words of the training data do not (route and
schedule language, car shopping, out-of-scope requests that borrow the product's words).
The semantic head reads the message's vector from the shared encoder
(`agents.semantic.SharedEncoder`), the one the harm guard and knowledge retrieval read too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from agents.intent_model import IntentModel, IntentPrediction, load_intent_model
from agents.semantic import SemanticHead, SharedEncoder, load_head, local_encoder

ROUTER_HEAD = "router_semantic"


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


def load_blended_intent_model(model_dir: Path, encoder: SharedEncoder | None = None) -> BlendedIntentModel:
    """The router's model built by `make install`: TF-IDF + the semantic head, sharing `encoder`."""
    return BlendedIntentModel(
        load_intent_model(Path(model_dir)),
        load_head(Path(model_dir), ROUTER_HEAD),
        encoder or local_encoder(),
    )
