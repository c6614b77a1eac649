"""The relevance decision (tools.knowledge.relevance), the colloquial query rewrites, and the
whole knowledge base answering travellers' phrasings it used to decline.

The last group runs the real local embedder over the real documents (the shared index under
var/index, built by `make install`): the relevance model is fitted for e5 features on this corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agents.knowledge import KnowledgeAgent
from evals.knowledge.policy import score, summary
from switchboard.settings import Settings
from tools.knowledge.dense import LocalE5Embedder
from tools.knowledge.query import rewrite
from tools.knowledge.relevance import FEATURES, MODEL_PATH, Candidate, RelevanceModel, features, load_model


def _idf(token: str) -> float:
    return 2.0 if token else 4.0


def _candidate(doc_id: str, text: str, relevance: float) -> Candidate:
    return Candidate(doc_id=doc_id, search_text=text, coverage=0.5, dense_z=9.0, relevance=relevance)


# ----------------------------------------------------------------------------- features and model
def test_phrase_coverage_counts_chinese_bigrams_not_characters() -> None:
    query = rewrite("东航在浦东哪个航站楼", "zh")
    passage = "休息室位置 云雀航空在上海浦东 2 号航站楼和北京首都 3 号航站楼设有休息室。"
    x = features(query, [_candidate("lounges", passage, 1.5)], _idf)
    assert dict(zip(FEATURES, x, strict=True))["phrase_coverage"] < 1.0  # 东航 is not in it
    x_all = features(rewrite("上海浦东", "zh"), [_candidate("lounges", passage, 1.5)], _idf)
    assert dict(zip(FEATURES, x_all, strict=True))["phrase_coverage"] == 1.0


def test_margin_is_over_the_best_other_document_and_z_is_capped() -> None:
    query = rewrite("lounge opening hours", "en")
    hits = [
        _candidate("lounges", "Lounges open at 05:30", 2.0),
        _candidate("lounges", "Lounge showers", 1.9),
        _candidate("check-in", "Check-in opens", 1.2),
    ]
    named = dict(zip(FEATURES, features(query, hits, _idf), strict=True))
    assert named["margin"] == pytest.approx(0.8)
    assert named["dense_z"] == 5.0
    assert not features(query, [], _idf).any()


def test_model_round_trips_and_refuses_other_features(tmp_path: Path) -> None:
    model = RelevanceModel(np.zeros(4), np.ones(4), np.array([1.0, 0.0, 0.0, 0.0]), 0.0, 0.5)
    again = RelevanceModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.found(np.array([0.1, 0, 0, 0])) and not again.found(np.array([-0.1, 0, 0, 0]))
    assert again.probability(np.array([1e6, 0, 0, 0])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="re-run the tuning"):
        RelevanceModel.from_json({**model.to_json(), "features": ["coverage"]})


def test_shipped_model_is_current_and_prefers_covered_questions() -> None:
    model = load_model(MODEL_PATH)
    assert 0.0 < model.threshold < 1.0
    covered = np.array([1.0, 4.0, 1.0, 1.0])  # all words in the passage, far above the others
    unrelated = np.array([0.2, 1.0, 0.1, 0.0])
    assert model.found(covered) and not model.found(unrelated)


# ----------------------------------------------------------------------------- query rewriting
def test_latin_words_glued_to_chinese_still_match_the_rules() -> None:
    query = rewrite("飞机上能连wifi吗", "zh")
    assert "Wi-Fi" in query.expanded and "wifi" in query.original


@pytest.mark.parametrize(
    ("question", "language", "phrasing"),
    [
        ("转机时能去贵宾厅吗", "zh", "休息室"),
        ("箱子摔坏了", "zh", "损坏"),
        ("我家泰迪能上飞机吗", "zh", "宠物"),
        ("托运行礼多重", "zh", "行李"),
        ("my suitcase handle is broken", "en", "damaged"),
        ("what's the check-in deadline", "en", "close"),
        ("can I bring my corgi", "en", "pet"),
        ("is there a fee schedule", "en", "price list"),
    ],
)
def test_colloquial_words_gain_the_documents_words(question: str, language: str, phrasing: str) -> None:
    assert phrasing in rewrite(question, language).expanded


# ----------------------------------------------------------------------------- the whole knowledge base
@pytest.fixture(scope="module")
def agent() -> KnowledgeAgent:
    settings = Settings(openai_api_key=None, _env_file=None)  # type: ignore[call-arg]
    return KnowledgeAgent(settings, LocalE5Embedder())


@pytest.mark.parametrize(
    ("question", "language", "doc_id"),
    [
        ("飞机上能连wifi吗", "zh", "wifi-and-meals"),
        ("Can my brother check me in online while I'm still on the way?", "en", "check-in"),
        ("转机的时候可以去贵宾厅休息吗", "zh", "lounges"),
        ("My ID card has expired, can I still take a domestic flight?", "en", "travel-documents"),
    ],
)
def test_travellers_phrasings_are_answered_and_cited(
    agent: KnowledgeAgent, question: str, language: str, doc_id: str
) -> None:
    result = agent.answer(question, language)
    assert result.found and f"[{doc_id}]" in result.answer


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("My flight is delayed, will you pay for my dinner?", "en"),
        ("航班延误两小时有补偿吗", "zh"),
        ("机场停车一天多少钱", "zh"),
    ],
)
def test_questions_near_the_documents_are_still_declined(
    agent: KnowledgeAgent, question: str, language: str
) -> None:
    result = agent.answer(question, language)
    assert not result.found and result.sources == []


# ----------------------------------------------------------------------------- the dev-set scorer
def test_policy_scorer_counts_citations_and_honest_declines() -> None:
    covered = {"id": "x1", "lang": "en", "question": "q", "expected_doc": "pets"}
    uncovered = {"id": "x2", "lang": "zh", "question": "q", "expected_doc": None}
    rows = [
        score(covered, "Cats may travel ... [pets]", [], "knowledge_agent"),
        score(covered, "Fees ... [price-list]", ["price-list"], "knowledge_agent"),
        score(uncovered, "没有这个问题的答案", [], "knowledge_agent"),
        score(uncovered, "... [lounges]", [], "knowledge_agent"),
    ]
    assert [r["right"] for r in rows] == [True, False, True, False]
    report = summary(rows)
    assert report["all"] == {"cited_expected": 1, "covered": 2, "honest_not_covered": 1, "not_covered": 2}
