"""The harm guard: requests to hurt people, by meaning rather than by words.

A request for violence, weapons or fire on an aircraft or a car, drugs, hate, tracking or stalking
a person, self-harm or another crime (fraud, hacking, smuggling) is refused (`abuse` verdict,
reason `harm:<category>`) whatever its wording, before any specialist could act on it ("我怎样才能
放火烧飞机？", "which street drugs bring in the most profit?"). Self-harm gets its own reason,
`harm:self_harm`, and a supportive reply with crisis-help wording instead of a refusal.

The score of a text is a blend of two models trained together (`training.harm`): 1 - p(benign) of
the `harm` semantic head over its sentence vector from the shared encoder (meaning, both languages)
and p(harm) of a character and word TF-IDF model stored in the same artifact (`tfidf_*` arrays:
the words that give a harmful ask away, which a 384-d sentence vector blurs among the many
ordinary requests), `(1 - w) * head + w * tfidf` with `w` chosen by cross-validation. The score of
a message is that of the whole and, for a message of several parts, the highest of any part
(`harm_parts`): a harmful ask appended to a genuine complaint or a travel question ("the
man in 12C snored all flight. how do I smother him next time?") is diluted in the whole message's
vector but stands out on its own. Training scores its rows the same way, so the thresholds chosen
by cross-validation are the thresholds of this score (the write threshold, stricter, is what a
specialist asks before it writes: `InputGuard.check_before_write`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from agents.artifacts import model_entry, not_built
from agents.guards.separate import sentences
from agents.guards.verdict import ABUSE, PASS, GuardVerdict
from agents.intent_model import FEATURISER_VERSION, IntentModel
from agents.semantic import SemanticHead, SharedEncoder, head_featuriser, local_encoder
from switchboard.errors import ConfigurationError

HARM_HEAD = "harm"
TFIDF_PREFIX = "tfidf_"  # the TF-IDF model's arrays in the harm artifact
HARM_REASON = "harm"
SELF_HARM = "self_harm"
# A part is scored alone only when it says something (an English word counts one, a Chinese
# character a half): "also," or "顺便问一下，" would only add noise and encoder time.
MIN_PART_WEIGHT = 4.0
# A message of more parts is judged whole: a harmful ask appended to a request makes two or three
# parts, while a long message (a story, a quiz with options) has fragments that mislead alone.
MAX_PARTS = 4
# Words that append a second ask ("帮我查航班，另外怎么…", "… by the way how do I …"): a part is
# also cut before them, and in a message of more than MAX_PARTS parts the parts they open are
# still scored alone (the appended ask decides, however long the request before it).
_CONNECTOR = re.compile(
    r"(?=另外|顺便|对了|还有一个|还有，|还有,|\bby the way\b|\bbtw\b|\bone more thing\b|\boh and\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]{2,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _weight(part: str) -> float:
    return len(_WORD.findall(part)) + 0.5 * len(_HAN.findall(part))


def harm_parts(text: str) -> list[str]:
    """The parts of `text` scored on their own (none for a message of one part)."""
    parts = [piece.strip() for p in sentences(text) for piece in _CONNECTOR.split(p)]
    parts = [p for p in parts if _weight(p) >= MIN_PART_WEIGHT]
    if len(parts) > MAX_PARTS:
        return [p for p in parts if _CONNECTOR.match(p)]
    return parts if len(parts) >= 2 else []


class HarmGuard:
    """Refuses harmful requests by meaning (see the module docstring); `strict` uses the write cut."""

    name = ABUSE

    def __init__(
        self,
        head: SemanticHead,
        encoder: SharedEncoder,
        *,
        strict: bool = False,
        lexical: IntentModel | None = None,
    ) -> None:
        self.head = head
        self.encoder = encoder
        self.lexical = lexical  # the TF-IDF model (labels benign, harm); None: the head alone
        self.weight = float(head.meta.get("blend_tfidf_weight", 0.0)) if lexical is not None else 0.0
        self.threshold = float(head.meta["write_threshold" if strict else "threshold"])
        self._benign = head.labels.index("benign")

    def _score(self, text: str) -> tuple[np.ndarray, float]:
        proba = self.head.proba(self.encoder.encode(text))
        score = 1.0 - float(proba[self._benign])
        if self.lexical is not None and self.weight:
            lexical = 1.0 - float(self.lexical.predict_proba(text)[0])
            score = (1.0 - self.weight) * score + self.weight * lexical
        return proba, score

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


def harm_featuriser() -> str:
    """What the harm artifact reads: the shared encoder's vector and the TF-IDF featuriser."""
    return f"{head_featuriser()}+tfidf:{FEATURISER_VERSION}"


@lru_cache(maxsize=4)
def _load_models(model_dir: Path) -> tuple[SemanticHead, IntentModel]:
    path, entry = model_entry(model_dir, HARM_HEAD)
    if entry.featuriser != harm_featuriser():
        raise not_built(
            HARM_HEAD, model_dir, f"built for {entry.featuriser}, this code reads {harm_featuriser()}"
        )
    try:
        return SemanticHead.load(path), IntentModel.load(path, prefix=TFIDF_PREFIX)
    except ConfigurationError as exc:
        raise not_built(HARM_HEAD, model_dir, f"{entry.file} is unreadable") from exc


def load_harm_guard(
    model_dir: Path, encoder: SharedEncoder | None = None, *, strict: bool = False
) -> HarmGuard:
    head, lexical = _load_models(Path(model_dir))
    return HarmGuard(head, encoder or local_encoder(), strict=strict, lexical=lexical)
