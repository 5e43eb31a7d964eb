"""Use cases that change an application's stage: move (any kind the table allows), undo, withdraw.

Each is one transaction: a conditional UPDATE on the application's ``version`` (of two racing
moves exactly one wins), the history row, the candidate's email (held in the outbox for the
undo window) and the change signal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy import update
from sqlmodel import Session, select

from .. import notifications, prebuilt, validation
from ..changes import CardMove
from ..db import Database, announce_application_change, announce_card_move, existing
from ..errors import ConcurrentUpdate, Conflict, InvalidInput, InvalidTransition, NotFound
from ..mail import automation
from ..models import Application, ApplicationHistory, Company, Job, JobStage, OutboxEmail, User
from ..permissions import Action, Principal, Role, require
from ..scoping import company_application
from ..views import ApplicationView
from ..webhooks import events as webhook_events
from . import rejection_reasons, stage_stats
from .definitions import MAX_STAGE_NAME
from .job_stages import any_stage, current_stage, pipeline_of, stage_ref
from .transitions import MoveKind, Pipeline, Reason, StageRef, allowed_moves, find_move, passed, skip_note

MAX_NOTE = 2000
# How long the mover may undo a move; the candidate's email waits a little longer than that.
UNDO_SECONDS = 10
EMAIL_HOLD = timedelta(seconds=UNDO_SECONDS + 3)
UNDOABLE = frozenset(
    {MoveKind.FORWARD, MoveKind.SKIP, MoveKind.BACK, MoveKind.REJECT, MoveKind.REOPEN, MoveKind.UNHIRE}
)


_APPS, _JOBS, _HISTORY = Application.__table__, Job.__table__, ApplicationHistory.__table__
_COMPANIES, _USERS = Company.__table__, User.__table__
# A move's statements, built once (building a statement costs more than running it on SQLite).
# The card with its company check and what the candidate's email names, in one round trip:
_CARD = (
    sa.select(
        _APPS.c.id,
        _APPS.c.job_id,
        _APPS.c.candidate_id,
        _APPS.c.stage_id,
        _APPS.c.previous_stage_id,
        _APPS.c.version,
        _APPS.c.created_at,
        _JOBS.c.title.label("job_title"),
        _COMPANIES.c.name.label("company_name"),
        _USERS.c.full_name.label("candidate_name"),
        _USERS.c.email.label("candidate_email"),
        webhook_events.endpoint_exists(_JOBS.c.company_id).label("has_webhooks"),
    )
    .join(_JOBS, _JOBS.c.id == _APPS.c.job_id)
    .join(_COMPANIES, _COMPANIES.c.id == _JOBS.c.company_id)
    .join(_USERS, _USERS.c.id == _APPS.c.candidate_id)
    .where(_APPS.c.id == sa.bindparam("app_id"), _JOBS.c.company_id == sa.bindparam("company_id"))
)
# Optimistic concurrency: the UPDATE applies only to the version the mover read.
_MOVE = (
    sa.update(_APPS)
    .where(_APPS.c.id == sa.bindparam("app_id"), _APPS.c.version == sa.bindparam("seen_version"))
    .values(
        stage_id=sa.bindparam("to_id"),
        previous_stage_id=sa.bindparam("from_id"),
        version=_APPS.c.version + 1,
        stage_changed_at=sa.bindparam("now"),
        updated_at=sa.bindparam("now"),
    )
)
# The old stage was entered when the application's last history row was written (a stay's end minus
# this is its length: analytics/report.py); read inside the INSERT, so a move costs no extra trip.
_LAST_ROW = _HISTORY.alias("last_row")
_ENTERED = (
    sa.select(_LAST_ROW.c.changed_at)
    .where(_LAST_ROW.c.application_id == sa.bindparam("entered_of"))
    .order_by(_LAST_ROW.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_RECORD = sa.insert(_HISTORY).values(old_stage_entered_at=_ENTERED).returning(_HISTORY.c.id)


class Card(notifications.ApplicationKeys, Protocol):
    """What a stage change reads of the application it moves: an ``Application`` row, or the
    ``_CARD`` row a move reads as plain SQL (no ORM object on the hot path)."""

    @property
    def version(self) -> int: ...

    @property
    def created_at(self) -> datetime: ...


def stage_named(pipeline: Pipeline, value: object, what: str = "Stage") -> StageRef:
    """A stage of this job's pipeline by name (case-insensitively); InvalidInput names the valid ones."""
    valid = ", ".join(pipeline.names)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_STAGE_NAME:
        raise InvalidInput(f"{what} must be one of this job's stages; valid stages are: {valid}")
    stage = pipeline.by_name(value)
    if stage is None:
        raise InvalidInput(f"Unknown stage {value.strip()[:40]!r}; valid stages are: {valid}")
    return stage


