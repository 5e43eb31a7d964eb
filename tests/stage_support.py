"""The stage an application is in, read as the product reads it: the name of its ``stage_id``."""

from __future__ import annotations

from sqlmodel import Session

from flowtrack_ui.core.models import Application, JobStage


def stage_name(s: Session, app_id: int) -> str:
    """The name of the job stage the application is in now (renames included)."""
    return s.get(JobStage, s.get(Application, app_id).stage_id).name
