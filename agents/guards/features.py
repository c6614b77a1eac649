"""What the guard models read, shared by their training and their scoring so both see the same text.

A guard model reads a detection view with account ids masked (whose id it is decides, and only the
rules know the caller) and, for the models trained with them, the concept tags appended
(`agents.guards.concepts`). `featuriser_id(tags)` names this featuriser: the analyzers' version,
the account pattern and, with tags, the concept lexicons' source. The build records it beside each
artifact and puts it in the artifact's content key; the runtime refuses an artifact whose
featuriser differs from its own (`agents.intent_model.load_artifact`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from agents.guards import concepts
from agents.guards.rules import ACCOUNT_PATTERN, mask_accounts
from agents.intent_model import FEATURISER_VERSION

CONCEPTS_SOURCE = Path(concepts.__file__)


def model_text(text: str, *, tags: bool) -> str:
    """The text a guard model reads: account ids masked, concept tags appended when `tags`."""
    masked = mask_accounts(text)
    return concepts.tagged(masked) if tags else masked


@lru_cache(maxsize=2)
def featuriser_id(tags: bool) -> str:
    """A short name of everything `model_text` and the analyzers do with a text (see the docstring)."""
    digest = hashlib.sha256(f"guard-{FEATURISER_VERSION}-{ACCOUNT_PATTERN}".encode())
    if tags:
        digest.update(CONCEPTS_SOURCE.read_bytes())
    return f"{FEATURISER_VERSION}-{digest.hexdigest()[:12]}"