def _view(app: Card, stage: StageRef, version: int, now: datetime, kind: MoveKind) -> ApplicationView:
    return ApplicationView(
        id=app.id,
        job_id=app.job_id,
        candidate_id=app.candidate_id,
        stage=stage.name,
        version=version,
        created_at=app.created_at,
        updated_at=now,
        stage_changed_at=now,
        category=stage.category,
        kind=kind.value,
        undo_seconds=UNDO_SECONDS if kind in UNDOABLE else 0,
    )


def _change(
    s: Session,
    db: Database,
    app: Card,
    current: StageRef,
    target: StageRef,
    kind: MoveKind,
    by: Principal,
    company_id: int,
    *,
    previous_id: int | None,
    note: str | None = None,
    reason: str | None = None,
    reverts_id: int | None = None,
    context: notifications.EmailContext | None = None,
    hold: timedelta = EMAIL_HOLD,
    batch_id: int | None = None,
    announce: bool = True,
    email: automation.RejectEmail | None = None,
    pipeline: Pipeline,
    created: bool = False,
    webhooks: bool | None = None,
) -> ApplicationView:
    """The one write path of every stage change: plain prebuilt statements (this is the hot path
    of the board and the API), in the caller's transaction. Whether the candidate hears of it,
    how and when is ``mail/automation.plan``'s answer (the stage's settings, or a recruiter's
    ``email`` choice for a rejection); the email never leaves before ``hold`` (the undo window,
    or a knockout's delay). A move of a bulk action carries its ``batch_id``, and is announced by
    the batch once it ends (``announce=False``), so open pages read it once. ``webhooks``: whether
    the company has an enabled endpoint, when the caller read it with the card (None: asked here)."""
    now = datetime.now(UTC)
    sql = s.connection()  # plain statements: nothing of the ORM's is pending here
    won = prebuilt.execute(
        sql,
        _MOVE,
        {
            "app_id": app.id,
            "seen_version": app.version,
            "to_id": target.id,
            "from_id": previous_id,
            "now": now,
        },
    ).rowcount
    if won != 1:
        s.rollback()
        with db.session() as fresh:
            latest = stage_ref(existing(fresh, JobStage, existing(fresh, Application, app.id).stage_id))
        raise ConcurrentUpdate(latest.name)
    history_id = prebuilt.execute(
        sql,
        _RECORD,
        {
            "application_id": app.id,
            "old_stage": current.name,
            "new_stage": target.name,
            "old_stage_id": current.id,
            "new_stage_id": target.id,
            "kind": kind.value,
            "changed_by_id": by.user_id,
            "changed_at": now,
            "note": note,
            "reason": reason,
            "reverts_id": reverts_id,
            "batch_id": batch_id,
            "entered_of": app.id,
        },
    ).scalar_one()
    stage_stats.record(
        sql, history_id=history_id, application_id=app.id, current=current, target=target,
        kind=kind.value, reason=reason, now=now,
    )  # fmt: skip
    planned = automation.plan(s, target.id, kind.value, now=now, floor=hold, choice=email)
    if planned is not None:
        notifications.stage_changed(s, app, target.category, planned, history_id=history_id, context=context)
    if webhooks is not False:
        _tell_webhooks(s, app, current, target, kind, by, company_id, now)
    if announce:
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=company_id
        )
        announce_card_move(
            s,
            app.job_id,
            card_move(
                pipeline, app.id, None if created else current, target, previous_id, now, app.version + 1
            ),
        )
    return _view(app, target, app.version + 1, now, kind)


