"""The out-of-scope gate: its artifact, exact evidence, the router's use of it, the flight-search rule
after it, the cut chosen on out-of-fold scores, and its training data kept apart from its dev set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from agents.flight_search.routing import lean, search_entities
from agents.registry import ROSTER
from agents.router import decide
from agents.scope_evidence import has_evidence
from agents.semantic import DIMENSIONS, HEAD_FORMAT, SemanticHead, SharedEncoder
from agents.understanding import BlendedIntentModel, ScopeGate, scope_refusal
from switchboard.intents import INTENTS
from training.features import split_key
from training.scope import choose_cut, gate_features

ROOT = Path(__file__).resolve().parents[1]
THURSDAY = date(2026, 12, 3)


class FixedModel:
    def query(self, text: str) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        vector[0] = 1.0 if "gym" in text else -1.0  # "out of scope" along the first axis
        vector[1] = 1.0
        return vector


class FixedTfidf:
    """Sure the message is a cancellation, whatever it says."""

    labels = INTENTS
    threshold = 0.5
    meta: dict[str, object] = {}

    def predict_proba(self, text: str) -> np.ndarray:
        proba = np.full(len(INTENTS), 0.1 / (len(INTENTS) - 1))
        proba[INTENTS.index("cancel_flight")] = 0.9
        return proba


def gated_model(tmp_path: Path, with_gate: bool = True) -> BlendedIntentModel:
    from training.semantic import write_head

    gate_weights = np.zeros((DIMENSIONS + len(INTENTS), 2), dtype=np.float32)
    gate_weights[0] = [-4.0, 4.0]
    meta: dict[str, object] = {
        "format": HEAD_FORMAT,
        "labels": list(INTENTS),
        "blend_tfidf_weight": 1.0,
        "threshold": 0.5,
    }
    extras = None
    if with_gate:
        meta["scope_gate"] = {"threshold": 0.7}
        extras = {"scope_weights": gate_weights, "scope_bias": np.zeros(2, np.float32)}
    path = tmp_path / "head.npz"
    write_head(path, np.zeros((DIMENSIONS, len(INTENTS)), np.float32), np.zeros(len(INTENTS)), meta, extras)
    encoder = SharedEncoder()
    encoder._model = FixedModel()
    return BlendedIntentModel(FixedTfidf(), SemanticHead.load(path), encoder)  # type: ignore[arg-type]


def test_the_gate_round_trips_through_the_router_head_and_refuses_above_its_cut(tmp_path: Path) -> None:
    model = gated_model(tmp_path)
    assert isinstance(model.gate, ScopeGate) and model.gate.threshold == 0.7
    assert (model.out_of_scope("cancel my gym membership") or 0) > 0.9
    assert scope_refusal(model, "cancel my gym membership", "cancel_flight", {}) is not None
    assert scope_refusal(model, "cancel my flight", "cancel_flight", {}) is None
    # A flight number is exact evidence: never refused, whatever the gate says.
    assert (
        scope_refusal(
            model, "cancel my gym membership and FL123", "cancel_flight", {"flight_number": "FL123"}
        )
        is None
    )
    assert gated_model(tmp_path, with_gate=False).gate is None


def test_the_router_answers_a_refused_request_as_out_of_scope(tmp_path: Path) -> None:
    services = SimpleNamespace(
        intent_model=gated_model(tmp_path), settings=SimpleNamespace(router_threshold=None), chat_model=None
    )
    refused = decide({}, "cancel my gym membership", {}, services, ROSTER)  # type: ignore[arg-type]
    assert (refused["label"], refused["decided_by"]) == ("irrelevant", "scope")
    served = decide({}, "cancel my booking please", {}, services, ROSTER)  # type: ignore[arg-type]
    assert (served["label"], served["decided_by"]) == ("cancel_flight", "classifier")


@pytest.mark.parametrize(
    ("text", "label", "evidence"),
    [
        ("哪个城市的蔚来最多", "inventory_query", True),
        ("how many Toyotas are in stock", "inventory_query", True),
        ("is tesla stock a good buy this year", "inventory_query", False),
        ("比亚迪股价今天涨了吗", "inventory_query", False),
        ("which stocks lost the most today", "inventory_query", False),
        ("do my miles expire", "knowledge_search", True),
        ("贵宾休息室在几楼", "knowledge_search", True),
        ("how many miles is a marathon", "knowledge_search", False),
        ("can i get a refund for my shoes", "knowledge_search", False),
        ("机场有吸烟室吗", "knowledge_search", True),
        ("is there a smoking room at the airport", "knowledge_search", True),
        ("which airport is the biggest in the world", "knowledge_search", False),
        ("can I pack my hunting knife in the hold", "knowledge_search", True),
        ("处方药能带出国吗", "knowledge_search", True),
        ("can I bring my dog to the office", "knowledge_search", False),
        ("where can I buy a gun", "knowledge_search", False),
        ("cancel booking ABC123", "cancel_flight", True),
        ("cancel my yoga class", "cancel_flight", False),
        ("how many Toyotas are in stock", "complaint", False),
    ],
)  # fmt: skip
def test_exact_evidence_of_a_request_of_ours(text: str, label: str, evidence: bool) -> None:
    assert has_evidence(text, label) is evidence


FARE = "how much is it to fly from Beijing to Shanghai on Friday"


def test_a_gate_verdict_does_not_keep_a_flight_route_from_the_airline_desk() -> None:
    entities = search_entities({}, FARE, {}, THURSDAY)  # type: ignore[typeddict-item]
    gated = {"label": "irrelevant", "confidence": 0.9, "decided_by": "scope"}
    assert lean(gated, FARE, entities, 0.52)["label"] == "price_inquiry"  # type: ignore[arg-type]
    hotel = "book a hotel in Shanghai on Friday"
    entities = search_entities({}, hotel, {}, THURSDAY)  # type: ignore[typeddict-item]
    assert lean(gated, hotel, entities, 0.52) == gated  # type: ignore[arg-type]


def test_the_cut_is_the_lowest_within_the_refusal_budget_and_spares_evidence() -> None:
    # 200 in-scope rows the router sends on (three score high), 10 out-of-scope rows sent on.
    p_out = np.concatenate([np.linspace(0.0, 0.2, 197), [0.95, 0.96, 0.97], np.full(10, 0.9)])
    y_out = np.array([False] * 200 + [True] * 10)
    on = np.ones(210, dtype=bool)
    weights = np.ones(210)
    protected = np.zeros(210, dtype=bool)
    cut, figures = choose_cut(p_out, y_out, on, protected, weights)
    assert cut == pytest.approx(0.96)  # below, three in-scope rows (1.5%) would be refused
    assert figures["out_of_scope_sent_on_after"] == pytest.approx(1.0)
    protected[197:200] = True  # the three carry evidence: the cut can go lower
    cut, figures = choose_cut(p_out, y_out, on, protected, weights)
    assert cut < 0.9 and figures["out_of_scope_sent_on_after"] == 0.0
    assert figures["in_scope_sent_on_refused"] <= 0.01


def test_gate_features_are_the_vector_and_the_router_probabilities() -> None:
    features = gate_features(np.ones((2, DIMENSIONS)), np.zeros((2, len(INTENTS))))
    assert features.shape == (2, DIMENSIONS + len(INTENTS))


def test_the_scope_rows_are_valid_and_apart_from_the_scope_dev_set() -> None:
    rows = [
        json.loads(line)
        for line in (ROOT / "training/data/router/product_scope.jsonl").open(encoding="utf-8")
    ]
    dev = [json.loads(line) for line in (ROOT / "evals/routing/dev/scope_dev.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 500 and all(r["label"] in INTENTS and r["lang"] in ("en", "zh") for r in rows)
    assert {r["lang"] for r in rows if r["label"] == "irrelevant"} == {"en", "zh"}
    assert not {split_key(r["text"]) for r in rows} & {split_key(d["input"]) for d in dev}
