"""Acting on many applications at once, and undoing a batch of moves with one undo.

Each application goes through the same use case as a single card (``moves.move_stage`` for a
move or a rejection, ``talent/tags`` for a tag, ``from_talent_pool.add_to_job`` to add the
candidate to another job), in its own transaction: one refused card never blocks the rest, and
every refusal comes back with the candidate's name and the use case's own words. The use cases
check the permission and the company again for every card; this module checks the caller once,
and the whole request's input, up front.

Moves of a batch carry the batch's id in their history rows. Their emails to the candidates are
held while the batch runs and, once it has ended, until its undo window (or the delay asked
for) is over, counted from the batch's end: nobody hears of a move that can still be undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session, select

from .. import validation
from ..applications import from_talent_pool
from ..db import Database, announce_application_change
from ..errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ..mail import automation, conversation
from ..models import (
    TAKES_APPLICATIONS,
    Application,
    ApplicationHistory,
    BulkBatch,
    Job,
    OutboxEmail,
    RejectionReason,
    User,
)
from ..permissions import Action, Principal, require
from ..pipelines import moves, rejection_reasons
from ..pipelines.definitions import MAX_STAGE_NAME
from ..pipelines.job_stages import pipelines_of
from ..scoping import company_job
from ..talent import tags as talent_tags
from ..views import BulkFailure, BulkResult

BULK_ACTIONS = ("move", "reject", "tag", "add_to_job", "email")
MAX_BULK = 500
# The longest a batch's emails may be held: 30 days.
MAX_SEND_IN_MINUTES = 60 * 24 * 30
# Batches of moves can be undone; a tag or a new application cannot (nothing to put back cleanly).
UNDOABLE_ACTIONS = frozenset({"move", "reject"})
# While a batch (or its undo) runs, its emails wait at least this long; when it ends they are set
# to leave after the undo window. A batch cut short by a crash sends them late, never early.
RUNNING_HOLD = timedelta(minutes=10)

_PERMISSION = {
    "move": Action.MOVE_STAGE,
    "reject": Action.MOVE_STAGE,
    "tag": Action.USE_TALENT_POOL,
    "add_to_job": Action.USE_TALENT_POOL,
    "email": Action.WRITE_TO_CANDIDATES,
}


@dataclass(frozen=True)
class _Card:
    """A selected application of the caller's company, as the batch reads it up front."""

    id: int
    job_id: int
    candidate_id: int
    name: str


def _action(value: object) -> str:
    if isinstance(value, str) and value in BULK_ACTIONS:
        return value
    valid = ", ".join(BULK_ACTIONS)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"Choose a bulk action; valid actions are: {valid}.")
    raise InvalidInput(f"Unknown bulk action “{value.strip()[:40]}”; valid actions are: {valid}.")


def _application_ids(value: object) -> list[int]:
    """The ids, each once, in the order given."""
    if not isinstance(value, list | tuple):
        raise InvalidInput("application_ids must be a list of application ids.")
    if len(value) > 10 * MAX_BULK:
        raise InvalidInput(f"At most {MAX_BULK} applications at once ({len(value)} sent).")
    ids = list(dict.fromkeys(validation.object_id(v, "Application id") for v in value))
    if not ids:
        raise InvalidInput("Select at least one application.")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"At most {MAX_BULK} applications at once ({len(ids)} sent).")
    return ids


def _send_after(value: object) -> timedelta:
    """How long after the batch the candidates hear of it: never within the undo window."""
    if value is None:
        return moves.EMAIL_HOLD
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("send_in_minutes must be a whole number of minutes.")
    if not 0 <= value <= MAX_SEND_IN_MINUTES:
        raise InvalidInput(f"send_in_minutes must be between 0 and {MAX_SEND_IN_MINUTES} (30 days).")
    return max(timedelta(minutes=value), moves.EMAIL_HOLD)


def _stage_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_STAGE_NAME:
        raise InvalidInput(f"target_stage must be a stage name (at most {MAX_STAGE_NAME} characters).")
    return value.strip()


def _reason(s: Session, company_id: int, reason: object, reason_id: object) -> str | None:
    """A standard rejection reason of the company, by its words or by its id."""
    if reason_id not in (None, ""):
        wanted = validation.object_id(reason_id, "Rejection reason id")
        label = s.exec(
            select(RejectionReason.label).where(
                RejectionReason.id == wanted, RejectionReason.company_id == company_id
            )
        ).first()
        if label is None:
            raise InvalidInput("That rejection reason is not one of your company's.")
        return label
    return rejection_reasons.checked_reason(s, company_id, reason)


