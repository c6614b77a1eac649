"""The routing-set runner's harness: every desk works on its fresh copy of the seeded database."""

from __future__ import annotations

from pathlib import Path

from evals.routing.harness import Harness
from switchboard.settings import Settings


def test_a_stock_question_is_answered_from_the_harness_database(settings: Settings, tmp_path: Path) -> None:
    # The harness once seeded only the airline tables, so every stock question in a routing set
    # failed inside the inventory agent ("no such table: stores") while still counting as routed.
    turn = Harness(settings, tmp_path).run("在库的比亚迪有几辆？", lang="zh")
    assert (turn.intent, turn.agent) == ("inventory_query", "inventory_agent")
    assert turn.task_status != "failed", turn.reply
    assert any(ch.isdigit() for ch in turn.reply), turn.reply
