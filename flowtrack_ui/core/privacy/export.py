"""A candidate's copy of their data: one zip with ``data.json`` and every file they sent.

The zip is written to a spooled temporary file (in memory up to 1 MiB, then on disk) and each file
is read from the database in 1 MiB slices, so an export's memory stays the same however large the
files are; the API streams the result to the client.

Its emails are those of the person's own records only: the emails of their applications and of
their own account (password reset, address confirmation). An email that merely went to the same
address (a staff invitation, another sign-up's confirmation) is never in it, and no one-time
link's token is either: an export cannot be used to act on a link.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import IO

import sqlalchemy as sa
from sqlalchemy.orm import load_only
from sqlmodel import Session, or_, select

from .. import notifications
from ..db import Database, existing
from ..models import (
    Application,
    ApplicationAnswer,
    CandidateProfile,
    Company,
    Interview,
    Job,
    JobStage,
    OutboxEmail,
    StoredFile,
    User,
)
from ..offers import responses as offer_responses
from ..permissions import Action, Principal, require
from ..queries import candidate_timelines

FORMAT = "flowtrack-export/1"
CHUNK = 1 << 20  # bytes of a file read from the database at a time
IN_MEMORY = 1 << 20  # the zip stays in memory up to this size, then moves to a temporary file
# The token of an emailed one-time link (confirmation, password reset, invitation, sign-in).
_LINK_TOKEN = re.compile(r"(/(?:verify|reset-password|invite|track)/)[A-Za-z0-9_-]+")
LINK_REMOVED = "[link not included in the export]"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _zip_name(file_id: int, original_name: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", original_name).strip("._") or "file"
    return f"files/{file_id}-{safe}"


def file_name(principal: Principal) -> str:
    """The export's file name, once the caller may export (the UI checks before it downloads)."""
    require(principal, Action.MANAGE_OWN_DATA)
    return f"flowtrack-data-{datetime.now(UTC):%Y-%m-%d}.zip"


def _own_emails(s: Session, user: User, app_ids: list[int]) -> Sequence[OutboxEmail]:
    """The emails of the person's applications, and of their account, to their address."""
    return s.exec(
        select(OutboxEmail)
        .where(
            OutboxEmail.to_address == user.email,
            OutboxEmail.cancelled_at.is_(None),
            or_(
                OutboxEmail.application_id.in_(app_ids),
                OutboxEmail.application_id.is_(None)
                & OutboxEmail.kind.in_(notifications.ACCOUNT_EMAIL_KINDS)
                & (OutboxEmail.created_at >= user.created_at),
            ),
        )
        .order_by(OutboxEmail.id)
    ).all()


def _file_chunks(s: Session, file_id: int) -> Iterator[bytes]:
    """A stored file's bytes, a slice at a time (never the whole blob in memory)."""
    start = 1
    while True:
        chunk = s.exec(
            select(sa.func.substr(StoredFile.data, start, CHUNK, type_=sa.LargeBinary)).where(
                StoredFile.id == file_id
            )
        ).first()
        if not chunk:
            return
        yield bytes(chunk)
        if len(chunk) < CHUNK:
            return
        start += CHUNK


