"""One person, two accounts: a candidate who signs up again with another email but the same phone
or LinkedIn profile is flagged to the company's recruiters, with the other record linked.

Both are compared by a key kept on the profile (indexed): the phone's last nine digits (so
"+44 20 7946 0958" and "020 7946 0958" meet) and the LinkedIn profile's path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from ..models import Application, CandidateProfile, Job, User

PHONE_DIGITS = 9


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-PHONE_DIGITS:] if len(digits) >= 6 else ""


def linkedin_key(url: str) -> str:
    m = re.search(r"linkedin\.com/(in|pub)/([^/?#]+)", (url or "").lower())
    return f"{m.group(1)}/{m.group(2)}" if m else ""


@dataclass(frozen=True)
class PossibleDuplicate:
    candidate_id: int
    full_name: str
    email: str
    same: str  # "phone", "LinkedIn profile" or both
    application_id: int  # their latest application in the company, to open


def possible_duplicates(s: Session, company_id: int, candidate_id: int) -> list[PossibleDuplicate]:
    """Other candidates of the same company sharing the phone or LinkedIn key (never another
    company's candidates: the recruiter could not open them)."""
    mine = s.get(CandidateProfile, candidate_id)
    if mine is None or not (mine.phone_key or mine.linkedin_key):
        return []
    matches = []
    if mine.phone_key:
        matches.append(CandidateProfile.phone_key == mine.phone_key)
    if mine.linkedin_key:
        matches.append(CandidateProfile.linkedin_key == mine.linkedin_key)
    rows = s.exec(
        select(CandidateProfile, User, Application.id)
        .join(User, User.id == CandidateProfile.user_id)
        .join(Application, Application.candidate_id == User.id)
        .join(Job, Job.id == Application.job_id)
        .where(
            or_(*matches),
            CandidateProfile.user_id != candidate_id,
            User.erased_at.is_(None),
            Job.company_id == company_id,
        )
        .order_by(User.id, Application.created_at.desc(), Application.id.desc())
    ).all()
    found: dict[int, PossibleDuplicate] = {}
    for profile, user, app_id in rows:
        if user.id in found:
            continue
        same = [
            label
            for label, key, theirs in (
                ("phone", mine.phone_key, profile.phone_key),
                ("LinkedIn profile", mine.linkedin_key, profile.linkedin_key),
            )
            if key and key == theirs
        ]
        found[user.id] = PossibleDuplicate(user.id, user.full_name, user.email, " and ".join(same), app_id)
    return list(found.values())