def _cards(s: Session, company_id: int, ids: list[int]) -> dict[int, _Card]:
    """The selected applications of the caller's company, with the candidate's name (one query);
    any other id is missing, as if it did not exist."""
    rows = s.execute(
        select(Application.id, Application.job_id, Application.candidate_id, User.full_name)
        .join(Job, Job.id == Application.job_id)
        .join(User, User.id == Application.candidate_id)
        .where(Application.id.in_(ids), Job.company_id == company_id)
    ).all()
    return {r[0]: _Card(r[0], r[1], r[2], r[3]) for r in rows}


def _not_found(application_id: int) -> BulkFailure:
    return BulkFailure(application_id, f"Application {application_id}", "Application not found.")


def _batch_rows(batch_id: int) -> Select:
    """The history rows of a batch's moves (what its emails point to), as a subquery."""
    return select(ApplicationHistory.id).where(ApplicationHistory.batch_id == batch_id)


def _open_batch(db: Database, principal: Principal, company_id: int, action: str, size: int) -> int:
    with db.session(write=True) as s:
        batch = BulkBatch(company_id=company_id, created_by_id=principal.user_id, action=action, size=size)
        s.add(batch)
        s.flush()
        assert batch.id is not None
        return batch.id


def _announce(s: Session, company_id: int, cards: list[_Card]) -> None:
    """The pages showing these applications, told once for the whole batch (its moves are not
    announced one by one: an open board reads the batch once, not once per card)."""
    for card in cards:
        announce_application_change(
            s, card.id, job_id=card.job_id, candidate_id=card.candidate_id, company_id=company_id
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _close_batch(
    db: Database,
    batch_id: int,
    company_id: int,
    moved: list[_Card],
    *,
    done: bool,
    send_after: timedelta,
    notify: bool,
) -> None:
    """The batch's end: its emails leave ``send_after`` from now, or are dropped with
    ``notify=False`` (a cancelled one would read as an undone rejection, hidden from the
    candidate's tracker, while this one stands); the cards it ``moved`` are announced; a batch
    that changed nothing is not kept."""
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        _announce(s, company_id, moved)
        if not done:
            s.execute(sa.delete(BulkBatch).where(BulkBatch.id == batch_id))
            return
        s.execute(sa.update(BulkBatch).where(BulkBatch.id == batch_id).values(finished_at=now))
        held = (
            OutboxEmail.history_id.in_(_batch_rows(batch_id)),
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.cancelled_at.is_(None),
        )
        if notify:
            # A stage that waits longer than the batch's hold (its own delay or business hours)
            # keeps its own time; the others leave ``send_after`` from the batch's end.
            rows = s.execute(
                sa.select(OutboxEmail.id, OutboxEmail.next_attempt_at, ApplicationHistory.changed_at)
                .join(ApplicationHistory, ApplicationHistory.id == OutboxEmail.history_id)
                .where(*held)
            ).all()
            hold = send_after + RUNNING_HOLD + timedelta(seconds=1)
            plain = [r.id for r in rows if _aware(r.next_attempt_at) <= _aware(r.changed_at) + hold]
            if plain:
                s.execute(
                    sa.update(OutboxEmail)
                    .where(OutboxEmail.id.in_(plain))
                    .values(next_attempt_at=now + send_after)
                )
        else:
            s.execute(sa.delete(OutboxEmail).where(*held))


def run_bulk(
    db: Database,
    principal: Principal,
    action: object,
    application_ids: object,
    *,
    target_stage: object = None,
    reason: object = None,
    note: object = None,
    send_in_minutes: object = None,
    tags: object = None,
    job_id: object = None,
    notify: object = True,
    reason_id: object = None,
    template_id: object = None,
) -> BulkResult:
    """Act on many applications at once, each through the use case that acts on one.

    ``move``: to ``target_stage`` by the transition table (a move back takes ``note`` as its
    reason). ``reject``: to each job's rejected stage with ``reason`` (or ``reason_id``), one of
    the company's standard reasons, and an optional ``note``. For both, the candidates' emails
    wait ``send_in_minutes`` (at least the undo window) from the batch's end, or are cancelled
    with ``notify=False``; a rejection's email is written from ``template_id``, one of the
    company's rejection templates (None: each job's rejected stage's own). ``tag``: ``tags``
    added to each candidate's own. ``add_to_job``: each candidate gets an application to the
    open job ``job_id``. Duplicate ids count once; another company's ids fail as not found.
    """
    chosen = action if isinstance(action, str) and action in BULK_ACTIONS else None
    require(principal, _PERMISSION.get(chosen or "", Action.MOVE_STAGE))
    company_id = principal.staff_company_id
    name = _action(action)
    ids = _application_ids(application_ids)
    if not isinstance(notify, bool):
        raise InvalidInput("notify must be true or false.")
    send_after = _send_after(send_in_minutes)
    # The batch's own timing (send_after, from its end) replaces the stage's: a running hold here.
    email = (
        automation.parse_reject_email(template_id=template_id, send_in_minutes=0)
        if name == "reject"
        else None
    )
    note_text = validation.text(note, "Note", max_len=moves.MAX_NOTE, required=False, multiline=True) or None
    labels = talent_tags.clean_tags(tags) if name == "tag" else []
    if name == "tag" and not labels:
        raise InvalidInput("Give at least one tag.")
    stage = _stage_name(target_stage) if name == "move" else ""
    # "email": one template to each candidate, as written from their application page
    # (mail/conversation.py), now or ``send_in_minutes`` later.
    message: tuple[str, str, str] | None = None
    message_at = (
        datetime.now(UTC) + timedelta(minutes=send_in_minutes)
        if name == "email" and isinstance(send_in_minutes, int) and send_in_minutes > 0
        else None
    )
    with db.session() as s:
        standard = _reason(s, company_id, reason, reason_id) if name == "reject" else None
        if email is not None and email.template_id is not None:
            automation.company_template(s, company_id, email.template_id, "rejection")
        if name == "email":
            message = conversation.template_source(s, principal, template_id)
        if name == "add_to_job":
            job = company_job(s, principal, job_id)
            if job.status not in TAKES_APPLICATIONS:
                raise Conflict(f"“{job.title}” is {job.status}; publish it before adding candidates.")
        cards = _cards(s, company_id, ids)
        rejected = {}
        if name == "reject":
            pipelines = pipelines_of(s, sorted({c.job_id for c in cards.values()}))
            rejected = {j: p.of_category("rejected") for j, p in pipelines.items()}

    if not cards:
        return BulkResult(None, name, (), tuple(_not_found(i) for i in ids), 0)
    batch_id = _open_batch(db, principal, company_id, name, len(ids))
    hold = send_after + RUNNING_HOLD

    def move(card: _Card) -> None:
        moves.move_stage(
            db, principal, card.id, stage, note=note_text, reason=reason, hold=hold, batch_id=batch_id
        )

    def reject(card: _Card) -> None:
        to = rejected.get(card.job_id)
        if to is None:
            raise Conflict("This job's pipeline has no rejected stage.")
        moves.move_stage(
            db,
            principal,
            card.id,
            to.name,
            note=note_text,
            reason=standard,
            hold=hold,
            batch_id=batch_id,
            email=email,
        )

    per_candidate: dict[int, DomainError | None] = {}

    def once_per_candidate(act: Callable[[int], None]) -> Callable[[_Card], None]:
        """Tags and new applications are the candidate's: each candidate once, whichever of their
        applications were selected."""

        def run(card: _Card) -> None:
            if card.candidate_id not in per_candidate:
                try:
                    act(card.candidate_id)
                    per_candidate[card.candidate_id] = None
                except DomainError as exc:
                    per_candidate[card.candidate_id] = exc
            refused = per_candidate[card.candidate_id]
            if refused is not None:
                raise refused

        return run

    def write(card: _Card) -> None:
        assert message is not None
        raw = {"template_id": template_id, "subject": message[1], "body": message[2], "send_at": message_at}
        conversation.compose(db, principal, card.id, raw)

    def tag(candidate_id: int) -> None:
        talent_tags.add_tags(db, principal, candidate_id, labels)

    def add(candidate_id: int) -> None:
        from_talent_pool.add_to_job(db, principal, candidate_id, job_id)

    acts: dict[str, Callable[[_Card], None]] = {
        "move": move,
        "reject": reject,
        "tag": once_per_candidate(tag),
        "add_to_job": once_per_candidate(add),
        "email": write,
    }
    succeeded: list[int] = []
    failed: list[BulkFailure] = []
    try:
        for application_id in ids:
            card = cards.get(application_id)
            if card is None:
                failed.append(_not_found(application_id))
                continue
            try:
                acts[name](card)
            except DomainError as exc:
                failed.append(BulkFailure(card.id, card.name, exc.message))
            else:
                succeeded.append(card.id)
    finally:
        moved = [cards[i] for i in succeeded] if name in UNDOABLE_ACTIONS else []
        _close_batch(
            db, batch_id, company_id, moved, done=bool(succeeded), send_after=send_after, notify=notify
        )
    undoable = name in UNDOABLE_ACTIONS and bool(succeeded)
    return BulkResult(
        batch_id=batch_id if succeeded else None,
        action=name,
        succeeded=tuple(succeeded),
        failed=tuple(failed),
        undo_seconds=moves.UNDO_SECONDS if undoable else 0,
    )


def undo_batch(db: Database, principal: Principal, batch_id: object) -> BulkResult:
    """Undo every move of a batch that is still its card's last move, within the undo window
    counted from the batch's end; only the recruiter who made the batch may.

    Each card goes through the single undo (``moves.undo_batch_move``): a correction row, the held
    email cancelled. A card someone moved since stays where it is and is listed by name.
    """
    require(principal, Action.MOVE_STAGE)
    company_id = principal.staff_company_id
    batch_id = validation.object_id(batch_id, "Batch id")
    now = datetime.now(UTC)
    held_until = now + RUNNING_HOLD
    with db.session(write=True) as s:
        batch = s.get(BulkBatch, batch_id)
        if batch is None or batch.company_id != company_id:
            raise NotFound("Batch not found.")
        if batch.created_by_id != principal.user_id:
            raise Forbidden("Only the recruiter who made a batch may undo it.")
        if batch.action not in UNDOABLE_ACTIONS:
            raise Conflict("Tags and applications added to a job are not undone as a batch.")
        if batch.undone_at is not None:
            raise Conflict("This batch has already been undone.")
        if batch.finished_at is None:
            raise Conflict("This batch is still running; undo it once it has finished.")
        if now - batch.finished_at > timedelta(seconds=moves.UNDO_SECONDS):
            raise Conflict(
                f"The {moves.UNDO_SECONDS} seconds to undo this batch are over; "
                "move the cards back instead (with a reason)."
            )
        claimed = s.exec(
            sa.update(BulkBatch)
            .where(BulkBatch.id == batch_id, BulkBatch.undone_at.is_(None))
            .values(undone_at=now)
        ).rowcount
        if claimed != 1:
            raise Conflict("This batch has already been undone.")
        # No email of the batch leaves while its cards are put back one by one.
        s.execute(
            sa.update(OutboxEmail)
            .where(
                OutboxEmail.history_id.in_(_batch_rows(batch_id)),
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.cancelled_at.is_(None),
                OutboxEmail.next_attempt_at < held_until,
            )
            .values(next_attempt_at=held_until)
        )
        targets = [
            _Card(*row)
            for row in s.execute(
                select(Application.id, Application.job_id, Application.candidate_id, User.full_name)
                .join(ApplicationHistory, ApplicationHistory.application_id == Application.id)
                .join(User, User.id == Application.candidate_id)
                .where(ApplicationHistory.batch_id == batch_id)
                .order_by(ApplicationHistory.id)
            ).all()
        ]
    succeeded: list[_Card] = []
    failed: list[BulkFailure] = []
    try:
        for card in targets:
            try:
                moves.undo_batch_move(db, principal, card.id, batch_id)
            except DomainError as exc:
                failed.append(BulkFailure(card.id, card.name, exc.message))
            else:
                succeeded.append(card)
    finally:
        # The emails of cards moved since by someone else go as they would have; the pages
        # showing the cards put back hear of them once.
        with db.session(write=True) as s:
            _announce(s, company_id, succeeded)
            s.execute(
                sa.update(OutboxEmail)
                .where(
                    OutboxEmail.history_id.in_(_batch_rows(batch_id)),
                    OutboxEmail.sent_at.is_(None),
                    OutboxEmail.cancelled_at.is_(None),
                    OutboxEmail.next_attempt_at == held_until,
                )
                .values(next_attempt_at=datetime.now(UTC))
            )
    return BulkResult(
        batch_id=batch_id,
        action="undo",
        succeeded=tuple(c.id for c in succeeded),
        failed=tuple(failed),
        undo_seconds=0,
    )