def export_my_data(db: Database, principal: Principal) -> tuple[str, IO[bytes]]:
    """(file name, the zip in a temporary file at its start; the caller closes it). What the
    candidate sees of their applications, plus everything they sent; the hiring team's internal
    notes and reasons are the company's, as on every other page."""
    name = file_name(principal)
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    try:
        write_export(db, principal, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return name, out


def write_export(db: Database, principal: Principal, out: IO[bytes]) -> None:
    """Write the candidate's zip to ``out`` (any writable binary file)."""
    require(principal, Action.MANAGE_OWN_DATA)
    with db.session() as s:
        user = existing(s, User, principal.user_id)
        profile = s.get(CandidateProfile, user.id) or CandidateProfile(user_id=user.id)
        files = s.exec(
            select(StoredFile)
            .options(  # not the bytes: they are streamed into the zip a slice at a time
                load_only(
                    StoredFile.id,
                    StoredFile.original_name,
                    StoredFile.content_type,
                    StoredFile.size,
                    StoredFile.sha256,
                    StoredFile.created_at,
                    raiseload=True,
                )
            )
            .where(StoredFile.owner_id == user.id)
            .order_by(StoredFile.id)
        ).all()
        names: dict[int | None, str] = {f.id: _zip_name(f.id, f.original_name) for f in files}
        rows = s.exec(
            select(Application, Job.title, Company.name, JobStage.name)
            .join(Job, Job.id == Application.job_id)
            .join(Company, Company.id == Job.company_id)
            .join(JobStage, JobStage.id == Application.stage_id)
            .where(Application.candidate_id == user.id)
            .order_by(Application.id)
        ).all()
        app_ids = [a.id for a, *_ in rows]
        timelines = candidate_timelines(s, app_ids)
        answers = s.exec(
            select(ApplicationAnswer)
            .where(ApplicationAnswer.application_id.in_(app_ids))
            .order_by(ApplicationAnswer.application_id, ApplicationAnswer.position)
        ).all()
        interviews = s.exec(
            select(Interview).where(Interview.application_id.in_(app_ids)).order_by(Interview.starts_at)
        ).all()
        emails = _own_emails(s, user, app_ids)
        offers = offer_responses.for_export(s, app_ids, datetime.now(UTC))
        data = {
            "format": FORMAT,
            "exported_at": _iso(datetime.now(UTC)),
            "account": {
                "email": user.email,
                "full_name": user.full_name,
                "created_at": _iso(user.created_at),
                "email_confirmed_at": _iso(user.email_verified_at),
            },
            "profile": {
                "phone": profile.phone,
                "location": profile.location,
                "linkedin_url": profile.linkedin_url,
                "website": profile.website,
                "headline": profile.headline,
                "current_resume": names.get(profile.resume_file_id),
            },
            "applications": [
                {
                    "id": app.id,
                    "job_title": title,
                    "company": company,
                    "applied_at": _iso(app.created_at),
                    "stage": stage,
                    "cover_letter": app.cover_letter,
                    "resume": names.get(app.resume_file_id),
                    "answers": [
                        {"question": a.prompt, "answer": a.answer}
                        for a in answers
                        if a.application_id == app.id
                    ],
                    "timeline": [
                        {"from": t.old_stage, "to": t.new_stage, "at": _iso(t.changed_at)}
                        for t in timelines[app.id]
                    ],
                    "interviews": [
                        {
                            "starts_at": _iso(i.starts_at),
                            "duration_minutes": i.duration_minutes,
                            "timezone": i.timezone,
                            "location": i.location,
                            "video_url": i.video_url,
                            "status": i.status,
                        }
                        for i in interviews
                        if i.application_id == app.id
                    ],
                    "offers": offers.get(app.id, []),
                }
                for app, title, company, stage in rows
            ],
            "emails": [
                {
                    "subject": e.subject,
                    "written_at": _iso(e.created_at),
                    "sent_at": _iso(e.sent_at),
                    "body": _LINK_TOKEN.sub(r"\g<1>" + LINK_REMOVED, e.body_text),
                }
                for e in emails
            ],
            "files": [
                {
                    "path": names[f.id],
                    "name": f.original_name,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                    "uploaded_at": _iso(f.created_at),
                }
                for f in files
            ],
        }
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
            for f in files:
                # Résumés (PDF, DOCX) are compressed already: stored as they are.
                entry = zipfile.ZipInfo(names[f.id], date_time=f.created_at.timetuple()[:6])
                entry.compress_type = zipfile.ZIP_STORED
                with z.open(entry, "w") as dest:
                    for chunk in _file_chunks(s, f.id):
                        dest.write(chunk)
