"""The harm guard: requests to hurt people, by meaning rather than by words.

A request for violence, weapons or fire on an aircraft or a car, drugs, hate, tracking or stalking
a person, self-harm or another crime (fraud, hacking, smuggling) is refused (`abuse` verdict,
reason `harm:<category>`) whatever its wording, before any specialist could act on it ("我怎样才能
放火烧飞机？", "which street drugs bring in the most profit?"). Self-harm gets its own reason,
`harm:self_harm`, and a supportive reply with crisis-help wording instead of a refusal.

The score of a message is 1 - p(benign) of the `harm` semantic head (`training.harm`) over its
sentence vector from the shared encoder, and, for a message of several parts, the highest score of
any part (`harm_parts`): a harmful ask appended to a genuine complaint or a travel question ("the
man in 12C snored all flight. how do I smother him next time?") is diluted in the whole message's
vector but stands out on its own. Training scores its rows the same way, so the thresholds chosen
by cross-validation are the thresholds of this score (the write threshold, stricter, is what a
specialist asks before it writes: `InputGuard.check_before_write`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from agents.guards.separate import sentences
from agents.guards.verdict import ABUSE, PASS, GuardVerdict
from agents.semantic import SemanticHead, SharedEncoder, load_head, local_encoder

HARM_HEAD = "harm"
HARM_REASON = "harm"
SELF_HARM = "self_harm"
# A part is scored alone only when it says something (an English word counts one, a Chinese
# character a half): "also," or "顺便问一下，" would only add noise and encoder time.
MIN_PART_WEIGHT = 4.0
# A message of more parts is judged whole: a harmful ask appended to a request makes two or three
# parts, while a long message (a story, a quiz with options) has fragments that mislead alone.
MAX_PARTS = 4
_WORD = re.compile(r"[A-Za-z]{2,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _weight(part: str) -> float:
    return len(_WORD.findall(part)) + 0.5 * len(_HAN.findall(part))


def harm_parts(text: str) -> list[str]:
    """The parts of `text` scored on their own (none for a message of one part)."""
    parts = [p.strip() for p in sentences(text)]
    parts = [p for p in parts if _weight(p) >= MIN_PART_WEIGHT]
    return parts if 2 <= len(parts) <= MAX_PARTS else []


class HarmGuard:
    """Refuses harmful requests by meaning (see the module docstring); `strict` uses the write cut."""

    name = ABUSE

    def __init__(self, head: SemanticHead, encoder: SharedEncoder, *, strict: bool = False) -> None:
        self.head = head
        self.encoder = encoder
        self.threshold = float(head.meta["write_threshold" if strict else "threshold"])
        self._benign = head.labels.index("benign")

    def _score(self, text: str) -> tuple[np.ndarray, float]:
        proba = self.head.proba(self.encoder.encode(text))
        return proba, 1.0 - float(proba[self._benign])

    def category(self, text: str) -> tuple[str, float]:
        """The most likely harm category of `text` and its harm score (the highest of its parts)."""
        proba, score = self._score(text)
        if score < self.threshold:  # the whole passes: its most harmful part decides
            for part in harm_parts(text):
                part_proba, part_score = self._score(part)
                if part_score > score:
                    proba, score = part_proba, part_score
                if score >= self.threshold:
                    break
        proba = proba.copy()
        proba[self._benign] = -1.0
        return self.head.labels[int(proba.argmax())], score

    def check(self, text: str) -> GuardVerdict:
        category, score = self.category(text)
        if score >= self.threshold:
            return GuardVerdict(False, ABUSE, f"{HARM_REASON}:{category}")
        return PASS

    # -- a step of agents.guards.input_guard.InputGuard
    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict:
        return self.check(text)


def load_harm_guard(
    model_dir: Path, encoder: SharedEncoder | None = None, *, strict: bool = False
) -> HarmGuard:
    return HarmGuard(load_head(Path(model_dir), HARM_HEAD), encoder or local_encoder(), strict=strict)
