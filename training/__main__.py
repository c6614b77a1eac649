"""`python -m training` (see `training.cli`)."""

from training.cli import main

raise SystemExit(main())
