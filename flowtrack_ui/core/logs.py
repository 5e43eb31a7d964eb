"""FlowTrack's own log lines ("flowtrack.*" loggers) on stderr, whatever the server configures."""

from __future__ import annotations

import logging
import sys


def configure(level: str = "INFO") -> None:
    logger = logging.getLogger("flowtrack")
    if any(getattr(h, "_flowtrack", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(asctime)s %(levelname)s [%(name)s pid=%(process)d] %(message)s"
    handler.setFormatter(logging.Formatter(fmt))
    handler._flowtrack = True
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
