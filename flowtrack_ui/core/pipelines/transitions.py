"""THE transition table: every legal change of stage, as data. Nothing else in FlowTrack decides.

Each rule says from which stages it applies, where it goes, whether it needs a reason and which
permission it takes. ``allowed_moves`` reads the table for one application; the move use cases
refuse anything it does not list, naming what it does list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from ..permissions import Action
from .categories import Category, is_terminal


class MoveKind(StrEnum):
    APPLIED = "applied"  # the first history row of an application
    FORWARD = "forward"
    SKIP = "skip"  # forward past stages: the history row's note names the stages passed
    BACK = "back"
    REJECT = "reject"
    REOPEN = "reopen"
    UNHIRE = "unhire"
    WITHDRAW = "withdraw"
    UNDO = "undo"


class Reason(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class StageRef:
    """One active stage of a job's pipeline."""

    id: int
    name: str
    category: str
    position: int
    target_days: int | None = None  # see JobStage.target_days

    @property
    def terminal(self) -> bool:
        return is_terminal(self.category)


@dataclass(frozen=True)
class Pipeline:
    """A job's active stages in board order (non-terminal ones first)."""

    stages: tuple[StageRef, ...]

    @property
    def progress(self) -> tuple[StageRef, ...]:
        return tuple(s for s in self.stages if not s.terminal)

    def of_category(self, category: str) -> StageRef | None:
        return next((s for s in self.stages if s.category == category), None)

    def by_id(self, stage_id: int | None) -> StageRef | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def by_name(self, name: str) -> StageRef | None:
        key = name.strip().casefold()
        return next((s for s in self.stages if s.name.casefold() == key), None)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]


# --- where a rule applies, and where it goes ----------------------------------------------------

_SOURCES: dict[str, Callable[[StageRef], bool]] = {
    "non-terminal": lambda s: not s.terminal,
    "rejected": lambda s: s.category == Category.REJECTED,
    "hired": lambda s: s.category == Category.HIRED,
}


def _next(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
    progress = p.progress
    i = progress.index(current)
    if i + 1 < len(progress):
        return [progress[i + 1]]
    hired = p.of_category(Category.HIRED)
    return [hired] if hired else []


def _later(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
    """The stages in progress after the next one: a skip never reaches hired (only "next" does)."""
    progress = p.progress
    return list(progress[progress.index(current) + 2 :])


def _earlier(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
    progress = p.progress
    return list(progress[: progress.index(current)])


def _category(category: Category):
    def target(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
        stage = p.of_category(category)
        return [stage] if stage else []

    return target


def _origin(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
    """The stage it was rejected from; if that stage has since been removed, the first stage."""
    if origin is not None and not origin.terminal and p.by_id(origin.id):
        return [origin]
    return [p.progress[0]] if p.progress else []


def _before_hired(p: Pipeline, current: StageRef, origin: StageRef | None) -> list[StageRef]:
    return [p.progress[-1]] if p.progress else []


_TARGETS: dict[str, Callable[[Pipeline, StageRef, StageRef | None], list[StageRef]]] = {
    "next": _next,
    "later": _later,
    "earlier": _earlier,
    "rejected": _category(Category.REJECTED),
    "rejected from": _origin,
    "before hired": _before_hired,
    "withdrawn": _category(Category.WITHDRAWN),
}


# Targets: "next" is the next non-terminal stage, or hired from the last one; "later" any
# non-terminal stage after the next one (a skip: hired is still reached only from the last stage);
# "earlier" any earlier non-terminal stage; "rejected from" the stage a rejection came from;
# "before hired" the last non-terminal stage; "rejected" and "withdrawn" those stages.


@dataclass(frozen=True)
class Rule:
    kind: MoveKind
    source: str  # a key of _SOURCES
    target: str  # a key of _TARGETS
    reason: Reason
    action: Action


TRANSITION_TABLE: tuple[Rule, ...] = (
    Rule(MoveKind.FORWARD, "non-terminal", "next", Reason.NONE, Action.MOVE_STAGE),
    Rule(MoveKind.SKIP, "non-terminal", "later", Reason.NONE, Action.MOVE_STAGE),
    Rule(MoveKind.BACK, "non-terminal", "earlier", Reason.REQUIRED, Action.MOVE_STAGE),
    Rule(MoveKind.REJECT, "non-terminal", "rejected", Reason.OPTIONAL, Action.MOVE_STAGE),
    Rule(MoveKind.REOPEN, "rejected", "rejected from", Reason.REQUIRED, Action.MOVE_STAGE),
    Rule(MoveKind.UNHIRE, "hired", "before hired", Reason.REQUIRED, Action.MOVE_STAGE),
    Rule(MoveKind.WITHDRAW, "non-terminal", "withdrawn", Reason.OPTIONAL, Action.WITHDRAW),
)  # fmt: skip


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    target: StageRef
    reason: Reason

    @property
    def asks(self) -> bool:
        """Whether the mover is asked for words first: a reason, required or optional."""
        return self.reason != Reason.NONE


def allowed_moves(
    pipeline: Pipeline, current: StageRef, origin: StageRef | None = None, action: Action = Action.MOVE_STAGE
) -> list[Move]:
    """Every move the table allows from ``current`` for callers of ``action``, in board order.

    ``origin`` is the stage the application was in before ``current`` (where a rejection came from).
    """
    return list(_allowed(pipeline, current, origin, action))


@lru_cache(maxsize=1024)
def _allowed(
    pipeline: Pipeline, current: StageRef, origin: StageRef | None, action: Action
) -> tuple[Move, ...]:
    """``allowed_moves``, remembered: a pipeline and its stages are values (frozen), so the same
    ones always allow the same moves, and a move asks twice (its check, its card's next moves)."""
    moves = []
    for rule in TRANSITION_TABLE:
        if rule.action != action or not _SOURCES[rule.source](current):
            continue
        for target in _TARGETS[rule.target](pipeline, current, origin):
            if target.id != current.id:
                moves.append(Move(rule.kind, target, rule.reason))
    order = {s.id: i for i, s in enumerate(pipeline.stages)}
    return tuple(sorted(moves, key=lambda m: order[m.target.id]))


def find_move(
    pipeline: Pipeline,
    current: StageRef,
    target: StageRef,
    origin: StageRef | None = None,
    action: Action = Action.MOVE_STAGE,
) -> Move | None:
    return next((m for m in _allowed(pipeline, current, origin, action) if m.target.id == target.id), None)


def passed(pipeline: Pipeline, current: StageRef, target: StageRef) -> tuple[StageRef, ...]:
    """The stages in progress a move from ``current`` to ``target`` goes past (a skip's, for its
    history row); none for any move that is not forward past stages."""
    progress = pipeline.progress
    if current not in progress or target not in progress:
        return ()
    return progress[progress.index(current) + 1 : progress.index(target)]


def skip_note(stages: tuple[StageRef, ...], note: str | None) -> str:
    """A skip's history note: the stages it passed (named as they were then), then the mover's note."""
    said = "Skipped " + ", ".join(s.name for s in stages) + "."
    return f"{said}\n{note}" if note else said
