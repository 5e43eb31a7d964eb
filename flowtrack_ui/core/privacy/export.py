"""A candidate's copy of their data: one zip with ``data.json`` and every file they sent."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime

from sqlmodel import select

from ..db import Database
from ..models import (
    Application,
    ApplicationAnswer,
    CandidateProfile,
    Company,
    Interview,
    Job,
    OutboxEmail,
    StoredFile,
    User,
)
from ..permissions import Action, Principal, require
from ..queries import candidate_timelines

FORMAT = "flowtrack-export/1"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _zip_name(f: StoredFile) -> str:
    safe = re.sub(r"[^\w.-]+", "_", f.original_name).strip("._") or "file"
    return f"files/{f.id}-{safe}"


def export_my_data(db: Database, principal: Principal) -> tuple[str, bytes]:
    """(file name, zip bytes). What the candidate sees of their applications, plus everything they
    sent; the hiring team's internal notes and reasons are the company's, as on every other page."""
    require(principal, Action.MANAGE_OWN_DATA)
    with db.session() as s:
        user = s.get(User, principal.user_id)
        profile = s.get(CandidateProfile, user.id) or CandidateProfile(user_id=user.id)
        files = s.exec(select(StoredFile).where(StoredFile.owner_id == user.id).order_by(StoredFile.id)).all()
        names = {f.id: _zip_name(f) for f in files}
        rows = s.exec(
            select(Application, Job.title, Company.name)
            .join(Job, Job.id == Application.job_id)
            .join(Company, Company.id == Job.company_id)
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
        emails = s.exec(
            select(OutboxEmail)
            .where(OutboxEmail.to_address == user.email, OutboxEmail.cancelled_at.is_(None))
            .order_by(OutboxEmail.id)
        ).all()
        data = {
            "format": FORMAT,
            "exported_at": _iso(datetime.now(UTC)),
            "account": {
                "email": user.email,
                "full_name": user.full_name,
                "created_at": _iso(user.created_at),
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
                    "stage": app.stage,
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
                }
                for app, title, company in rows
            ],
            "emails": [
                {
                    "subject": e.subject,
                    "written_at": _iso(e.created_at),
                    "sent_at": _iso(e.sent_at),
                    "body": e.body_text,
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
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
            for f in files:
                z.writestr(names[f.id], f.data)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        return f"flowtrack-data-{stamp}.zip", buffer.getvalue()
