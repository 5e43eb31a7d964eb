"""The type checker (mypy, configured in mypy.ini) finds no error in flowtrack_ui, and reads
Reflex the way mypy_plugins/reflex_events.py says (tests/mypy_probe.py: the errors it must
report there, and nothing else).

Run here so that CI, which runs only `make test`, checks the types too.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path("tests") / "mypy_probe.py"
ERROR = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def _expected() -> set[tuple[str, int, str]]:
    """The probe's `# expect: <code>` lines."""
    lines = (ROOT / PROBE).read_text().splitlines()
    return {
        (PROBE.as_posix(), n, m.group(1))
        for n, text in enumerate(lines, start=1)
        if (m := re.search(r"# expect: ([a-z-]+)$", text))
    }


def test_mypy_reports_no_error_in_the_app_and_the_probe_errors_in_the_probe():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "mypy.ini"), "flowtrack_ui", str(PROBE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = result.stdout + result.stderr
    found = {
        (m["path"], int(m["line"]), m["code"]) for line in output.splitlines() if (m := ERROR.match(line))
    }
    assert found == _expected(), output
    assert "INTERNAL ERROR" not in output, output
