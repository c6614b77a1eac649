"""`python -m evals.voice`: see `evals.voice.run`."""

import sys

from evals.voice.run import main

sys.exit(main())
