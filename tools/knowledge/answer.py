"""The local engine: retrieve, decide whether the documents hold the answer, answer extractively.

Relevance: the relevance model (`tools.knowledge.relevance`, a logistic model over retrieval features
fitted by `python -m training tune knowledge`) must judge the best passage's document to hold the
answer, otherwise the reply is "not in the documents" plus the closest topics, never a guess. The extractive answer
quotes whole sentences of the best passage(s) verbatim, chosen by sentence cosine and concept
coverage, so every number it states is in a cited passage by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tools.knowledge.chunking import Chunk
from tools.knowledge.fusion import coverage
from tools.knowledge.index import Hit, KnowledgeIndex
from tools.knowledge.query import Query, rewrite
from tools.knowledge.relevance import Candidate, features, load_model
from tools.knowledge.tokenize import tokenize

# A second passage, and the passages the LLM engine is shown, must still reach this relevance
# (coverage + 0.25·z); whether anything is answered at all is the relevance model's decision.
RELEVANCE_THRESHOLD = 1.26
MAX_PASSAGES = 2
SECOND_PASSAGE_MARGIN = 0.1  # a second passage must be almost as relevant as the first ...
MAX_SENTENCES = 3
WHOLE_PASSAGE_SENTENCES = 2
SENTENCE_MARGIN = 0.02  # sentences scoring within this of the best one are quoted too
SNIPPET_CHARS = 2000  # passages are bounded by chunking; this only stops a pathological one
CLOSEST_TOPICS = 3
# A sentence opening like this leans on the one before it ("They close 45 minutes before ...").
_DEPENDENT = re.compile(
    r"^(they|it|its|this|these|those|that|otherwise|also|however|then|in that case|the same)\b"
    r"|^(除此之外|此外|另外|同时|但|其|该|这|如需|否则)",
    re.I,
)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    heading: str
    score: float
    snippet: str  # the passage text the answer may quote (heading first)


@dataclass(frozen=True)
class Retrieval:
    query: Query
    hits: list[Hit]  # reranked, best first
    found: bool
    probability: float = 0.0  # the relevance model's P(the best passage's document answers)

    @property
    def relevance(self) -> float:
        return self.hits[0].features.relevance if self.hits else 0.0


@dataclass(frozen=True)
class LocalAnswer:
    answer: str
    sources: list[Passage]
    found: bool
    retrieval: Retrieval


def retrieve(index: KnowledgeIndex, question: str, language: str, k: int = 10) -> Retrieval:
    """Hybrid search for the rewritten question and the relevance decision."""
    query = rewrite(question, language)
    hits = index.search(query, "hybrid", k=k)
    if not hits:
        return Retrieval(query, hits, False)
    model = load_model()
    probability = model.probability(decision_features(index, query, hits))
    return Retrieval(query, hits, probability >= model.threshold, probability)


def decision_features(index: KnowledgeIndex, query: Query, hits: list[Hit]) -> np.ndarray:
    """The relevance model's features of a ranked list of hits."""
    candidates = [
        Candidate(
            doc_id=h.chunk.doc_id,
            search_text=h.chunk.search_text,
            coverage=h.features.coverage,
            dense_z=h.features.dense_z,
            relevance=h.features.relevance,
        )
        for h in hits
    ]
    return features(query, candidates, index.sparse.idf)


def passage_of(hit: Hit) -> Passage:
    chunk = hit.chunk
    snippet = f"{chunk.heading}\n{chunk.text}"
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[: SNIPPET_CHARS - 1].rstrip() + "…"
    return Passage(chunk.doc_id, chunk.title, chunk.heading, round(hit.score, 4), snippet)


def answer_passages(retrieval: Retrieval) -> list[Hit]:
    """The passages an answer draws on: the best one, and a second if nearly as relevant."""
    if not retrieval.found:
        return []
    best = retrieval.hits[0]
    chosen = [best]
    for hit in retrieval.hits[1:]:
        if len(chosen) >= MAX_PASSAGES:
            break
        relevance = hit.features.relevance
        if (
            relevance >= RELEVANCE_THRESHOLD
            and relevance >= best.features.relevance - SECOND_PASSAGE_MARGIN
            and hit.chunk.language == best.chunk.language
            and not _overlaps(hit.chunk, chosen)
            and _adds_concepts(retrieval.query, hit, chosen)
        ):
            chosen.append(hit)
    return chosen


