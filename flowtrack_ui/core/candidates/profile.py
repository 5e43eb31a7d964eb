"""A candidate's profile and current résumé: read and edited by the candidate only.

Applying snapshots the current résumé onto the application, so replacing it later changes
no application already sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload
from urllib.parse import urlsplit

from sqlmodel import Session

from .. import validation
from ..db import Database, existing
from ..errors import InvalidInput, NotFound
from ..files import file_types, quota, storage
from ..models import CandidateProfile, StoredFile, User
from ..permissions import Action, Principal, require
from ..talent import documents, duplicates
from ..views import FileView

_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,28}[0-9]$")


@dataclass(frozen=True)
class ProfileView:
    full_name: str
    email: str
    phone: str
    location: str
    linkedin_url: str
    website: str
    headline: str
    resume: FileView | None


@overload
def file_view(f: StoredFile) -> FileView: ...
@overload
def file_view(f: StoredFile | None) -> FileView | None: ...
def file_view(f: StoredFile | None) -> FileView | None:
    """What a reader is told of a file; the note says why text or pages are missing, if they are."""
    if f is None:
        return None
    notes = [n for n in (f.text_note, f.preview_note) if n]
    return FileView(
        id=f.id,
        name=f.original_name,
        content_type=f.content_type,
        size=f.size,
        sha256=f.sha256,
        uploaded_at=f.created_at,
        page_count=f.page_count,
        has_text=bool(f.text),
        text_note=" ".join(dict.fromkeys(notes)) or None,
    )


def phone(value: object) -> str:
    value = validation.text(value, "Phone", max_len=40, required=False)
    if value and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6):
        raise InvalidInput("Phone: use digits, spaces and + ( ) - . only, like +44 20 7946 0958.")
    return value


def web_url(value: object, field: str, host_suffix: str | None = None) -> str:
    value = validation.text(value, field, max_len=300, required=False)
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or "." not in host or " " in value:
        raise InvalidInput(f"{field} must be a web address starting with http:// or https://.")
    if host_suffix and not (host == host_suffix or host.endswith("." + host_suffix)):
        raise InvalidInput(f"{field} must be a {host_suffix} address.")
    return value


def _profile(s: Session, user_id: int) -> CandidateProfile:
    return s.get(CandidateProfile, user_id) or CandidateProfile(user_id=user_id)


def _view(s: Session, user: User, profile: CandidateProfile) -> ProfileView:
    resume = s.get(StoredFile, profile.resume_file_id) if profile.resume_file_id else None
    return ProfileView(
        full_name=user.full_name,
        email=user.email,
        phone=profile.phone,
        location=profile.location,
        linkedin_url=profile.linkedin_url,
        website=profile.website,
        headline=profile.headline,
        resume=file_view(resume),
    )


def get_profile(db: Database, principal: Principal) -> ProfileView:
    require(principal, Action.EDIT_OWN_PROFILE)
    with db.session() as s:
        user = existing(s, User, principal.user_id)
        return _view(s, user, _profile(s, principal.user_id))


def update_profile(db: Database, principal: Principal, fields: dict) -> ProfileView:
    """Sets the given fields (a missing key keeps its value); all are checked before any is stored."""
    require(principal, Action.EDIT_OWN_PROFILE)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the profile as an object.")
    checks = {
        "full_name": lambda v: validation.person_name(v),
        "phone": phone,
        "location": lambda v: validation.text(v, "Location", max_len=200, required=False),
        "linkedin_url": lambda v: web_url(v, "LinkedIn URL", "linkedin.com"),
        "website": lambda v: web_url(v, "Website"),
        "headline": lambda v: validation.text(v, "Headline", max_len=200, required=False),
    }
    values = {key: check(fields[key]) for key, check in checks.items() if key in fields}
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        profile = _profile(s, principal.user_id)
        if "full_name" in values:
            user.full_name = values.pop("full_name")
            s.add(user)
        for key, value in values.items():
            setattr(profile, key, value)
        profile.phone_key = duplicates.phone_key(profile.phone)
        profile.linkedin_key = duplicates.linkedin_key(profile.linkedin_url)
        profile.updated_at = datetime.now(UTC)
        s.add(profile)
        s.flush()
        documents.refresh_everywhere(s, principal.user_id)  # name and headline are searchable
        return _view(s, user, profile)


def upload_resume(db: Database, principal: Principal, data: object, name: object) -> FileView:
    """Checks the file (type from the content, size), reads it in a file worker, makes it current.

    Blocks for as long as the worker takes (bounded by its time limit): call it from a thread,
    never on the event loop. At most ``FLOWTRACK_RESUME_UPLOADS_PER_HOUR`` uploads an hour count
    (TooManyUploads after that). The replaced résumé is deleted unless an application snapshotted
    it. A refused file changes nothing: the current résumé stays.
    """
    require(principal, Action.EDIT_OWN_PROFILE)
    data, content_type, safe = file_types.check_resume(data, name)
    quota.reserve(db, principal.user_id)
    prepared = storage.prepare(principal.user_id, data, content_type, safe)
    with db.session(write=True) as s:
        row = storage.add(s, prepared)
        profile = _profile(s, principal.user_id)
        replaced = profile.resume_file_id
        profile.resume_file_id = row.id
        profile.updated_at = datetime.now(UTC)
        s.add(profile)
        s.flush()
        if replaced is not None:
            storage.drop_if_unused(s, replaced)
        return file_view(row)


def my_resume(db: Database, principal: Principal) -> tuple[FileView, bytes]:
    require(principal, Action.EDIT_OWN_PROFILE)
    with db.session() as s:
        profile = s.get(CandidateProfile, principal.user_id)
        row = s.get(StoredFile, profile.resume_file_id) if profile and profile.resume_file_id else None
        if row is None:
            raise NotFound("You have not uploaded a résumé yet.")
        return file_view(row), row.data