def card_move(
    pipeline: Pipeline,
    application_id: int,
    current: StageRef | None,
    target: StageRef,
    previous_id: int | None,
    changed_at: datetime,
    version: int,
) -> CardMove:
    """The board's view of a card's move: where it went, when (its place in the column), and the
    moves the table allows it from there (the same ``allowed_moves`` the board read asks)."""
    moves = allowed_moves(pipeline, target, pipeline.by_id(previous_id) if previous_id is not None else None)
    return CardMove(
        application_id,
        current.name if current is not None else None,
        target.name,
        changed_at.isoformat(),
        version,
        target.category,
        tuple((m.target.name, m.kind.value, m.reason.value, m.asks) for m in moves),
    )


def _tell_webhooks(
    s: Session,
    app: Card,
    current: StageRef,
    target: StageRef,
    kind: MoveKind,
    by: Principal,
    company_id: int,
    now: datetime,
) -> None:
    """``application.stage_changed`` for every move, and ``application.hired`` when it hires."""
    for event in (webhook_events.APPLICATION_STAGE_CHANGED, webhook_events.APPLICATION_HIRED):
        if event == webhook_events.APPLICATION_HIRED and not (target.category == "hired" != current.category):
            continue
        webhook_events.application_event(
            s, company_id, event, application_id=app.id, job_id=app.job_id, candidate_id=app.candidate_id,
            now=now, from_stage=current.name, to_stage=target.name, category=target.category,
            kind=kind.value, changed_by_id=by.user_id,
        )  # fmt: skip


def _refuse(
    pipeline: Pipeline, current: StageRef, target: StageRef, origin: StageRef | None
) -> InvalidTransition:
    allowed = [m.target.name for m in allowed_moves(pipeline, current, origin)]
    return InvalidTransition(current.name, target.name, allowed, final=current.terminal)


def move_stage(
    db: Database,
    principal: Principal,
    application_id: object,
    new_stage: object,
    *,
    expected_stage: object = None,
    note: object = None,
    reason: object = None,
    hold: timedelta | None = None,
    batch_id: int | None = None,
    email: automation.RejectEmail | None = None,
) -> ApplicationView:
    """Move an application to ``new_stage``, a stage name of its job's pipeline.

    The transition table decides the kind of move (forward, skip, back, reject, reopen, un-hire)
    and refuses anything else, naming the allowed stages. A skip's history note names the stages
    it passed, before the mover's ``note``. A correction (back, reopen, un-hire) needs a
    reason: ``note``, or ``reason`` as free text. A rejection may carry ``reason``, one of the
    company's standard reasons, and a free ``note``. With ``expected_stage`` the caller says
    where it saw the card; if it has moved since, the move is refused as a conflict.
    ``hold`` keeps the candidate's email longer than the undo window (never shorter: nobody hears
    of a move that can still be undone); ``batch_id`` marks a move of a bulk action, which the
    batch announces to open pages once it ends. ``email`` is the recruiter's choice for a
    rejection's email (template, time, or none); other moves email as their stage says.
    """
    require(principal, Action.MOVE_STAGE)
    company_id = principal.staff_company_id
    application_id = validation.object_id(application_id, "Application id")
    note_text = validation.text(note, "Note", max_len=MAX_NOTE, required=False, multiline=True) or None
    with db.session(write=True) as s:
        app = prebuilt.execute(
            s.connection(), _CARD, {"app_id": application_id, "company_id": company_id}
        ).first()
        if app is None:
            raise NotFound("Application not found.")  # or another company's: as if it did not exist
        pipeline = pipeline_of(s, app.job_id)
        target = stage_named(pipeline, new_stage)
        current = current_stage(s, pipeline, app.stage_id)
        if expected_stage not in (None, ""):
            seen = stage_named(pipeline, expected_stage, "Expected stage")
            if seen.id != current.id:
                raise ConcurrentUpdate(current.name)
        # Only a reopening needs to know where the card came from.
        origin = any_stage(s, app.previous_stage_id) if current.category == "rejected" else None
        move = find_move(pipeline, current, target, origin)
        if move is None:
            raise _refuse(pipeline, current, target, origin)
        standard = None
        if move.kind == MoveKind.REJECT:
            standard = rejection_reasons.checked_reason(s, company_id, reason)
        elif move.kind == MoveKind.SKIP:
            note_text = skip_note(passed(pipeline, current, move.target), note_text)
        elif move.reason == Reason.REQUIRED:
            free = validation.text(reason, "Reason", max_len=MAX_NOTE, required=False, multiline=True)
            note_text = note_text or free or None
            if not note_text:
                raise InvalidInput(
                    f"Moving from {current.name} back to {target.name} is a correction, "
                    "and a correction needs a reason: say why."
                )
        view = _change(
            s,
            db,
            app,
            current,
            move.target,
            move.kind,
            principal,
            company_id,
            previous_id=current.id,
            note=note_text,
            reason=standard,
            context=notifications.EmailContext(
                app.job_title, app.company_name, app.candidate_name, app.candidate_email
            ),
            hold=EMAIL_HOLD if hold is None else max(hold, EMAIL_HOLD),
            batch_id=batch_id,
            announce=batch_id is None,
            email=email if move.kind == MoveKind.REJECT else None,
            pipeline=pipeline,
            webhooks=bool(app.has_webhooks),
        )
        if move.kind == MoveKind.REOPEN:
            _cancel_held_rejections(s, app.id)
        return view


