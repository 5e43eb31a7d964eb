"""One application, read in full by the company's staff: profile, answers, cover letter, résumé.

The résumé's pages are drawn on the server and sent as images through this state (the
permission check is the handler's), so no URL of the file exists for anyone to share.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from urllib.parse import urlencode

import reflex as rx

from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.applications import listing
from flowtrack_ui.core.applications.listing import ListingQuery
from flowtrack_ui.core.errors import ConcurrentUpdate, DomainError, InvalidInput
from flowtrack_ui.core.files.file_types import LABELS, PDF
from flowtrack_ui.core.permissions import STAFF_ROLES, Action, Role, may
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.privacy.erase import shown_email
from flowtrack_ui.core.talent import tags

from .format import day
from .listing import PARAMS, application_href, list_href
from .profile import size_label
from .reject import RejectTerms
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


@dataclasses.dataclass
class ActMove:
    """A move offered by "Move to…": where to, the core's kind of move, and the words shown."""

    stage: str
    kind: str
    label: str
    asks: bool = False


# What "Move to…" calls each kind of move (the reject has its own button).
# How many of the company's tags the page offers as one-click additions.
MAX_SUGGESTED_TAGS = 8
MOVE_LABELS = {
    "forward": "{stage}",
    "skip": "Skip to {stage}",
    "back": "Back to {stage}…",
    "reopen": "Reopen to {stage}…",
    "unhire": "Undo hire: back to {stage}…",
}


def _context(params: dict[str, str], stage: str) -> tuple[str, ListingQuery, dict[str, str]] | None:
    """Where the page was opened from, as the list ordering the core walks: ``from=list`` with the
    list's filters, or the board's column (``from=board`` with its stage and search; a page opened
    without a context walks the column of the application's current stage). None when the
    context cannot be read."""
    origin = params.get("from", "")
    try:
        if origin == "list":
            kept = {k: params[k] for k in PARAMS if k in params and k not in ("page", "per_page")}
            return origin, listing.parse_query(kept), kept
        kept = {k: params[k] for k in ("stage", "q") if params.get(k)} if origin == "board" else {}
        kept.setdefault("stage", stage)
        query = listing.parse_query({**kept, "sort": "days", "dir": "asc"})
        return "board", query, kept
    except InvalidInput:
        return None


