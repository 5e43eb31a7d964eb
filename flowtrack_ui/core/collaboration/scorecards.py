"""Scorecards: one per interviewer and interview, and who may read whose.

An interviewer sees the other interviewers' scorecards of an interview only after submitting
their own (so nobody anchors on a colleague's verdict). Recruiters see all (the permission
table's READ_ALL_SCORECARDS); a hiring manager who is not on the interview sees all. ``visible``
holds the rule.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import validation
from ..db import Database, announce_application_change, existing
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import Interview, InterviewInterviewer, Job, Scorecard, User
from ..permissions import Action, Principal, may, require
from .access import staff_application, staff_interview

RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
LABELS = {"strong_no": "Strong no", "no": "No", "yes": "Yes", "strong_yes": "Strong yes"}
MAX_CRITERIA = 12
T = TypeVar("T")
# The criteria the new-job form starts with (a job created without criteria has none).
DEFAULT_CRITERIA = ("Technical depth", "Communication", "Collaboration")


@dataclass(frozen=True)
class ScorecardView:
    id: int
    interview_id: int
    interviewer_id: int
    interviewer_name: str
    recommendation: str
    ratings: tuple[tuple[str, int], ...]
    notes: str
    submitted_at: datetime


def criteria_of(job: Job) -> list[str]:
    return list(json.loads(job.scorecard_criteria or "[]"))


def parse_criteria(raw: object) -> list[str]:
    """The job's criteria, checked: distinct one-line names."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise InvalidInput("Criteria must be a list of names.")
    found: list[str] = []
    for item in raw:
        name = validation.text(item, "Criterion", max_len=80, required=False)
        if name and name not in found:
            found.append(name)
    if len(found) > MAX_CRITERIA:
        raise InvalidInput(f"A job has at most {MAX_CRITERIA} criteria.")
    return found


def submit(db: Database, principal: Principal, interview_id: object, fields: dict) -> ScorecardView:
    """The caller's scorecard for an interview they are an interviewer of; once."""
    require(principal, Action.SUBMIT_SCORECARD)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the scorecard as an object.")
    recommendation = fields.get("recommendation")
    if recommendation not in RECOMMENDATIONS:
        raise InvalidInput(f"Recommendation must be one of {', '.join(RECOMMENDATIONS)}.")
    notes = validation.text(fields.get("notes"), "Notes", max_len=5000, required=False, multiline=True)
    raw = fields.get("ratings") or {}
    if not isinstance(raw, dict):
        raise InvalidInput("Ratings must map each criterion to a number from 1 to 4.")
    with db.session(write=True) as s:
        interview, app, job = staff_interview(s, principal, interview_id)
        if s.get(InterviewInterviewer, (interview.id, principal.user_id)) is None:
            raise Forbidden("Only this interview's interviewers submit scorecards for it.")
        if interview.status != "scheduled":
            raise Conflict("This interview was cancelled.")
        criteria = criteria_of(job)
        ratings: dict[str, int] = {}
        for name in criteria:
            try:
                value = int(raw[name])
            except (KeyError, TypeError, ValueError):
                raise InvalidInput(f"Rate “{name}” from 1 to 4.") from None
            if not 1 <= value <= 4:
                raise InvalidInput(f"Rate “{name}” from 1 to 4.")
            ratings[name] = value
        unknown = set(raw) - set(criteria)
        if unknown:
            raise InvalidInput(f"“{sorted(unknown)[0]}” is not a criterion of this job.")
        card = Scorecard(
            interview_id=interview.id,
            interviewer_id=principal.user_id,
            recommendation=recommendation,
            ratings=json.dumps(ratings),
            notes=notes,
            submitted_at=datetime.now(UTC),
        )
        s.add(card)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict("You have already submitted your scorecard for this interview.") from None
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return _view(card, existing(s, User, principal.user_id))


def _view(card: Scorecard, author: User) -> ScorecardView:
    return ScorecardView(
        id=card.id,
        interview_id=card.interview_id,
        interviewer_id=card.interviewer_id,
        interviewer_name=author.full_name,
        recommendation=card.recommendation,
        ratings=tuple(json.loads(card.ratings or "{}").items()),
        notes=card.notes,
        submitted_at=card.submitted_at,
    )


def visible_scorecards(s: Session, principal: Principal, application_id: int) -> list[ScorecardView]:
    """The scorecards of an application the caller may read, by the rule above."""
    rows = s.exec(
        select(Scorecard, User)
        .join(User, User.id == Scorecard.interviewer_id)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .where(Interview.application_id == application_id)
        .order_by(Scorecard.submitted_at)
    ).all()
    shown = visible(
        s, principal, [application_id], rows, lambda row: (row[0].interview_id, row[0].interviewer_id)
    )
    return [_view(c, u) for c, u in shown]


def reader_key(principal: Principal) -> object:
    """Readers with the same key see the same scorecards of any application (``visible``'s rule):
    those who may read all of them share one; anyone else reads by who they are."""
    return "all" if may(principal, Action.READ_ALL_SCORECARDS) else ("user", principal.user_id)


def visible(
    s: Session,
    principal: Principal,
    application_ids: Sequence[int],
    cards: Sequence[T],
    scored: Callable[[T], tuple[int, int]],
) -> list[T]:
    """The rule of this module, the one place it is written: which of ``cards`` the caller may read.

    ``cards`` are scorecard rows of ``application_ids``; ``scored(card)`` is its (interview id,
    interviewer id). Whoever may READ_ALL_SCORECARDS (recruiters) reads all; anyone else reads
    their own, and the others' of an interview only once they have submitted theirs, or when they
    are not one of its interviewers.
    """
    if not cards or may(principal, Action.READ_ALL_SCORECARDS):
        return list(cards)
    keys = [scored(card) for card in cards]
    mine = set(
        s.exec(
            select(InterviewInterviewer.interview_id)
            .join(Interview, Interview.id == InterviewInterviewer.interview_id)
            .where(
                Interview.application_id.in_(list(application_ids)),
                InterviewInterviewer.user_id == principal.user_id,
            )
        ).all()
    )
    submitted = {interview for interview, author in keys if author == principal.user_id}
    hidden = mine - submitted  # interviews the caller is on and has not scored yet
    return [
        card
        for card, (interview, author) in zip(cards, keys, strict=True)
        if interview not in hidden or author == principal.user_id
    ]


def for_application(db: Database, principal: Principal, application_id: object) -> list[ScorecardView]:
    with db.session() as s:
        app, _job = staff_application(s, principal, application_id)
        return visible_scorecards(s, principal, app.id)


def summary(recommendations: list[str]) -> str:
    """``2 × Yes, 1 × Strong yes``, strongest first."""
    counts = Counter(recommendations)
    return ", ".join(f"{counts[r]} × {LABELS[r]}" for r in reversed(RECOMMENDATIONS) if counts[r])


def summaries(s: Session, principal: Principal, application_ids: list[int]) -> dict[int, str]:
    """For board cards: each application's visible scorecards summed up (two queries)."""
    if not application_ids:
        return {}
    rows = s.exec(
        select(
            Interview.application_id,
            Scorecard.interview_id,
            Scorecard.interviewer_id,
            Scorecard.recommendation,
        )
        .join(Interview, Interview.id == Scorecard.interview_id)
        .where(Interview.application_id.in_(application_ids))
    ).all()
    found: dict[int, list[str]] = {}
    for app_id, _interview, _author, recommendation in visible(
        s, principal, application_ids, rows, lambda row: (row[1], row[2])
    ):
        found.setdefault(app_id, []).append(recommendation)
    return {app_id: summary(recs) for app_id, recs in found.items()}
