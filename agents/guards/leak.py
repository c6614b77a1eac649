"""System-prompt and internal-instruction leak check on replies.

The protected texts are the prompts the product holds as module constants (every module-level
string named `*_PROMPT` under `agents/`, read with `ast` so no module is imported) plus any text the
caller adds (a canary, an extra instruction block). A reply leaks when it shares a run of at least
`MIN_SHARED` letters with a protected text once case, spacing and punctuation are ignored (so a
reformatted or re-spaced copy is still caught), or when it announces its own instructions ("my
system prompt is", "以下是我的提示词").
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from agents.guards.normalize import squash
from agents.guards.verdict import PASS, PROMPT_LEAK, GuardVerdict

AGENTS_DIR = Path(__file__).resolve().parent.parent
# Letters (after `squash`) a reply must share with a prompt to count as a copy: about eight English
# words or twenty Chinese characters; ordinary replies share a few words at most.
MIN_SHARED = 40
_GRAM = 20
_MARKERS = (
    "mysystemprompt",
    "myinitialinstructions",
    "myhiddeninstructions",
    "myoriginalinstructions",
    "hereismysystem",
    "hereismyprompt",
    "herearemyinstructions",
    "myinstructionsare",
    "mypromptis",
    "我的系统提示",
    "我的提示词",
    "以下是我的提示",
    "以下是我的系统",
    "我的初始指令",
    "我的隐藏指令",
    "imstartsystem",
)


def prompts_in_source(root: Path = AGENTS_DIR) -> list[str]:
    """Every module-level string constant named `*_PROMPT` in the Python files under `root`."""
    found: list[str] = []
    for path in sorted(Path(root).rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue  # a module that cannot be parsed cannot run either, so it holds no live prompt
        for node in tree.body:
            assigned: ast.expr | None
            if isinstance(node, ast.Assign):
                targets, assigned = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, assigned = [node.target], node.value
            else:
                continue
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if not any(name.endswith("PROMPT") for name in names) or assigned is None:
                continue
            try:
                value = ast.literal_eval(assigned)
            except ValueError:
                continue  # built at run time (f-string, call): not a fixed text to compare with
            if isinstance(value, str) and len(value) >= MIN_SHARED:
                found.append(value)
    return found


# Names from the data schema (vehicle_id, guide_price, ...) are data the replies show in their
# tables as much as words of a prompt: a column header is no leak, so neither side counts them.
_IDENTIFIER = re.compile(r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b")


def _letters(text: str) -> str:
    return squash(_IDENTIFIER.sub(" ", text))


class LeakGuard:
    """Blocks replies that copy a protected prompt or announce their instructions."""

    name = PROMPT_LEAK

    def __init__(self, protected: Iterable[str]) -> None:
        self._grams: set[str] = set()
        for text in protected:
            letters = _letters(text)
            self._grams.update(letters[i : i + _GRAM] for i in range(len(letters) - _GRAM + 1))

    def shared_run(self, reply: str) -> int:
        """The longest run of letters `reply` shares with a protected text (0 if under one gram)."""
        letters = _letters(reply)
        best = run = 0
        for i in range(len(letters) - _GRAM + 1):
            if letters[i : i + _GRAM] in self._grams:
                run = run + 1 if run else _GRAM
                best = max(best, run)
            else:
                run = 0
        return best

    def check(self, reply: str) -> GuardVerdict:
        if self.shared_run(reply) >= MIN_SHARED:
            return GuardVerdict(False, PROMPT_LEAK, "prompt_text")
        letters = squash(reply)
        if any(marker in letters for marker in _MARKERS):
            return GuardVerdict(False, PROMPT_LEAK, "marker")
        return PASS
