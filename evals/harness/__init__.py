"""The offline evaluation harness of the whole assistant (`switchboard eval`, `deepeval test run evals/`).

    dataset     JSON Lines cases (CONTRACTS §6), validated with FILE:LINE errors
    runner      each case on a fresh thread, checkpointer and database copy; parallel workers
    judge       pure rules: what counts as the right intent, task, refusal, tools, language, context
    metrics     those rules as DeepEval metrics over a ConversationalTestCase
    llm_judge   DeepEval's LLM metrics when a judge model is configured
    aggregate   headline figures, per language, tag and file
    report      report.json / report.md;  charts: PNGs;  compare: --compare OLD_DIR
    langsmith_upload   only with an API key
    evaluate    the whole run

DeepEval is told here, before anything imports it, to send no telemetry and read no `.env`, and
to keep its cache under `var/`: with no key configured, an evaluation never leaves the machine.
"""

from __future__ import annotations

import os

from switchboard.settings import VAR_DIR

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
os.environ.setdefault("DEEPEVAL_CACHE_FOLDER", str(VAR_DIR / "deepeval"))
