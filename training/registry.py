"""The models `make install` builds. A new model is one trainer here (see `training.artifact.Trainer`);
`python -m training build` then builds it, content-addressed and locked like the others, and the
runtime finds it by name through the manifest (`agents.artifacts`).
"""

from __future__ import annotations

from training.artifact import Trainer
from training.guards import SPECS, guard_trainer
from training.harm import harm_head_trainer
from training.intent import intent_trainer
from training.semantic import router_head_trainer

TRAINERS: tuple[Trainer, ...] = (
    intent_trainer(),
    router_head_trainer(),
    *(guard_trainer(spec) for spec in SPECS.values()),
    harm_head_trainer(),
)


def trainer_names() -> list[str]:
    return [trainer.name for trainer in TRAINERS]