def _cancel_held_rejections(s: Session, application_id: int) -> None:
    """A reopened application's rejection email, if it is still held (a knockout's waits days),
    is never sent."""
    rejections = select(ApplicationHistory.id).where(
        ApplicationHistory.application_id == application_id, ApplicationHistory.kind == MoveKind.REJECT.value
    )
    s.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.history_id.in_(rejections),
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.cancelled_at.is_(None),
        )
        .values(cancelled_at=datetime.now(UTC))
    )


# The standard words of a knockout rejection in the history and the reports.
KNOCKOUT_REASON = "Did not meet requirements"


def knock_out(s: Session, db: Database, app: Application, job: Job, note: str) -> ApplicationView:
    """Reject an application just made whose answer disqualifies it, in its maker's transaction.

    A rejection like any other (the transition table's reject, one history row, the same email),
    except that the candidate's email is held for the job's ``knockout_delay_minutes``, so a
    recruiter who reopens the application meanwhile cancels it. The history row names the job's
    creator, who set the job's questions: a reject is a staff move and every row names an account;
    the note says the move was automatic.
    """
    pipeline = pipeline_of(s, job.id)
    current = current_stage(s, pipeline, app.stage_id)
    rejected = pipeline.of_category("rejected")
    move = find_move(pipeline, current, rejected) if rejected else None
    if move is None or move.kind != MoveKind.REJECT:
        raise Conflict("This job's pipeline has no rejection from its first stage.")
    creator = existing(s, User, job.created_by_id)
    company = existing(s, Company, job.company_id)
    candidate = existing(s, User, app.candidate_id)
    by = Principal(
        user_id=creator.id,
        role=Role(creator.role),
        company_id=creator.company_id,
        email=creator.email,
        full_name=creator.full_name,
    )
    s.flush()  # the application's own rows go first: what follows is plain statements
    return _change(
        s,
        db,
        app,
        current,
        move.target,
        MoveKind.REJECT,
        by,
        job.company_id,
        previous_id=current.id,
        note=note,
        reason=KNOCKOUT_REASON,
        context=notifications.EmailContext(job.title, company.name, candidate.full_name, candidate.email),
        hold=timedelta(minutes=max(0, job.knockout_delay_minutes)),
        pipeline=pipeline,
        created=True,
    )


