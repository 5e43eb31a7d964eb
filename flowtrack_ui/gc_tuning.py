"""The garbage collector of a worker that keeps many page states in memory.

With Redis, a worker holds the states of the tabs connected to it (Reflex's oplock leases) and
unpickles a tab's whole state each time a lease begins. Python's default collector thresholds
(a young collection every 700 net allocations, a full one every 70,000 once the old generation
has grown by a quarter) then run a full collection over every held state about once per hundred
unpickled states: measured over 400 held board states, unpickling one cost 1.6–3.7 ms with the
default thresholds and 0.35 ms with a young collection every 10,000 allocations, with the same
peak memory and fewer full collections (``benchmarks/RESULTS.md``). The objects alive after
start-up (modules, compiled pages) are frozen out of every later collection.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("flowtrack.gc")

# Young-generation threshold; the two older ones keep Python's defaults.
YOUNG_THRESHOLD = 10_000


def tune_collector() -> None:
    """Run at a worker's start: collect once, freeze what start-up left, space young collections."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    log.info("collector tuned: %s objects frozen, thresholds %s", gc.get_freeze_count(), gc.get_threshold())
