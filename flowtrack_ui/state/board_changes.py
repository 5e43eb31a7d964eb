"""A board tab applies a card's move to the columns it holds, instead of reading the board again.

Each column holds the cards it shows (the newest first: stage_changed_at, then id, both
descending, as the board read orders them) and a few spare ones after them, so a card leaving
the column is replaced from the spares without a read. What the tab holds of a column is always
a prefix of the column's true order: a card moving in lands at its place in that order (a move
makes it the newest; an undo puts it back where it was), or beyond the prefix, where the tab does
not hold it. When a change cannot be placed from what the tab holds — a card it never held enters
its shown cards, or a column runs out of spares — it asks ``Reader`` for just those cards; when
even that cannot answer (another change came in between), the tab reads the whole board again.

The result of applying is, per changed column, the new order of its shown cards and those of
them the browser does not have yet (``ColumnPatch``): a move costs the viewer about one card.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

from flowtrack_ui.core.changes import CardMove

# Spare cards held per column after the shown ones (not sent to the browser).
SPARE = 5


class Placeable(Protocol):
    """What ordering and patching need of a card row (``state.board.CardRow``)."""

    id: int
    moved: str
    stage: str


Row = TypeVar("Row", bound=Placeable)


@dataclasses.dataclass
class Held(Generic[Row]):
    """One column as a tab holds it: its count, the cards it shows, the spares after them."""

    stage: str
    count: int
    shown: list[Row]
    spare: list[Row]
    limit: int


class Reader(Protocol[Row]):
    """Reads for the cards a change does not carry; None when the board has changed again since
    (the tab then reads the whole board)."""

    def card(self, application_id: int) -> Row | None: ...

    def window(self, stage: str, offset: int, limit: int) -> list[Row] | None: ...


def _key(row: Placeable) -> tuple[datetime, int]:
    moved = datetime.fromisoformat(row.moved) if row.moved else datetime.min.replace(tzinfo=UTC)
    return (moved if moved.tzinfo else moved.replace(tzinfo=UTC), row.id)


class CannotPlace(Exception):
    """The change does not fit what the tab holds: it reads the board again."""


def apply_move(
    columns: dict[str, Held[Row]],
    move: CardMove,
    moved_row: Callable[[Row | None, CardMove], Row | None],
    reader: Reader[Row],
    *,
    filtered: bool,
) -> set[str]:
    """Apply one card's move to the held columns (in place); returns the stages whose shown cards
    or counts changed. ``moved_row(old, move)`` is the card as it is after the move, from the row
    the tab held (None: it did not hold it, and ``reader.card`` is asked). ``filtered``: the board
    shows only cards matching a search, so a card the tab does not hold may not belong on it at all.
    Raises ``CannotPlace`` when only a fresh read can tell."""
    changed: set[str] = set()
    old: Row | None = None
    if move.from_stage is not None:
        source = columns.get(move.from_stage)
        if source is None:
            raise CannotPlace(f"no column {move.from_stage!r}")
        old = _take(source, move.application_id)
        if old is None and (filtered or source.count <= len(source.shown) + len(source.spare)):
            # Not held: either beyond the held prefix, or (with a search) maybe not on this board.
            raise CannotPlace("the card is not where the change says")
        source.count -= 1
        _refill(source, reader)
        changed.add(source.stage)
    elif filtered:
        raise CannotPlace("a new card may not match the search")
    if move.to_stage is not None:
        target = columns.get(move.to_stage)
        if target is None:
            raise CannotPlace(f"no column {move.to_stage!r}")
        _place(target, old, move, moved_row, reader)
        target.count += 1
        changed.add(target.stage)
    return changed


def _take(col: Held[Row], application_id: int) -> Row | None:
    for rows in (col.shown, col.spare):
        for i, row in enumerate(rows):
            if row.id == application_id:
                return rows.pop(i)
    return None


def _refill(col: Held[Row], reader: Reader[Row]) -> None:
    """Shown cards back to the column's limit from the spares, reading more when they ran out."""
    held = len(col.shown) + len(col.spare)
    if len(col.shown) < col.limit and not col.spare and col.count > held:
        more = reader.window(col.stage, held, col.limit - len(col.shown) + SPARE)
        if more is None:
            raise CannotPlace("the board changed while reading the column")
        col.spare.extend(more)
    while len(col.shown) < col.limit and col.spare:
        col.shown.append(col.spare.pop(0))


def _place(
    col: Held[Row],
    old: Row | None,
    move: CardMove,
    moved_row: Callable[[Row | None, CardMove], Row | None],
    reader: Reader[Row],
) -> None:
    """Put the moved card at its place in the column (count not yet raised), unless its place is
    beyond the cards the tab holds (then it holds nothing more of it)."""
    held: list[Row] = [*col.shown, *col.spare]
    probe = moved_row(old, move) if old is not None else None
    # Where it goes, by the column's order; the change's time stands in until the row is known.
    when = datetime.fromisoformat(move.changed_at) if move.changed_at else datetime.min.replace(tzinfo=UTC)
    key = (when if when.tzinfo else when.replace(tzinfo=UTC), move.application_id)
    at = next((i for i, row in enumerate(held) if key > _key(row)), len(held))
    if at == len(held) and col.count > len(held):
        return  # it sorts after every held card, among those the tab does not hold
    if probe is None:
        fetched = reader.card(move.application_id)
        if fetched is None:
            raise CannotPlace("the card could not be read")
        probe = moved_row(fetched, move)
        if probe is None:
            raise CannotPlace("the card could not be placed")
    held.insert(at, probe)
    col.shown = held[: col.limit]
    col.spare = held[col.limit : col.limit + SPARE]


def held_columns(
    stages: Sequence[tuple[str, int, list[Row], int]],
) -> dict[str, Held[Row]]:
    """(stage, count, cards read, how many it shows) → held columns: the rest are spares."""
    return {
        stage: Held(stage, count, cards[:limit], cards[limit : limit + SPARE], limit)
        for stage, count, cards, limit in stages
    }
