"""One feed per application: stage changes, notes, emails, interviews and scorecards, newest first.

Hiring managers see it without stage changes (they do not see stage history); scorecards
follow the visibility rule of ``scorecards``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from .. import time_zones
from ..db import Database, existing
from ..models import ApplicationHistory, ApplicationNote, Interview, OfferEvent, OutboxEmail, User
from ..permissions import Action, Principal, may
from . import scorecards
from .access import staff_application
from .interviews import describe_when

KINDS = ("stage", "note", "email", "interview", "scorecard", "offer")


# An offer's steps (OfferEvent.kind, written by offers/workflow.py and offers/responses.py).
OFFER_STEPS = {
    "created": "Offer drafted",
    "edited": "Offer edited",
    "submitted": "Offer submitted for approval",
    "approved": "Offer approved",
    "ready": "Offer ready to send",
    "declined_approval": "Offer declined by an approver",
    "sent": "Offer sent",
    "viewed": "Offer opened by the candidate",
    "accepted": "Offer accepted and signed",
    "declined": "Offer declined by the candidate",
    "withdrawn": "Offer withdrawn",
    "revised": "Offer revised",
}


@dataclass(frozen=True)
class ActivityItem:
    kind: str  # one of KINDS
    at: datetime
    actor: str  # who did it ("" for the system)
    title: str  # one line
    body: str  # more text (a note, a scorecard's notes), may be ""


def feed(db: Database, principal: Principal, application_id: object, limit: int = 200) -> list[ActivityItem]:
    items: list[ActivityItem] = []
    with db.session() as s:
        app, job = staff_application(s, principal, application_id)
        viewer = time_zones.entry_zone(s, principal.user_id)  # interview times in the reader's zone too
        names = {u.id: u.full_name for u in s.exec(select(User).where(User.company_id == job.company_id))}
        names[app.candidate_id] = existing(s, User, app.candidate_id).full_name
        if may(principal, Action.VIEW_HISTORY):
            for h in s.exec(select(ApplicationHistory).where(ApplicationHistory.application_id == app.id)):
                title = (
                    f"Applied ({h.new_stage})" if h.old_stage is None else f"{h.old_stage} → {h.new_stage}"
                )
                items.append(
                    ActivityItem("stage", h.changed_at, names.get(h.changed_by_id, ""), title, h.note or "")
                )
        for n in s.exec(select(ApplicationNote).where(ApplicationNote.application_id == app.id)):
            items.append(ActivityItem("note", n.created_at, names.get(n.author_id, ""), "Note", n.body))
        for e in s.exec(select(OutboxEmail).where(OutboxEmail.application_id == app.id)):
            status = "sent" if e.sent_at else "failed" if e.failed_at else "queued"
            items.append(
                ActivityItem(
                    "email",
                    e.sent_at or e.created_at,
                    "",
                    f"Email {status}: {e.subject}",
                    f"To {e.to_address}",
                )
            )
        for i in s.exec(select(Interview).where(Interview.application_id == app.id)):
            where = i.location or i.video_url
            items.append(
                ActivityItem(
                    "interview",
                    i.created_at,
                    names.get(i.scheduled_by_id, ""),
                    f"Interview scheduled for {describe_when(i, viewer)}",
                    where,
                )
            )
            if i.status == "cancelled":
                items.append(
                    ActivityItem(
                        "interview", i.updated_at, names.get(i.scheduled_by_id, ""), "Interview cancelled", ""
                    )
                )
            elif i.sequence > 0:
                items.append(
                    ActivityItem(
                        "interview",
                        i.updated_at,
                        names.get(i.scheduled_by_id, ""),
                        f"Interview moved to {describe_when(i, viewer)}",
                        where,
                    )
                )
        for o in s.exec(select(OfferEvent).where(OfferEvent.application_id == app.id)):
            title = OFFER_STEPS.get(o.kind, o.kind)
            actor = names.get(o.actor_id, "") if o.actor_id else ""
            items.append(ActivityItem("offer", o.at, actor, f"{title} (offer {o.offer_id})", o.note))
        for c in scorecards.visible_scorecards(s, principal, app.id):
            ratings = ", ".join(f"{k} {v}/4" for k, v in c.ratings)
            body = "\n".join(x for x in (ratings, c.notes) if x)
            items.append(
                ActivityItem(
                    "scorecard",
                    c.submitted_at,
                    c.interviewer_name,
                    f"Scorecard: {scorecards.LABELS[c.recommendation]}",
                    body,
                )
            )
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
