"""Evaluation of knowledge search: retrieval (sparse, dense, hybrid) and the local engine's answers.

Datasets (JSON Lines): `questions.jsonl` (the set the relevance threshold was tuned on) and
`fresh.jsonl` (written after tuning, reported separately). A case is
`{"id", "question", "language": "zh"|"en", "doc_id": str|null, "also": [str]?, "fact": str?}`:
`doc_id` null marks a question the documents do not answer; `also` lists documents that hold the
same fact (a price in both `pets` and `price-list`); `fact` is a string the answer should contain.
Run `python -m evals.knowledge`.
"""