def undo_move(db: Database, principal: Principal, application_id: object) -> ApplicationView:
    """Undo the caller's last move of this application, within ``UNDO_SECONDS`` of it.

    The undo is a correction in the history (both rows stay) and cancels the candidate's email
    of the undone move, which the outbox still holds.
    """
    return _undo(db, principal, application_id, batch_id=None)


def undo_batch_move(
    db: Database, principal: Principal, application_id: object, batch_id: int
) -> ApplicationView:
    """Undo this application's move of a bulk action, if it is still the card's last move.

    The same undo as ``undo_move``; the caller (``bulk/actions.undo_batch``) has checked that the
    batch is the principal's and that its undo window, counted from the batch's end, is open, and
    announces the batch's cards to open pages once they are all back.
    """
    return _undo(db, principal, application_id, batch_id=batch_id)


def _undo(
    db: Database, principal: Principal, application_id: object, *, batch_id: int | None
) -> ApplicationView:
    """Revert the application's last move: the caller's own within ``UNDO_SECONDS``, or (with
    ``batch_id``) the move that batch made, when nobody has moved the card since."""
    require(principal, Action.MOVE_STAGE)
    company_id = principal.staff_company_id
    with db.session(write=True) as s:
        app = company_application(s, principal, application_id)
        last_two = s.exec(
            select(ApplicationHistory)
            .where(ApplicationHistory.application_id == app.id)
            .order_by(ApplicationHistory.id.desc())
            .limit(2)
        ).all()
        last = last_two[0] if last_two else None
        if batch_id is not None:
            if last is None or last.batch_id != batch_id or last.kind not in UNDOABLE:
                raise Conflict(_moved_since(s, last))
        elif last is None or last.changed_by_id != principal.user_id or last.kind not in UNDOABLE:
            raise Conflict("There is no move of yours to undo on this application.")
        elif datetime.now(UTC) - last.changed_at > timedelta(seconds=UNDO_SECONDS):
            raise Conflict(
                f"The {UNDO_SECONDS} seconds to undo this move are over; "
                "move the card back instead (with a reason)."
            )
        pipeline = pipeline_of(s, app.job_id)
        current = current_stage(s, pipeline, app.stage_id)
        back_to = pipeline.by_id(last.old_stage_id)
        if back_to is None:
            raise Conflict("The stage this move came from has been removed; move the card instead.")
        before = last_two[1].old_stage_id if len(last_two) > 1 else None
        view = _change(
            s,
            db,
            app,
            current,
            back_to,
            MoveKind.UNDO,
            principal,
            company_id,
            previous_id=before,
            note=f"Undid the move to {last.new_stage}.",
            reverts_id=last.id,
            announce=batch_id is None,
            pipeline=pipeline,
        )
        s.execute(
            update(OutboxEmail)
            .where(OutboxEmail.history_id == last.id, OutboxEmail.sent_at.is_(None))
            .values(cancelled_at=datetime.now(UTC))
        )
        # Back where it was, the card's days in stage count from when it entered that stage by the
        # history that stands (undo rows and the moves they reverted are not part of it).
        h = ApplicationHistory
        reverted = select(h.reverts_id).where(h.application_id == app.id, h.reverts_id.is_not(None))
        stood = s.exec(
            select(h)
            .where(h.application_id == app.id, h.id < last.id, h.kind != MoveKind.UNDO.value)
            .where(h.id.not_in(reverted))
            .order_by(h.id.desc())
            .limit(1)
        ).first()
        came = stood is not None and stood.new_stage_id == back_to.id
        entered = stood.changed_at if stood is not None and came else app.created_at
        entered = entered if entered.tzinfo else entered.replace(tzinfo=UTC)
        s.execute(update(Application).where(Application.id == app.id).values(stage_changed_at=entered))
        if batch_id is None:  # back in its old place in the column: open boards put it there
            announce_card_move(
                s, app.job_id, card_move(pipeline, app.id, current, back_to, before, entered, view.version)
            )
        return replace(view, stage_changed_at=entered)


