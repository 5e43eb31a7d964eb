"""What tests/test_types.py has mypy read besides flowtrack_ui: Reflex code as the app writes it,
with the errors mypy must report (`# expect: <code>`) and the lines it must accept. It fails
loudly when a Reflex or mypy upgrade changes what mypy_plugins/reflex_types.py relies on.
Never imported: mypy only reads it."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.vars import ObjectVar


@dataclasses.dataclass
class ProbeRow:
    name: str
    tags: list[str]
    count: int = 0


class ProbeState(rx.State):
    count: int = 0
    title: str = ""
    rows: list[ProbeRow] = []
    chosen: ProbeRow | None = None

    @rx.event
    def pick(self, row_id: int, stage: str) -> None:
        self.count = row_id + len(stage)  # on an instance, a field is its value
        self.title = stage.upper()

    @rx.event(background=True)
    async def later(self, n: int) -> None:
        self.pick(n, "x")  # on an instance, a handler takes its values


def page() -> list[object]:
    """A state var read on its class is a Var; a handler takes values or Vars of its parameters."""
    return [
        ProbeState.count.to_string(),
        ProbeState.title.length(),
        ProbeState.rows.length(),
        ProbeState.pick(ProbeState.count, ProbeState.title),
        ProbeState.pick(3, "x"),
        ProbeState.later(1),
        ProbeState.later.debounce(300),
        ProbeState.pick("3", "x"),  # expect: call-overload
        ProbeState.later(1, 2),  # expect: call-overload
        ProbeState.count.upper(),  # expect: attr-defined
    ]


def row(r: ObjectVar[ProbeRow]) -> list[object]:
    """A row's field read on its Var is the Var of the field's type."""
    return [
        r.tags.join(", "),
        r.name.length(),
        r.count.to_string(),
        r.tags.upper(),  # expect: attr-defined
    ]