def _adds_concepts(query: Query, hit: Hit, chosen: list[Hit]) -> bool:
    """... and cover part of the question the first one does not (else it is noise)."""

    def covered(h: Hit) -> set[int]:
        tokens = set(tokenize(h.chunk.search_text))
        return {i for i, c in enumerate(query.concepts) if any(p <= tokens for p in c.phrases)}

    already = set().union(*(covered(h) for h in chosen))
    return bool(covered(hit) - already)


def _overlaps(chunk: Chunk, chosen: list[Hit]) -> bool:
    """Windows of one section share a sentence; quoting both would repeat it."""
    mine = set(chunk.sentences)
    return any(h.chunk.doc_id == chunk.doc_id and mine & set(h.chunk.sentences) for h in chosen)


def select_sentences(query: Query, hit: Hit, idf: Callable[[str], float]) -> list[str]:
    """The sentences of a passage that answer the question, in document order."""
    sentences = hit.chunk.sentences
    if len(sentences) <= WHOLE_PASSAGE_SENTENCES:
        return list(sentences)  # a short section reads best whole ("... claim them.")
    heading_tokens = set(tokenize(hit.chunk.heading))
    scores = []
    for i, sentence in enumerate(sentences):
        lexical = coverage(query.concepts, set(tokenize(sentence)) | heading_tokens, idf)
        cosine = hit.sentence_cosines[i] if i < len(hit.sentence_cosines) else 0.0
        # Cosines separate sentences by hundredths; coverage breaks ties and rescues sparse mode.
        scores.append(cosine + 0.1 * lexical)
    best = max(range(len(sentences)), key=lambda i: scores[i])
    picked = {best}
    for i in sorted(range(len(sentences)), key=lambda i: -scores[i]):
        if len(picked) >= MAX_SENTENCES or scores[i] < scores[best] - SENTENCE_MARGIN:
            break
        picked.add(i)
    for i in sorted(picked):
        if i > 0 and _DEPENDENT.match(sentences[i]):
            picked.add(i - 1)
    return [sentences[i] for i in sorted(picked)]


def compose_found(query: Query, hits: list[Hit], index: KnowledgeIndex, language: str) -> str:
    lines = []
    for hit in hits:
        joiner = "" if hit.chunk.language == "zh" else " "
        quote = joiner.join(select_sentences(query, hit, index.sparse.idf))
        title, heading, doc_id = hit.chunk.title, hit.chunk.heading, hit.chunk.doc_id
        if language == "zh":
            lines.append(f"根据《{title}》（{heading}）：{quote} [{doc_id}]")
        else:
            lines.append(f"According to “{title}” ({heading}): {quote} [{doc_id}]")
    return "\n".join(lines)


def closest_topics(retrieval: Retrieval, index: KnowledgeIndex, language: str) -> list[tuple[str, str]]:
    """(doc_id, title) of the nearest documents, best first."""
    seen: dict[str, str] = {}
    for hit in retrieval.hits:
        if len(seen) >= CLOSEST_TOPICS:
            break
        seen.setdefault(hit.chunk.doc_id, index.title(hit.chunk.doc_id, language))
    return list(seen.items())


def compose_not_found(topics: list[tuple[str, str]], language: str) -> str:
    if language == "zh":
        listed = "、".join(f"{title}（{doc_id}）" for doc_id, title in topics)
        text = "抱歉，我们的文档中没有这个问题的答案，我不能凭猜测回答。"
        return text + (f"最相关的主题是：{listed}。" if listed else "")
    listed = ", ".join(f"{title} ({doc_id})" for doc_id, title in topics)
    text = "I could not find the answer to this in our documents, so I will not guess."
    return text + (f" The closest topics are: {listed}." if listed else "")


def answer_locally(index: KnowledgeIndex, question: str, language: str) -> LocalAnswer:
    """The local engine end to end: an extractive answer with citations, or not found."""
    retrieval = retrieve(index, question, language)
    return answer_from(retrieval, index, language)


def answer_from(retrieval: Retrieval, index: KnowledgeIndex, language: str) -> LocalAnswer:
    if not retrieval.found:
        topics = closest_topics(retrieval, index, language)
        return LocalAnswer(compose_not_found(topics, language), [], False, retrieval)
    hits = answer_passages(retrieval)
    text = compose_found(retrieval.query, hits, index, language)
    return LocalAnswer(text, [passage_of(h) for h in hits], True, retrieval)
