"""Split a document into passages: one per heading section, long sections in windows that overlap
by one sentence so a fact split across a window boundary is still whole in one passage.

A passage knows its language (detected from its own text, so a bilingual file yields English and
Chinese passages), its heading and its position. Instruction-like sentences are dropped here
(see `sanitize`) and counted so that re-indexing can report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from switchboard.text import detect_language
from tools.knowledge.documents import Document
from tools.knowledge.sanitize import is_instruction

# A passage is kept short: answers quote it and BM25 length normalisation stays meaningful.
MAX_UNITS = 110
OVERLAP_SENTENCES = 1

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# End of a sentence: Chinese full stops anywhere; Latin ones before a space (not 2.5 or e.g. a URL).
# Not semicolons: the clause after one ("kosher meals need 48 hours") is misleading on its own.
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z0-9\"'(\u3400-\u9fff])")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    title: str  # the document's title in this passage's language
    heading: str
    text: str  # the passage's sentences, one per line
    language: str  # "zh" | "en"
    ordinal: int  # position within the document

    @property
    def search_text(self) -> str:
        """What BM25 sees: title and heading give context to a short passage."""
        return f"{self.title} - {self.heading}\n{self.text}"

    @property
    def sentences(self) -> list[str]:
        return self.text.split("\n")

    def embedding_texts(self) -> list[str]:
        """What the embedder sees: each sentence with its title and heading. Sentence vectors
        match a question more sharply than one vector for a whole passage, and they tell the
        extractive answer which sentence to quote."""
        return [f"{self.title} - {self.heading}: {s}" for s in self.sentences]


def units(text: str) -> int:
    """Rough token count: Latin words plus Chinese characters."""
    return len(_WORD.findall(text)) + len(_CJK_CHAR.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences of a block of Markdown text; list items and lines are sentences of their own."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = _LIST_MARK.sub("", line).strip()
        if not line or line.startswith(("<!--", "|---", "```")):
            continue
        sentences += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return sentences


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs in document order; text before any heading goes under ''."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_code = False
    for line in body.split("\n"):
        if line.strip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match:
            sections.append((match.group(2).strip(), []))
        else:
            sections[-1][1].append(line)
    return [(heading, "\n".join(lines)) for heading, lines in sections]


def _windows(sentences: list[str]) -> list[list[str]]:
    windows: list[list[str]] = []
    current: list[str] = []
    for sentence in sentences:
        if current and units(" ".join(current + [sentence])) > MAX_UNITS:
            windows.append(current)
            current = current[-OVERLAP_SENTENCES:] if OVERLAP_SENTENCES else []
        current.append(sentence)
    if current and (not windows or current != windows[-1][-len(current) :]):
        windows.append(current)
    return windows


def chunk_document(document: Document) -> tuple[list[Chunk], int]:
    """The passages of `document` and the number of instruction-like sentences dropped."""
    chunks: list[Chunk] = []
    dropped = 0
    for heading, text in _sections(document.body):
        sentences = split_sentences(text)
        kept = [s for s in sentences if not is_instruction(s)]
        dropped += len(sentences) - len(kept)
        if not kept:
            continue
        language = detect_language(heading + " " + " ".join(kept)) or "en"
        title = document.title(language)
        for window in _windows(kept):
            chunks.append(
                Chunk(document.doc_id, title, heading or title, "\n".join(window), language, len(chunks))
            )
    return chunks, dropped
