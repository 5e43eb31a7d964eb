"""A pipeline as a list of stages: the default one, and the checks every template and job passes."""

from __future__ import annotations

from dataclasses import dataclass

from .. import validation
from ..errors import InvalidInput
from .categories import LABELS, PROGRESS, SINGLE, TERMINAL, Category, parse_category

MAX_STAGES = 20
MAX_STAGE_NAME = 40
MAX_TARGET_DAYS = 365


@dataclass(frozen=True)
class StageSpec:
    """A stage as a template or a job editor describes it; ``id`` names an existing job stage."""

    name: str
    category: Category
    id: int | None = None
    # Days an application should wait here at most (work.py lists those past it); None: no target.
    target_days: int | None = None


DEFAULT_PIPELINE: tuple[StageSpec, ...] = (
    StageSpec("Applied", Category.APPLIED),
    StageSpec("Screening", Category.SCREENING),
    StageSpec("Interview", Category.INTERVIEW),
    StageSpec("Offer", Category.OFFER),
    StageSpec("Hired", Category.HIRED),
    StageSpec("Rejected", Category.REJECTED),
    StageSpec("Withdrawn", Category.WITHDRAWN),
)


def _one(raw: object, index: int) -> StageSpec:
    if not isinstance(raw, dict):
        raise InvalidInput(f"Stage {index + 1} must be an object with a name and a category.")
    name = validation.text(raw.get("name"), f"The name of stage {index + 1}", max_len=MAX_STAGE_NAME)
    try:
        category = parse_category(raw.get("category"))
    except ValueError as exc:
        raise InvalidInput(f"Stage “{name}”: {exc}") from None
    stage_id = raw.get("id")
    if stage_id in (None, "", 0):
        stage_id = None
    else:
        stage_id = validation.object_id(stage_id, f"The id of stage “{name}”")
    return StageSpec(name, category, stage_id, _target_days(raw.get("target_days"), name))


def _target_days(raw: object, name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        days = int(raw)  # type: ignore[call-overload]  # int() raises on the rest
    except (TypeError, ValueError):
        raise InvalidInput(f"Stage “{name}”: the target must be a whole number of days.") from None
    if isinstance(raw, float | bool) or not 1 <= days <= MAX_TARGET_DAYS:
        raise InvalidInput(f"Stage “{name}”: the target must be from 1 to {MAX_TARGET_DAYS} days.")
    return days


def parse_stages(raw: object) -> list[StageSpec]:
    """Checked stages in board order: the non-terminal ones as given, then Hired, Rejected, Withdrawn.

    A list without a hired, rejected or withdrawn stage gets the default one. Refused (with a
    message saying what to change): no list, duplicate names, a first stage that is not
    ``applied``, two stages of a single-stage category, non-terminal categories out of order.
    """
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput("A pipeline needs a list of stages, starting with an applied stage.")
    if len(raw) > MAX_STAGES:
        raise InvalidInput(f"A pipeline has at most {MAX_STAGES} stages.")
    specs = [s if isinstance(s, StageSpec) else _one(s, i) for i, s in enumerate(raw)]
    seen: dict[str, str] = {}
    for spec in specs:
        key = spec.name.casefold()
        if key in seen:
            raise InvalidInput(f"Two stages are named “{spec.name}”; stage names must differ.")
        seen[key] = spec.name
    for category in SINGLE:
        same = [s.name for s in specs if s.category == category]
        if len(same) > 1:
            raise InvalidInput(
                f"A pipeline has exactly one {category.value} stage; these are all {category.value}: "
                + ", ".join(same)
                + "."
            )
    progress = [s for s in specs if s.category not in TERMINAL]
    if not progress or progress[0].category != Category.APPLIED:
        raise InvalidInput("The first stage of a pipeline must be of the applied category.")
    for before, after in zip(progress, progress[1:], strict=False):
        if PROGRESS.index(after.category) < PROGRESS.index(before.category):
            raise InvalidInput(
                f"Stage “{after.name}” ({after.category.value}) cannot come after “{before.name}” "
                f"({before.category.value}): stages go applied → screening → interview → offer."
            )
    terminal = []
    for category in TERMINAL:
        given = next((s for s in specs if s.category == category), None)
        if given is None:
            if LABELS[category].casefold() in seen:
                raise InvalidInput(
                    f"“{LABELS[category]}” names a stage that is not {category.value}; "
                    f"rename it or add a {category.value} stage."
                )
            given = StageSpec(LABELS[category], category)
        terminal.append(given)
    return [*progress, *terminal]


def as_dicts(specs: list[StageSpec] | tuple[StageSpec, ...]) -> list[dict[str, str]]:
    return [{"name": s.name, "category": s.category.value} for s in specs]


def new_stage_slot(categories: list[str]) -> tuple[int, Category]:
    """Where a stage added in an editor goes, and its category, given the stages' categories in order.

    Recruiters add interview rounds and checks, rarely a second offer: the new stage goes just before
    the first offer stage (or before the final stages), and takes the category of the stage before it,
    ``screening`` right after applied. So the list stays in category order and a new stage after
    "Interview" is an interview, never an offer.
    """
    ends = {Category.OFFER.value, *(c.value for c in TERMINAL)}
    index = next((n for n, c in enumerate(categories) if c in ends), len(categories))
    before = parse_category(categories[index - 1]) if index > 0 else Category.APPLIED
    return index, Category.SCREENING if before == Category.APPLIED else before
