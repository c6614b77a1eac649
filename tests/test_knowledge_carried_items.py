"""Knives, firearms, self-defence items and medicines taken on a trip: the documents answer them
(sections added to `dangerous-goods`), and the out-of-scope gate does not refuse them (evidence)."""

from __future__ import annotations

import pytest

from agents.knowledge import KnowledgeAgent
from agents.scope_evidence import has_evidence
from switchboard.settings import REPO_ROOT, Settings
from tools.knowledge.dense import LocalE5Embedder


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeAgent:
    settings = Settings(openai_api_key=None, _env_file=None)  # type: ignore[call-arg]
    index_dir = tmp_path_factory.mktemp("kb-index")
    knowledge = KnowledgeAgent(
        settings, LocalE5Embedder(), kb_dir=REPO_ROOT / "knowledge_base", index_dir=index_dir
    )
    knowledge.reindex()
    return knowledge


@pytest.mark.parametrize(
    ("question", "language", "section"),
    [
        ("Can I pack a kitchen knife in my checked bag?", "en", "Knives, tools, firearms and self-defence items"),
        ("how do I fly with my hunting rifle", "en", "Knives, tools, firearms and self-defence items"),
        ("菜刀可以托运吗", "zh", "刀具、工具、枪支和防身用品"),
        ("Do I need a doctor's letter to carry my insulin pens in the cabin?", "en", "Medicines and medical equipment"),
        ("安眠药能带出国吗", "zh", "药品和医疗器械"),
    ],
)  # fmt: skip
def test_the_documents_answer_items_taken_on_a_trip(
    agent: KnowledgeAgent, question: str, language: str, section: str
) -> None:
    result = agent.answer(question, language)
    assert result.found and result.sources[0].doc_id == "dangerous-goods"
    assert section in result.answer and "[dangerous-goods]" in result.answer


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("is pepper spray allowed in my suitcase", True),
        ("is a taser ok on the plane", True),
        ("is my dog allowed in the park", False),
        ("where can I buy pepper spray", False),
    ],
)  # fmt: skip
def test_a_forbidden_item_asked_about_on_a_trip_is_a_policy_question(text: str, evidence: bool) -> None:
    assert has_evidence(text, "knowledge_search") is evidence


def test_the_sections_exist_in_both_languages() -> None:
    text = (REPO_ROOT / "knowledge_base" / "dangerous-goods.md").read_text(encoding="utf-8")
    for heading in (
        "## Knives, tools, firearms and self-defence items",
        "## Medicines and medical equipment",
        "## 刀具、工具、枪支和防身用品",
        "## 药品和医疗器械",
    ):
        assert heading in text
