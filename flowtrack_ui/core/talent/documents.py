"""The searchable document of each (company, candidate): rewritten in the caller's transaction.

Every use case that changes what a company may search about a candidate (an application
arrives, a note is written, tags change, the candidate renames themself or edits the headline,
an erase) calls ``refresh`` before it commits, so the full-text index never lags the data. The
document holds only what that company received: the résumés attached to its applications, its
own notes and tags, never another company's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..models import (
    Application,
    ApplicationNote,
    CandidateProfile,
    CandidateTag,
    Job,
    StoredFile,
    TalentDocument,
    User,
)


def company_key(company_id: int) -> str:
    return f"c{company_id}"


def _company_apps(company_id: int, candidate_id: int):
    return (
        select(Application.id)
        .join(Job, Job.id == Application.job_id)
        .where(Job.company_id == company_id, Application.candidate_id == candidate_id)
    )


def refresh(s: Session, company_id: int, candidate_id: int) -> None:
    """Rewrites (or removes, when nothing of theirs is left in the company) one document."""
    apps = _company_apps(company_id, candidate_id)
    last_applied = s.exec(select(func.max(Application.created_at)).where(Application.id.in_(apps))).one()
    doc = s.exec(
        select(TalentDocument).where(
            TalentDocument.company_id == company_id, TalentDocument.candidate_id == candidate_id
        )
    ).first()
    user = s.get(User, candidate_id)
    if last_applied is None or user is None or user.erased_at is not None:
        if doc is not None:
            s.delete(doc)
            s.flush()
        return
    profile = s.get(CandidateProfile, candidate_id)
    resumes = s.exec(
        select(StoredFile.text)
        .where(StoredFile.id.in_(select(Application.resume_file_id).where(Application.id.in_(apps))))
        .where(StoredFile.text.is_not(None))
        .order_by(StoredFile.id)
    ).all()
    notes = s.exec(
        select(ApplicationNote.body)
        .where(ApplicationNote.application_id.in_(apps))
        .order_by(ApplicationNote.id)
    ).all()
    tags = s.exec(
        select(CandidateTag.label)
        .where(CandidateTag.company_id == company_id, CandidateTag.candidate_id == candidate_id)
        .order_by(CandidateTag.label)
    ).all()
    last_applied = last_applied if last_applied.tzinfo else last_applied.replace(tzinfo=UTC)
    if doc is None:
        doc = TalentDocument(
            company_id=company_id,
            candidate_id=candidate_id,
            company_key=company_key(company_id),
            last_applied_at=last_applied,
        )
    doc.company_key = company_key(company_id)
    doc.full_name = user.full_name
    doc.email = user.email
    doc.headline = profile.headline if profile else ""
    # The query keeps only files with text; `or ""` says so to the type checker.
    doc.resume_text = "\n".join(text or "" for text in resumes)
    doc.notes_text = "\n".join(notes)
    doc.tags_text = " ".join(tags)
    doc.last_applied_at = last_applied
    doc.updated_at = datetime.now(UTC)
    s.add(doc)
    s.flush()


def companies_of(s: Session, candidate_id: int) -> list[int]:
    """The companies that hold a document about the candidate."""
    return list(
        s.exec(select(TalentDocument.company_id).where(TalentDocument.candidate_id == candidate_id)).all()
    )


def refresh_everywhere(s: Session, candidate_id: int) -> None:
    """After a change the candidate made to themself (name, headline): every company's copy."""
    for company_id in companies_of(s, candidate_id):
        refresh(s, company_id, candidate_id)


def remove_all(s: Session, candidate_id: int) -> None:
    """Every document about the candidate (the triggers take the words out of the FTS5 index)."""
    s.exec(delete(TalentDocument).where(TalentDocument.candidate_id == candidate_id))
