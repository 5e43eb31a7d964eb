"""A worker's collector after start-up: start-up objects frozen, young collections spaced."""

from __future__ import annotations

import subprocess
import sys


def test_tune_collector_freezes_start_up_and_spaces_young_collections():
    script = (
        "import gc; from flowtrack_ui.gc_tuning import tune_collector, YOUNG_THRESHOLD;"
        "before = gc.get_threshold(); tune_collector(); after = gc.get_threshold();"
        "assert after == (YOUNG_THRESHOLD, before[1], before[2]), after;"
        "assert gc.get_freeze_count() > 1000, gc.get_freeze_count(); print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_the_app_tunes_each_worker_at_start():
    from flowtrack_ui.flowtrack_ui import app
    from flowtrack_ui.gc_tuning import tune_collector

    assert tune_collector in app.get_lifespan_tasks()
