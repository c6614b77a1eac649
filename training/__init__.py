"""Training of the project's models, kept out of the runtime: trainers, their data and command line.

Nothing at run time imports this package (an import-linter contract keeps `switchboard`, `tools`,
`agents`, `graphs` and `faces` away from it); it imports the runtime's featurisers from `agents`,
so a model is trained on exactly the features it is scored on.

- `data/` — the training data with its sources and licences (`data/router/SOURCES.md`,
  `data/guard/SOURCES.md`);
- `intent`, `guards` — the trainers of the intent classifier and of the three guard models;
- `artifact` — the trainer contract, content keys and the deterministic artifact writer;
- `builder`, `registry` — `make install`'s build: every registered model, content-addressed, under a
  cross-process file lock, skipped when current, recorded in the model directory's manifest;
- `intent_report`, `guard_report`, `cli` — evaluation and tuning (`python -m training ...`).
"""