class ApplicationState(SessionState, RejectTerms):
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
    # The company's most used tags (recruiters), and those not on this candidate: one-click additions.
    _company_tags_seen: list[str] = []
    tag_suggestions: list[str] = []
    duplicates: list[DuplicateRow] = []
    _candidate_id: int = 0

    # Acting from the page (recruiters): the next stage, the other moves, the dialog that asks.
    can_move: bool = False
    advance_to: str = ""
    act_moves: list[ActMove] = []
    can_reject: bool = False
    _reject_stage: str = ""
    # The stage the act buttons were read for: a move made elsewhere (the live watch updates
    # ``stage``) leaves them stale until they are read again, and the core refuses a stale move.
    acts_stage: str = ""
    reject_open: bool = False  # the shared reject dialog; its choices are RejectTerms'
    ask_open: bool = False
    ask_target: str = ""
    ask_kind: str = ""
    ask_error: str = ""
    # Walking the list or board column the page was opened from.
    back_href: str = ""
    back_label: str = ""
    previous_href: str = ""
    next_href: str = ""
    position_label: str = ""

    @rx.var
    def can_tag(self) -> bool:
        return self.role == Role.RECRUITER

    def _suggest_tags(self) -> None:
        on_them = set(self.tags)
        self.tag_suggestions = [t for t in self._company_tags_seen if t not in on_them][:MAX_SUGGESTED_TAGS]

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
        self._company_tags_seen = self._company_tags()
        self._suggest_tags()
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
        refused = self._load_actions()
        if refused is not None:
            return refused
        self._walk()
        events: list = []
        if self.resume_is_pdf:
            events.append(ApplicationState.draw_page)
        if self.router.url.query_parameters.get("focus") == "note":
            events.append(ApplicationState.focus_note)
        return events or None

    # --- acting on the application -----------------------------------------------------------

    def _load_actions(self):
        """The moves the core offers the caller from the current stage (none for hiring managers)."""
        try:
            me = self.principal()
            self.can_move = may(me, Action.MOVE_STAGE)
            options = listing.act_options(db(), me, self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.advance_to = next((m.stage for m in options if m.kind == "forward"), "")
        self.acts_stage = self.stage
        self._reject_stage = next((m.stage for m in options if m.kind == "reject"), "")
        self.can_reject = bool(self._reject_stage)
        self.act_moves = [
            ActMove(m.stage, m.kind, MOVE_LABELS[m.kind].format(stage=m.stage), m.reason == "required")
            for m in options
            if m.kind in MOVE_LABELS
        ]
        return None

    def _walk(self) -> None:
        """Previous / Next through the list or column this page was opened from, keeping its filters."""
        params = {k: str(v) for k, v in self.router.url.query_parameters.items() if isinstance(v, str)}
        self.previous_href = self.next_href = self.position_label = ""
        self.back_href, self.back_label = f"/board?job={self.job_id}", "Board of " + self.job_title
        found = _context(params, self.stage)
        if found is None:
            return
        origin, query, kept = found
        if origin == "list":
            self.back_href, self.back_label = list_href(self.job_id, kept), "List of " + self.job_title
        try:
            place = listing.neighbours(db(), self.principal(), self.app_id, query)
        except DomainError:
            return  # the list no longer reads (a stage renamed): the page works without walking
        if place is None:
            return

        def href(application_id: int | None) -> str:
            if application_id is None:
                return ""
            if origin == "list":
                return application_href(application_id, self.job_id, kept)
            return "/application?" + urlencode(
                {"id": application_id, "from": "board", "job": self.job_id, **kept}
            )

        self.previous_href, self.next_href = href(place.previous_id), href(place.next_id)
        where = f"in {query.stage}" if origin == "board" and query.stage else "in the list"
        self.position_label = f"{place.position:,} of {place.total:,} {where}"

    def _move(
        self,
        target: str,
        note: str | None = None,
        reason: str | None = None,
        asked: bool = False,
        terms: dict | None = None,
    ):
        """Every move of this page goes through the core's move_stage, like a drop on the board;
        a rejection from the reject dialog (``terms``) through ``moves.reject``."""
        try:
            expected = self.acts_stage or self.stage
            if terms is not None:
                moved = moves.reject(db(), self.principal(), self.app_id, expected_stage=expected, **terms)
            else:
                moved = moves.move_stage(
                    db(),
                    self.principal(),
                    self.app_id,
                    target,
                    expected_stage=expected,
                    note=note,
                    reason=reason,
                )
        except ConcurrentUpdate as exc:
            self.stage, self.ask_open, self.reject_open = exc.current, False, False
            self._load_actions()
            return rx.toast.warning(f"Someone else moved this application first; it is now in {exc.current}.")
        except InvalidInput as exc:
            if asked:
                if terms is not None:
                    self.reject_error = exc.message
                else:
                    self.ask_error = exc.message
                return None
            return self.refuse(exc)
        except DomainError as exc:
            self.ask_open = self.reject_open = False
            return self.refuse(exc)
        self.stage, self.ask_open, self.reject_open, self.ask_error = moved.stage, False, False, ""
        self._load_actions()
        if moved.undo_seconds:
            return rx.toast.success(
                f"Moved to {moved.stage}.",
                duration=moved.undo_seconds * 1000,
                action={"label": "Undo", "on_click": ApplicationState.undo},
            )
        return rx.toast.success(f"Moved to {moved.stage}.")

    @rx.event
    def refresh_actions(self):
        """After a move made elsewhere: the act buttons for the stage the application is in now."""
        try:
            self.stage = application_details.application_stage(db(), self.principal(), self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        return self._load_actions()

    @rx.event
    def advance(self):
        """Advance: the core's forward move from the current stage."""
        if not self.advance_to:
            return rx.toast.info("There is no next stage to advance to from here.")
        return self._move(self.advance_to)

    @rx.event
    def move_to(self, target: str):
        """ "Move to…": a move that needs a reason opens the dialog first; the core decides the rest."""
        if not isinstance(target, str) or not target.strip() or len(target) > 200:
            return rx.toast.error("Choose a stage to move to.")
        chosen = next((m for m in self.act_moves if m.stage == target), None)
        if chosen is not None and chosen.asks:
            self.ask_target, self.ask_kind, self.ask_error, self.ask_open = (
                chosen.stage,
                chosen.kind,
                "",
                True,
            )
            return None
        return self._move(target.strip())

    @rx.event
    def set_ask_open(self, value: bool):
        self.ask_open = value is True

    @rx.event
    def confirm_ask(self, form: dict):
        """The correction's reason (required: the core says so when it is missing)."""
        note = str(form.get("note") or "").strip() if isinstance(form, dict) else ""
        return self._move(self.ask_target, note=note or None, asked=True)

    @rx.event
    def open_reject(self):
        """Reject…: the company's reasons and rejection templates, read when the dialog opens."""
        if not self.can_reject:
            return rx.toast.info("This application cannot be rejected from its stage.")
        try:
            self._load_reject_options()
        except DomainError as exc:
            return self.refuse(exc)
        self.ask_error, self.reject_open = "", True
        return None

    @rx.event
    def set_reject_open(self, value: bool):
        self.reject_open = value is True

    @rx.event
    def confirm_reject(self, form: dict):
        """The reject dialog: a reason, a template, when the candidate is emailed, a note."""
        terms = self._reject_terms(form)
        if isinstance(terms, str):
            self.reject_error = terms
            return None
        if not self._reject_stage:
            self.reject_open = False
            return rx.toast.info("This application cannot be rejected from its stage.")
        self.reject_error = ""
        return self._move(self._reject_stage, asked=True, terms=terms)

    @rx.event
    def undo(self):
        """The toast's Undo: the core checks it is the caller's move and still within the window."""
        try:
            moved = moves.undo_move(db(), self.principal(), self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.stage = moved.stage
        self._load_actions()
        return rx.toast.info(f"Undone: back in {moved.stage}. The candidate was not told.")

    @rx.event
    def focus_note(self):
        """Note: the team's note box, scrolled into view and focused."""
        return rx.call_script(
            "(() => { let n = 0; const go = () => {"
            " const el = document.querySelector('[data-testid=note-draft]');"
            " if (el) { el.scrollIntoView({block: 'center'}); el.focus(); }"
            " else if (n++ < 40) requestAnimationFrame(go); }; go(); })()"
        )

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

    def _company_tags(self) -> list[str]:
        """The company's tags, most used first (only recruiters use the talent pool's tags)."""
        principal = self.principal()
        if principal is None or not may(principal, Action.USE_TALENT_POOL):
            return []
        try:
            counted_tags = tags.company_tags(db(), principal)
        except DomainError:
            return []
        return [label for label, _ in sorted(counted_tags, key=lambda t: (-t[1], t[0]))]

    @rx.event
    def add_tag(self, tag: str):
        """One of the suggested tags, added to the candidate's own in one click (the core checks)."""
        try:
            self.tags = tags.add_tags(db(), self.principal(), self._candidate_id, [tag])
        except DomainError as exc:
            return self.refuse(exc)
        self.tags_text = ", ".join(self.tags)
        self._suggest_tags()
        return rx.toast.success("Tag added.")

    @rx.event
    def save_tags(self, form: dict):
        """The company's tags on this candidate (recruiters; the core checks)."""
        words = [t for t in str(form.get("tags", "")).split(",") if t.strip()]
        try:
            self.tags = tags.set_tags(db(), self.principal(), self._candidate_id, words)
        except DomainError as exc:
            return self.refuse(exc)
        self.tags_text = ", ".join(self.tags)
        self._suggest_tags()
        return rx.toast.success("Tags saved.")