def _moved_since(s: Session, last: ApplicationHistory | None) -> str:
    """Why a batch's move of this card is not undone: someone (or something) moved it since."""
    if last is None:
        return "This application has no move to undo."
    who = s.get(User, last.changed_by_id)
    by = f" by {who.full_name}" if who is not None else ""
    when = "withdrawn" if last.kind == MoveKind.WITHDRAW.value else f"moved to {last.new_stage}{by}"
    return f"It was {when} after the batch; it stays there."


def withdraw(
    db: Database, principal: Principal, application_id: object, note: object = None
) -> ApplicationView:
    """The candidate withdraws one of their applications from any non-terminal stage."""
    require(principal, Action.WITHDRAW)
    application_id = validation.object_id(application_id, "Application id")
    note_text = validation.text(note, "Note", max_len=MAX_NOTE, required=False, multiline=True) or None
    with db.session(write=True) as s:
        app = s.get(Application, application_id)
        if app is None or app.candidate_id != principal.user_id:
            raise NotFound("Application not found.")
        pipeline = pipeline_of(s, app.job_id)
        current = current_stage(s, pipeline, app.stage_id)
        withdrawn = pipeline.of_category("withdrawn")
        move = find_move(pipeline, current, withdrawn, None, Action.WITHDRAW) if withdrawn else None
        if move is None:
            raise Conflict(f"This application is {current.category} and can no longer be withdrawn.")
        company_id = existing(s, Job, app.job_id).company_id
        return _change(
            s, db, app, current, move.target, MoveKind.WITHDRAW, principal, company_id,
            previous_id=current.id, note=note_text, pipeline=pipeline,
        )  # fmt: skip


def reject(
    db: Database,
    principal: Principal,
    application_id: object,
    *,
    reason_id: object = None,
    reason: object = None,
    note: object = None,
    template_id: object = None,
    send_in_minutes: object = None,
    send_at: object = None,
    notify: object = True,
    expected_stage: object = None,
) -> ApplicationView:
    """Reject on the recruiter's terms: a reason (``reason_id`` or its words), a note, and the
    candidate's email from ``template_id`` (None: the stage's own, else the company's default
    rejection) after ``send_in_minutes`` or at ``send_at``, or none with ``notify=False``. The
    email is held in the outbox until then; reopening or undoing cancels it."""
    require(principal, Action.MOVE_STAGE)
    application_id = validation.object_id(application_id, "Application id")
    choice = automation.parse_reject_email(
        notify=notify, template_id=template_id, send_in_minutes=send_in_minutes, send_at=send_at
    )
    with db.session() as s:
        app = company_application(s, principal, application_id)
        label = rejection_reasons.reason_by_id(s, principal.staff_company_id, reason_id)
        rejected = pipeline_of(s, app.job_id).of_category("rejected")
    if rejected is None:
        raise Conflict("This job's pipeline has no rejected stage.")
    return move_stage(
        db,
        principal,
        application_id,
        rejected.name,
        expected_stage=expected_stage,
        note=note,
        reason=label if label is not None else reason,
        email=choice,
    )


@dataclass(frozen=True)
class RejectOptions:
    """What the reject dialog offers: the company's reasons, its rejection templates, and the
    template each reason pre-chooses (None: the default)."""

    reasons: tuple[rejection_reasons.ReasonChoice, ...]
    templates: tuple[automation.TemplateChoice, ...]
    template_for_reason: dict[int, int | None]


def reject_options(db: Database, principal: Principal) -> RejectOptions:
    require(principal, Action.MOVE_STAGE)
    company_id = principal.staff_company_id
    with db.session() as s:
        reasons = rejection_reasons.reasons(s, company_id)
        choices = automation.rejection_templates(s, company_id)
    return RejectOptions(
        tuple(reasons),
        tuple(choices),
        {r.id: automation.template_for_reason(choices, r.label) for r in reasons},
    )
