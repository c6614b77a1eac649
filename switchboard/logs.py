"""Where the log goes: a file (default `var/log/switchboard.log`) or stderr, at a chosen level.

Faces call `configure_logging(settings)` once at start: warnings about, say, a denied booking
lookup then go to the log, never into a terminal chat's transcript or a `--json` answer.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from switchboard.errors import ConfigurationError
from switchboard.settings import Settings

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER = "switchboard"


def configure_logging(settings: Settings) -> None:
    """Send the `switchboard` loggers (and Python's warnings of other libraries) to the configured place."""
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        raise ConfigurationError(f"SWITCHBOARD_LOG_LEVEL: unknown level {settings.log_level!r}")
    handler: logging.Handler
    if settings.log_file == "-":
        handler = logging.StreamHandler(sys.stderr)
    else:
        path = Path(settings.log_file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"SWITCHBOARD_LOG_FILE: cannot write {path}: {exc.strerror}") from exc
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.set_name(_HANDLER)  # ours to replace on a second call
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
