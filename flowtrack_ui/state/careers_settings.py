"""The careers-site settings page for staff: address, about text, accent colour, links, logo, and
the snippets that put the company's jobs on its own website. Recruiters edit; hiring managers
read (the core refuses their writes whatever the page offers)."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import re

import reflex as rx

from flowtrack_ui.core import markdown
from flowtrack_ui.core.careers import settings as careers
from flowtrack_ui.core.careers.settings import MAX_ABOUT, MAX_LINKS, CareersSettings
from flowtrack_ui.core.careers.slugs import MAX_SLUG
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.files.images import MAX_LOGO_BYTES
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.settings import get_settings

from .session import SessionState, db

LOGO_UPLOAD_ID = "logo"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclasses.dataclass
class LinkRow:
    """A link in the editor; ``key`` keeps its inputs apart while rows come and go."""

    key: int
    label: str
    url: str


def links_from(rows: list[LinkRow], form: dict) -> list[dict]:
    """The form's links, in their order; rows left wholly blank are dropped, the core checks the rest."""
    found = []
    for row in rows:
        label = str(form.get(f"link_label_{row.key}", "")).strip()
        url = str(form.get(f"link_url_{row.key}", "")).strip()
        if label or url:
            found.append({"label": label, "url": url})
    return found


class CareersSettingsState(SessionState):
    loading: bool = True
    can_edit: bool = False
    slug: str = ""
    slug_input: str = ""
    careers_url: str = ""
    old_slugs: list[str] = []
    about: str = ""
    about_html: str = ""
    accent_color: str = "#4f46e5"
    accent_input: str = "#4f46e5"
    links: list[LinkRow] = []
    logo_src: str = ""  # the stored PNG as a data: URL (the page's CSP allows data: images)
    embed_script: str = ""
    embed_iframe: str = ""
    address_error: str = ""
    form_error: str = ""
    logo_error: str = ""
    uploading: bool = False
    # Bumped on each load, so the uncontrolled fields take the stored values again.
    version: int = 0
    _next_key: int = 0

    @rx.var
    def careers_base(self) -> str:
        """What comes before the slug: ``https://host/careers/``."""
        return f"{get_settings().public_url}/careers/"

    @rx.var
    def address_preview(self) -> str:
        typed = self.slug_input.strip().lower()
        return f"{get_settings().public_url}/careers/{typed}" if typed else ""

    def _link_row(self, label: str = "", url: str = "") -> LinkRow:
        self._next_key += 1
        return LinkRow(self._next_key, label, url)

    def _show(self, c: CareersSettings, logo: bytes | None) -> None:
        self.can_edit, self.slug, self.slug_input = c.can_edit, c.slug, c.slug
        self.careers_url, self.old_slugs = c.careers_url, list(c.old_slugs)
        self.about, self.about_html = c.about, markdown.to_html(c.about)
        self.accent_color = self.accent_input = c.accent_color
        self.links = [self._link_row(link.label, link.url) for link in c.links]
        self.logo_src = f"data:image/png;base64,{base64.b64encode(logo).decode()}" if logo else ""
        self.embed_script, self.embed_iframe = c.embed_script, c.embed_iframe
        self.version += 1

    def _reload(self):
        p = self.principal()
        self._show(careers.get_careers(db(), p), careers.logo_png(db(), p))

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        self.address_error = self.form_error = self.logo_error = ""
        self.uploading = False
        try:
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        self.loading = False
        return None

    # --- the address -----------------------------------------------------------------------------

    @rx.event
    def set_slug_input(self, value: str):
        self.slug_input = str(value)[: MAX_SLUG + 10]

    @rx.event
    def save_address(self, form: dict):
        """A new address; the old one keeps redirecting to it."""
        try:
            saved = careers.update_careers(db(), self.principal(), {"slug": form.get("slug", "")})
            self._show(saved, careers.logo_png(db(), self.principal()))
        except DomainError as exc:
            self.address_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.address_error = ""
        return rx.toast.success(f"Your careers page is now at {saved.careers_url}.")

    # --- about, colour, links --------------------------------------------------------------------

    @rx.event
    def preview_about(self, text: str):
        """The about text as the careers page will show it: Markdown rendered and sanitised."""
        self.about_html = markdown.to_html(str(text)[:MAX_ABOUT])

    @rx.event
    def set_accent(self, value: str):
        """From the colour picker or the hex field; the picker follows once the hex is whole."""
        self.accent_input = str(value)[:7]
        if _HEX.match(self.accent_input):
            self.accent_color = self.accent_input.lower()

    @rx.event
    def add_link(self):
        if len(self.links) < MAX_LINKS:
            self.links = [*self.links, self._link_row()]

    @rx.event
    def remove_link(self, key: int):
        self.links = [row for row in self.links if row.key != key]

    @rx.event
    def save(self, form: dict):
        fields = {
            "about": form.get("about", ""),
            "accent_color": self.accent_input,
            "links": links_from(self.links, form),
        }
        try:
            saved = careers.update_careers(db(), self.principal(), fields)
            self._show(saved, careers.logo_png(db(), self.principal()))
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.form_error = ""
        return rx.toast.success("Careers page saved.")

    # --- the logo --------------------------------------------------------------------------------

    @rx.event
    def upload_progressed(self, progress: dict):
        self.uploading = float(progress.get("progress", 0)) < 1

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """The image goes to the core, which has a file worker re-encode it (seconds at most): in a
        thread, so the event loop never waits on it. Nothing is written to disk."""
        self.uploading = False
        if not files:
            self.logo_error = "Choose a PNG, JPEG or WebP image first."
            return None
        data = await files[0].read(MAX_LOGO_BYTES + 1)
        try:
            p = self.principal()
            saved = await asyncio.to_thread(careers.set_logo, db(), p, data)
            self._show(saved, careers.logo_png(db(), p))
        except DomainError as exc:
            self.logo_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.logo_error = ""
        return [rx.clear_selected_files(LOGO_UPLOAD_ID), rx.toast.success("Logo saved.")]

    @rx.event
    def remove_logo(self):
        try:
            p = self.principal()
            self._show(careers.remove_logo(db(), p), None)
        except DomainError as exc:
            return self.refuse(exc)
        self.logo_error = ""
        return rx.toast.success("Logo removed.")
