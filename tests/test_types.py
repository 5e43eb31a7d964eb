"""The type checker (mypy, configured in mypy.ini) finds no error in flowtrack_ui, and reads
Reflex the way mypy_plugins/reflex_types.py says (tests/mypy_probe.py: the errors it must
report there, and nothing else).

Run here so that CI, which runs only `make test`, checks the types too.
"""

from __future__ import annotations

import ast
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


def _dataclasses_of_state() -> set[str]:
    """The names of the dataclasses the state modules declare (the rows pages render)."""
    names = set()
    for path in (ROOT / "flowtrack_ui" / "state").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                "dataclass" in ast.unparse(d) for d in node.decorator_list
            ):
                names.add(node.name)
    return names


def test_render_functions_take_their_row_as_a_var():
    """Reflex hands a render function (rx.foreach's) a Var of the row, never the dataclass itself:
    declared as the dataclass, its body would be checked as Python code it is not."""
    rows = _dataclasses_of_state()
    wrong = []
    for folder in ("pages", "components"):
        for path in sorted((ROOT / "flowtrack_ui" / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef):
                    continue
                for arg in node.args.args:
                    if isinstance(arg.annotation, ast.Name) and arg.annotation.id in rows:
                        wrong.append(f"{folder}/{path.name}: {node.name}({arg.arg}: {arg.annotation.id})")
    assert not wrong, "declare these as ObjectVar[Row]:\n" + "\n".join(wrong)
