"""Reading an application: everything the candidate sent, for the company's staff and the candidate.

Staff of the job's company (recruiters and hiring managers) and the candidate themself may
read it; anyone else gets NotFound, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from .. import validation
from ..candidates.profile import file_view
from ..db import existing
from ..errors import NotFound
from ..files import storage
from ..files.file_types import PDF
from ..models import (
    Application,
    ApplicationAnswer,
    CandidateProfile,
    Company,
    Job,
    JobStage,
    StoredFile,
    User,
)
from ..permissions import Action, Principal, may
from ..talent import duplicates
from ..talent.duplicates import PossibleDuplicate
from ..talent.tags import tags_by_candidate
from ..views import FileView
from .questions import AnswerView, answer_view


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    job_id: int
    job_title: str
    company_name: str
    stage: str
    applied_at: datetime
    candidate_id: int
    candidate_name: str
    candidate_email: str
    phone: str
    location: str
    linkedin_url: str
    website: str
    headline: str
    cover_letter: str
    answers: tuple[AnswerView, ...]
    resume: FileView | None
    # For the company's staff: other candidates with the same phone or LinkedIn profile.
    possible_duplicates: tuple[PossibleDuplicate, ...] = ()
    tags: tuple[str, ...] = ()


def readable_application(s: Session, principal: Principal, application_id: object) -> tuple[Application, Job]:
    """The application and its job if the caller may read it: its company's staff, or its candidate."""
    application_id = validation.object_id(application_id, "Application id")
    row = s.exec(
        select(Application, Job)
        .join(Job, Job.id == Application.job_id)
        .where(Application.id == application_id)
    ).first()
    if row is not None:
        app, job = row
        if principal.is_staff and may(principal, Action.VIEW_JOB_APPLICATIONS):
            if job.company_id == principal.company_id:
                return app, job
        elif may(principal, Action.VIEW_OWN_APPLICATIONS) and app.candidate_id == principal.user_id:
            return app, job
    raise NotFound("Application not found.")


def application_detail(db, principal: Principal, application_id: object) -> ApplicationDetail:
    with db.session() as s:
        app, job = readable_application(s, principal, application_id)
        candidate = s.get(User, app.candidate_id)
        profile = s.get(CandidateProfile, app.candidate_id) or CandidateProfile(user_id=app.candidate_id)
        answers = s.exec(
            select(ApplicationAnswer)
            .where(ApplicationAnswer.application_id == app.id)
            .order_by(ApplicationAnswer.position, ApplicationAnswer.id)
        ).all()
        resume = s.get(StoredFile, app.resume_file_id) if app.resume_file_id else None
        return ApplicationDetail(
            id=app.id,
            job_id=job.id,
            job_title=job.title,
            company_name=s.get(Company, job.company_id).name,
            stage=s.get(JobStage, app.stage_id).name,
            applied_at=app.created_at,
            candidate_id=candidate.id,
            candidate_name=candidate.full_name,
            candidate_email=candidate.email,
            phone=profile.phone,
            location=profile.location,
            linkedin_url=profile.linkedin_url,
            website=profile.website,
            headline=profile.headline,
            cover_letter=app.cover_letter or "",
            answers=tuple(answer_view(a) for a in answers),
            resume=file_view(resume),
            possible_duplicates=tuple(duplicates.possible_duplicates(s, job.company_id, candidate.id))
            if principal.is_staff
            else (),
            tags=tuple(tags_by_candidate(s, job.company_id, [candidate.id])[candidate.id])
            if principal.is_staff
            else (),
        )


def application_stage(db, principal: Principal, application_id: object) -> str:
    """The stage an application is in now, under the same check as ``application_detail``: what an
    open application page reads again when the application changes (two statements, not all of it)."""
    with db.session() as s:
        app, _job = readable_application(s, principal, application_id)
        return existing(s, JobStage, app.stage_id).name


def _resume_row(s: Session, principal: Principal, application_id: object) -> StoredFile:
    app, _job = readable_application(s, principal, application_id)
    row = s.get(StoredFile, app.resume_file_id) if app.resume_file_id else None
    if row is None:
        raise NotFound("This application has no résumé.")
    return row


def application_resume(db, principal: Principal, application_id: object) -> tuple[FileView, bytes]:
    """The résumé snapshotted onto the application, bytes included."""
    with db.session() as s:
        row = _resume_row(s, principal, application_id)
        return file_view(row), row.data


def resume_text(db, principal: Principal, application_id: object) -> str:
    """The résumé's extracted text (a DOCX is read in the page this way)."""
    with db.session() as s:
        return _resume_row(s, principal, application_id).text or ""


@dataclass(frozen=True)
class ResumePage:
    """A page image drawn at upload; ``png`` is None when that page has none (too large, not drawn)."""

    png: bytes | None
    width: int
    height: int
    shown_pages: int  # how many pages the viewer steps through
    file_sha256: str  # the bytes it was drawn from: the image never changes for a given file


def resume_page_image(db, principal: Principal, application_id: object, page: object) -> ResumePage:
    """Page ``page`` (from 0) of the résumé snapshotted onto the application, as stored.

    Nothing is drawn here unless the file predates stored previews; then its pages are drawn
    once, by a file worker, in the caller's thread (never call this on the event loop).
    """
    page_no = page if isinstance(page, int) and not isinstance(page, bool) and 0 <= page < 10_000 else -1
    with db.session() as s:
        row = _resume_row(s, principal, application_id)
        file_id, status, sha = row.id, row.preview_status, row.sha256
        if row.content_type != PDF:
            return ResumePage(None, 0, 0, 0, sha)
    if status == storage.PENDING:
        storage.ensure_previews(db, file_id)
    with db.session() as s:
        row = s.get(StoredFile, file_id)
        if row is None:
            raise NotFound("This application has no résumé.")
        image = storage.page_image(s, file_id, page_no) if page_no >= 0 else None
        shown = storage.shown_pages(s, row)
        if image is None:
            return ResumePage(None, 0, 0, shown, sha)
        return ResumePage(image.png, image.width, image.height, shown, sha)


def resume_page(db, principal: Principal, application_id: object, page: object) -> tuple[bytes | None, int]:
    """One page of a PDF résumé as a PNG (drawn at upload), and how many pages can be shown."""
    image = resume_page_image(db, principal, application_id, page)
    return image.png, image.shown_pages
