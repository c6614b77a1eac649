"""The knowledge base and its evaluation sets: required documents, bilingual and consistent with
the product; datasets of the promised size and shape; the metrics code on a small corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.knowledge.__main__ import DATASETS
from evals.knowledge.metrics import answer_metrics, load, retrieval_metrics
from tests.test_knowledge_index import HashEmbedder, LangChainStyleEmbeddings, copy_kb
from tools.knowledge.chunking import chunk_document
from tools.knowledge.documents import KNOWLEDGE_DIR, load_documents
from tools.knowledge.index import KnowledgeIndex

REQUIRED = [
    "baggage",
    "dangerous-goods",
    "pets",
    "refunds-and-changes",
    "check-in",
    "special-assistance",
    "price-list",
]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    loaded = load_documents(KNOWLEDGE_DIR)
    assert not loaded.skipped
    return {d.doc_id: d.body for d in loaded.documents}


def test_required_documents_exist_in_both_languages(documents: dict[str, str]) -> None:
    assert set(REQUIRED) <= set(documents)
    for doc in load_documents(KNOWLEDGE_DIR).documents:
        chunks, dropped = chunk_document(doc)
        assert {c.language for c in chunks} == {"en", "zh"}, doc.doc_id
        assert dropped == 0 and set(doc.titles) == {"en", "zh"}


def test_refund_rule_matches_the_booking_service(documents: dict[str, str]) -> None:
    text = documents["refunds-and-changes"]
    assert "If Skylark Airways cancels your flight, you get a full refund of the fare." in text
    assert (
        "the fare minus a cancellation fee: 100 USD in Economy, 200 USD in Business and 300 USD in First"
        in text
    )
    assert "票价减去退票手续费：经济舱 100 美元，公务舱 200 美元，头等舱 300 美元" in text


@pytest.mark.parametrize(
    ("doc_id", "price_line"),
    [
        ("pets", "Pet in the cabin: 120 USD"),
        ("pets", "Pet in the hold: 200 USD"),
        ("baggage", "bought online at least 24 hours before departure: 60 USD"),
        ("baggage", "bought at the airport: 90 USD"),
        ("baggage", "Overweight bag (23 to 32 kg): 50 USD"),
        ("baggage", "Bicycle: 100 USD"),
        ("special-assistance", "Unaccompanied minor service: 150 USD"),
        ("lounges", "Lounge day pass: 45 USD"),
        ("wifi-and-meals", "Wi-Fi full-flight pass: 18 USD"),
    ],
)
def test_price_list_agrees_with_the_topic_documents(
    documents: dict[str, str], doc_id: str, price_line: str
) -> None:
    assert price_line in documents["price-list"]
    amount = re.search(r"(\d+) USD$", price_line).group(1)  # type: ignore[union-attr]
    assert f"{amount} USD" in documents[doc_id]


def test_price_list_has_the_child_safety_seat(documents: dict[str, str]) -> None:
    assert "儿童安全座椅" in documents["price-list"] and "Child safety seat" in documents["price-list"]


def test_evaluation_sets_have_the_promised_size_and_shape(documents: dict[str, str]) -> None:
    main, fresh = load(DATASETS["main"]), load(DATASETS["fresh"])
    answerable = [c for c in main if c["doc_id"]]
    assert len(answerable) >= 80 and len(main) - len(answerable) >= 20
    assert 0.4 <= sum(c["language"] == "zh" for c in answerable) / len(answerable) <= 0.6
    assert len(fresh) >= 20 and not {c["question"] for c in fresh} & {c["question"] for c in main}
    ids = [c["id"] for c in main + fresh]
    assert len(ids) == len(set(ids))
    for case in main + fresh:
        assert case["language"] in ("zh", "en")
        for doc_id in [case["doc_id"], *case.get("also", [])]:
            assert doc_id is None or doc_id in documents, case
        if case["doc_id"] is None:
            assert "fact" not in case


def test_metrics_on_a_small_corpus(tmp_path: Path) -> None:
    from agents.knowledge import build_knowledge_agent
    from switchboard.settings import Settings

    kb = copy_kb(tmp_path / "kb", "pets", "price-list")
    index, _ = KnowledgeIndex.open(HashEmbedder(), kb, tmp_path / "index")
    cases = [
        {
            "id": "1",
            "question": "cabin pet fee",
            "language": "en",
            "doc_id": "pets",
            "also": ["price-list"],
            "fact": "120",
        },
        {"id": "2", "question": "客舱宠物的收费是多少", "language": "zh", "doc_id": "pets"},
        {
            "id": "3",
            "question": "Is there a swimming pool on board the aircraft?",
            "language": "en",
            "doc_id": None,
        },
    ]
    retrieval = retrieval_metrics(index, cases)
    assert set(retrieval) == {"sparse", "dense", "hybrid"}
    assert retrieval["hybrid"]["all"]["n"] == 2 and retrieval["hybrid"]["all"]["recall@3"] == 1.0
    agent = build_knowledge_agent(
        Settings(openai_api_key=None, _env_file=None),  # type: ignore[call-arg]
        embeddings=LangChainStyleEmbeddings(),
        kb_dir=kb,
        index_dir=tmp_path / "agent-index",
    )
    answers = answer_metrics(agent, cases)
    assert answers["grounding"]["answers_with_ungrounded_numbers"] == 0
    assert [r["id"] for r in answers["cases"]] == ["1", "2", "3"]
    assert answers["answered"]["of"] == 2 and answers["no_answer_handled"]["of"] == 1
