"""One application, read in full by the company's staff: profile, answers, cover letter, résumé.

The résumé's pages are drawn on the server and sent as images through this state (the
permission check is the handler's), so no URL of the file exists for anyone to share.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses

import reflex as rx

from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.files.file_types import LABELS, PDF
from flowtrack_ui.core.permissions import STAFF_ROLES, Role
from flowtrack_ui.core.privacy.erase import shown_email
from flowtrack_ui.core.talent import tags

from .format import day
from .profile import size_label
from .session import SessionState, db


@dataclasses.dataclass
class DuplicateRow:
    name: str
    email: str
    same: str
    application_id: int


@dataclasses.dataclass
class AnswerRow:
    prompt: str
    answer: str
    kind: str


class ApplicationState(SessionState):
    app_id: int = 0
    not_found: str = ""
    loading: bool = True
    job_id: int = 0
    job_title: str = ""
    stage: str = ""
    applied: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    linkedin_url: str = ""
    website: str = ""
    headline: str = ""
    cover_letter: str = ""
    answers: list[AnswerRow] = []
    resume_name: str = ""
    resume_info: str = ""
    resume_note: str = ""
    resume_is_pdf: bool = False
    resume_text: str = ""
    page_index: int = 0
    page_count: int = 0
    page_image: str = ""
    tags: list[str] = []
    tags_text: str = ""
    duplicates: list[DuplicateRow] = []
    _candidate_id: int = 0

    @rx.var
    def can_tag(self) -> bool:
        return self.role == Role.RECRUITER

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page_index + 1} of {self.page_count}" if self.page_count else ""

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        raw = self.router.url.query_parameters.get("id", "")
        self.app_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
        self.page_index, self.page_image, self.resume_text = 0, "", ""
        try:
            d = application_details.application_detail(db(), self.principal(), self.app_id or "x")
        except DomainError as exc:
            self.loading = False
            if exc.status_code in (404, 422):
                self.not_found = "This application does not exist or is not your company's."
                return None
            return self.refuse(exc)
        self.not_found, self.loading = "", False
        self.job_id, self.job_title, self.stage, self.applied = (
            d.job_id,
            d.job_title,
            d.stage,
            day(d.applied_at),
        )
        self.name, self.email, self.phone, self.location = (
            d.candidate_name,
            shown_email(d.candidate_email),
            d.phone,
            d.location,
        )
        self.linkedin_url, self.website, self.headline = d.linkedin_url, d.website, d.headline
        self.cover_letter = d.cover_letter
        self.answers = [AnswerRow(a.prompt, a.answer, a.kind) for a in d.answers]
        self._candidate_id = d.candidate_id
        self.tags, self.tags_text = list(d.tags), ", ".join(d.tags)
        self.duplicates = [
            DuplicateRow(p.full_name, p.email, p.same, p.application_id) for p in d.possible_duplicates
        ]
        r = d.resume
        self.resume_name = r.name if r else ""
        self.resume_info = f"{LABELS.get(r.content_type, 'File')} · {size_label(r.size)}" if r else ""
        self.resume_note = (r.text_note or "") if r else ""
        self.resume_is_pdf = bool(r and r.content_type == PDF)
        if r and not self.resume_is_pdf:
            self.resume_text = application_details.resume_text(db(), self.principal(), self.app_id)
        if self.resume_is_pdf:
            return ApplicationState.draw_page
        return None

    async def _draw_page(self):
        """The page image stored at upload, read in a thread: a file from before stored previews
        is drawn there once by a file worker, so the event loop never waits on it."""
        try:
            png, pages = await asyncio.to_thread(
                application_details.resume_page, db(), self.principal(), self.app_id, self.page_index
            )
        except DomainError as exc:
            return self.refuse(exc)
        self.page_count = pages
        self.page_image = f"data:image/png;base64,{base64.b64encode(png).decode()}" if png else ""
        return None

    @rx.event
    async def draw_page(self):
        return await self._draw_page()

    @rx.event
    async def next_page(self):
        if self.page_index + 1 < self.page_count:
            self.page_index += 1
            return await self._draw_page()
        return None

    @rx.event
    async def previous_page(self):
        if self.page_index > 0:
            self.page_index -= 1
            return await self._draw_page()
        return None

    @rx.event
    def download_resume(self):
        try:
            view, data = application_details.application_resume(db(), self.principal(), self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=view.name)

    @rx.event
    def save_tags(self, form: dict):
        """The company's tags on this candidate (recruiters; the core checks)."""
        words = [t for t in str(form.get("tags", "")).split(",") if t.strip()]
        try:
            self.tags = tags.set_tags(db(), self.principal(), self._candidate_id, words)
        except DomainError as exc:
            return self.refuse(exc)
        self.tags_text = ", ".join(self.tags)
        return rx.toast.success("Tags saved.")
