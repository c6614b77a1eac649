"""The knowledge base on disk: one Markdown file per topic, `doc_id` = file name without `.md`.

A file may start with a small front matter block giving its titles:

    ---
    title: Baggage
    title_zh: 行李
    ---

Without it the first `#` heading (or the doc_id) is the title. Files that are not UTF-8 text, too
large, or badly named are skipped with a reason instead of breaking the whole index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from switchboard.settings import REPO_ROOT

KNOWLEDGE_DIR = REPO_ROOT / "knowledge_base"
MAX_DOCUMENT_BYTES = 1_000_000
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass(frozen=True)
class Document:
    doc_id: str
    titles: dict[str, str]  # language -> title; "en" always present
    body: str  # Markdown without the front matter
    content_hash: str  # sha256 of the file's bytes

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def parse_document(doc_id: str, raw: bytes) -> Document:
    """A `Document` from a file's bytes; ValueError when they are not usable text."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 text") from exc
    if "\x00" in text:
        raise ValueError("binary content")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and value.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[match.end() :]
    if not text.strip():
        raise ValueError("empty document")
    h1 = _H1.search(text)
    titles = {"en": meta.get("title_en") or meta.get("title") or (h1.group(1) if h1 else doc_id)}
    if meta.get("title_zh"):
        titles["zh"] = meta["title_zh"]
    return Document(doc_id, titles, text, hashlib.sha256(raw).hexdigest())


def load_documents(folder: Path = KNOWLEDGE_DIR) -> LoadResult:
    """Every `*.md` file of `folder`, sorted by doc_id; unusable files are reported, not raised."""
    result = LoadResult()
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.md")):
        doc_id = path.stem
        if not DOC_ID.match(doc_id):
            result.skipped.append((path.name, "file name must be lower-case letters, digits, - or _"))
            continue
        try:
            result.documents.append(parse_document(doc_id, path.read_bytes()))
        except (ValueError, OSError) as exc:
            result.skipped.append((path.name, str(exc)))
    return result
