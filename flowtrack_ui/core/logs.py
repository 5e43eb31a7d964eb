"""FlowTrack's own log lines ("flowtrack.*" loggers) on stderr, whatever the server configures."""

from __future__ import annotations

import logging
import sys


class _Handler(logging.StreamHandler):
    """FlowTrack's handler, marked so that configuring twice (or after a reload) adds it once."""

    _flowtrack = True


def configure(level: str = "INFO") -> None:
    logger = logging.getLogger("flowtrack")
    if any(getattr(h, "_flowtrack", False) for h in logger.handlers):
        return
    handler = _Handler(sys.stderr)
    fmt = "%(asctime)s %(levelname)s [%(name)s pid=%(process)d] %(message)s"
    handler.setFormatter(logging.Formatter(fmt))
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
