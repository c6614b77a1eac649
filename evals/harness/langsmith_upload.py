"""Optional upload of a report to LangSmith: only when an API key is given, else nothing leaves
the machine (no client is even built).

Each case becomes one run in a project named after the report (inputs: the user's messages;
outputs: the assistant's turns), with feedback `passed` and one score per metric.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("switchboard.eval")


def _default_client(api_key: str) -> Any:
    from langsmith import Client

    return Client(api_key=api_key)


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def upload(
    report: dict[str, Any],
    *,
    api_key: str | None,
    project: str | None = None,
    client_factory: Callable[[str], Any] = _default_client,
) -> dict[str, Any] | None:
    """Upload `report`'s cases; None when there is no key (nothing attempted)."""
    if not api_key:
        return None
    from langsmith.utils import LangSmithError

    project = project or f"switchboard-eval-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    client = client_factory(api_key)
    uploaded = 0
    try:
        for case in report["cases"]:
            run_id = uuid.uuid4()
            now = datetime.now(UTC)
            client.create_run(
                id=run_id,
                name=case["id"],
                run_type="chain",
                project_name=project,
                inputs={"turns": [t["input"] for t in case["turns"]]},
                outputs={"turns": case["turns"], "passed": case["passed"]},
                start_time=now,
                end_time=now,
                tags=list(case.get("tags") or []),
                extra={"metadata": {"language": case.get("language"), "source": case.get("source")}},
            )
            client.create_feedback(
                run_id,
                key="passed",
                score=1.0 if case["passed"] else 0.0,
                comment="; ".join(case.get("failures") or [])[:2000],
            )
            for name, result in (case.get("metrics") or {}).items():
                if result is not None:
                    client.create_feedback(run_id, key=_slug(name), score=result["score"])
            uploaded += 1
        if flush := getattr(client, "flush", None):
            flush()  # runs may be batched in the background: send them before the process exits
    except (LangSmithError, OSError, ValueError) as exc:
        # The report on disk is the result; an upload that fails is reported, not fatal.
        logger.warning("LangSmith upload stopped after %d cases: %s", uploaded, exc)
        return {"project": project, "runs": uploaded, "error": str(exc)}
    return {"project": project, "runs": uploaded}
