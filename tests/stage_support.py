"""The stage an application is in, read as the product reads it: the name of its ``stage_id``."""

from __future__ import annotations

from sqlmodel import Session

from flowtrack_ui.core.models import Application, JobStage


def stage_name(s: Session, app_id: int) -> str:
    """The name of the job stage the application is in now (renames included)."""
    return s.get(JobStage, s.get(Application, app_id).stage_id).name


def let_undo_windows_pass(db, seconds: int = 120) -> None:
    """As if ``seconds`` had passed since every move and held email: the candidate sees them now."""
    from datetime import timedelta

    from sqlmodel import select

    from flowtrack_ui.core.models import ApplicationHistory, OutboxEmail

    back = timedelta(seconds=seconds)
    with db.session(write=True) as s:
        for row in s.exec(select(ApplicationHistory)).all():
            row.changed_at = row.changed_at - back
            s.add(row)
        for email in s.exec(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))).all():
            email.next_attempt_at = email.next_attempt_at - back
            s.add(email)
