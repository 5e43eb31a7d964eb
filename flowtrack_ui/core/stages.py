"""The hiring pipeline: stages and the one transition table.

Every rule about which move is legal lives in ``TRANSITIONS``; nothing else in
FlowTrack decides it.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    APPLIED = "Applied"
    SCREENING = "Screening"
    INTERVIEW = "Interview"
    OFFER = "Offer"
    HIRED = "Hired"
    REJECTED = "Rejected"


# Board column order.
PIPELINE: tuple[Stage, ...] = tuple(Stage)

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.APPLIED: frozenset({Stage.SCREENING, Stage.REJECTED}),
    Stage.SCREENING: frozenset({Stage.INTERVIEW, Stage.REJECTED}),
    Stage.INTERVIEW: frozenset({Stage.OFFER, Stage.REJECTED}),
    Stage.OFFER: frozenset({Stage.HIRED, Stage.REJECTED}),
    Stage.HIRED: frozenset(),
    Stage.REJECTED: frozenset(),
}

TERMINAL: frozenset[Stage] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def allowed_next(stage: Stage | str) -> list[Stage]:
    """The stages ``stage`` may move to, in pipeline order."""
    nxt = TRANSITIONS[Stage(stage)]
    return [s for s in PIPELINE if s in nxt]


def can_move(current: Stage | str, target: Stage | str) -> bool:
    return Stage(target) in TRANSITIONS[Stage(current)]


def parse_stage(value: object) -> Stage:
    """A Stage from user input, case-insensitively; raises ValueError naming valid stages."""
    if isinstance(value, Stage):
        return value
    if isinstance(value, str):
        for stage in Stage:
            if stage.value.lower() == value.strip().lower():
                return stage
    valid = ", ".join(s.value for s in Stage)
    raise ValueError(f"Unknown stage {str(value)[:40]!r}; valid stages are: {valid}")
