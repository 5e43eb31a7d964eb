"""The candidate's profile page: details prefilled on every application, and the current résumé."""

from __future__ import annotations

import asyncio

import reflex as rx

from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.candidates.profile import ProfileView
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.files.file_types import LABELS, MAX_RESUME_BYTES
from flowtrack_ui.core.permissions import Role

from .format import day
from .session import SessionState, db


def size_label(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


def _megabytes(size: float) -> str:
    return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"


def rejection_message(rejected: object) -> str:
    """Why the browser refused a dropped file, in words (react-dropzone's reason codes and the
    file's size, as ``resume_upload`` sends them); the server checks every file again anyway."""
    first = rejected[0] if isinstance(rejected, list) and rejected and isinstance(rejected[0], dict) else {}
    raw_codes = first.get("codes")
    codes: list[object] = raw_codes if isinstance(raw_codes, list) else []
    size = first.get("size")
    if (isinstance(rejected, list) and len(rejected) > 1) or "too-many-files" in codes:
        return "Choose one file: your résumé as a single PDF or Word (DOCX) document."
    if "file-too-large" in codes:
        limit = _megabytes(MAX_RESUME_BYTES)
        if isinstance(size, int | float) and not isinstance(size, bool) and size > 0:
            return f"This file is {_megabytes(size)}; the limit is {limit}."
        return f"This file is larger than the limit of {limit}."
    if "file-invalid-type" in codes:
        return "This file is not a PDF or Word (DOCX) document; save your résumé as one of those."
    return "This file cannot be uploaded; choose a PDF or Word (DOCX) document of at most 10 MB."


class ProfileState(SessionState):
    full_name: str = ""
    phone: str = ""
    location: str = ""
    linkedin_url: str = ""
    website: str = ""
    headline: str = ""
    error: str = ""
    resume_name: str = ""
    resume_info: str = ""
    resume_note: str = ""
    upload_error: str = ""
    uploading: bool = False
    upload_progress: int = 0
    # The form shows once the profile is read, so nothing typed is lost to a late load.
    loaded: bool = False

    def _show(self, p: ProfileView) -> None:
        self.full_name, self.phone, self.location = p.full_name, p.phone, p.location
        self.linkedin_url, self.website, self.headline = p.linkedin_url, p.website, p.headline
        r = p.resume
        self.resume_name = r.name if r else ""
        self.resume_info = (
            f"{LABELS.get(r.content_type, 'File')} · {size_label(r.size)}"
            + (f" · {r.page_count} page{'s' if r.page_count != 1 else ''}" if r.page_count else "")
            + f" · uploaded {day(r.uploaded_at)}"
            if r
            else ""
        )
        self.resume_note = (r.text_note or "") if r else ""

    @rx.event
    def load(self):
        if self.require(Role.CANDIDATE) is None:
            return self.guard(Role.CANDIDATE)
        self.error = self.upload_error = ""
        self.uploading, self.upload_progress = False, 0
        try:
            self._show(profile.get_profile(db(), self.principal()))
        except DomainError as exc:
            return self.refuse(exc)
        self.loaded = True
        return None

    @rx.event
    def save(self, form: dict):
        fields = {
            k: form.get(k, "")
            for k in ("full_name", "phone", "location", "linkedin_url", "website", "headline")
        }
        try:
            saved = profile.update_profile(db(), self.principal(), fields)
        except DomainError as exc:
            self.error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.error = ""
        self._show(saved)
        self.user_name = saved.full_name
        return rx.toast.success("Profile saved. It is prefilled on every application.")

    @rx.event
    def upload_progressed(self, progress: dict):
        """The bar shows while bytes are on their way and goes once they are all sent (a late
        100 % event never brings back a full bar after the upload is done)."""
        try:
            done = float(progress.get("progress", 0))
        except (TypeError, ValueError, AttributeError):
            done = 0.0
        self.uploading = 0 <= done < 1
        self.upload_progress = round(min(max(done, 0.0), 1.0) * 100)

    @rx.event
    def resume_rejected(self, rejected: list[dict]):
        """The browser refused the dropped file (too large, wrong type, several): say why in words."""
        self.uploading, self.upload_progress = False, 0
        self.upload_error = rejection_message(rejected)

    @rx.event
    async def upload_resume(self, files: list[rx.UploadFile]):
        """The file goes to the database through the domain core; nothing is written to disk.

        The core reads it in a file worker and may take seconds: it runs in a thread, so the
        event loop (every other tab's events) never waits on it."""
        self.uploading, self.upload_progress = False, 0
        if not files:
            # The browser refused the dropped file (`resume_rejected` says why, and may come first);
            # otherwise the upload came without a file.
            self.upload_error = self.upload_error or "Choose a PDF or Word (DOCX) file first."
            return None
        upload = files[0]
        data = await upload.read()
        try:
            stored = await asyncio.to_thread(
                profile.upload_resume, db(), self.principal(), data, upload.filename or upload.name or ""
            )
        except DomainError as exc:
            self.upload_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.upload_error = ""
        self._show(profile.get_profile(db(), self.principal()))
        note = f" {stored.text_note}" if stored.text_note else ""
        return [
            rx.clear_selected_files("resume"),
            rx.toast.success(f"Résumé “{stored.name}” uploaded.{note}"),
        ]

    @rx.event
    def download_resume(self):
        try:
            view, data = profile.my_resume(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=view.name)
