"""The talent pool page: search every past candidate, tag them, add them to a job, erase them;
the company's retention period and erasure log."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from flowtrack_ui.core import jobs
from flowtrack_ui.core.applications import from_talent_pool
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.models import CLOSED
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines.categories import LABELS
from flowtrack_ui.core.privacy import audit, erase, retention
from flowtrack_ui.core.talent import search, tags
from flowtrack_ui.core.talent.search import PoolCandidate

from .format import day
from .session import SessionState, db

CATEGORY_OPTIONS = [(c.value, label) for c, label in LABELS.items()]
RETENTION_OPTIONS = [
    ("", "Keep them"),
    ("6", "6 months"),
    ("12", "12 months"),
    ("24", "24 months"),
    ("36", "36 months"),
]


@dataclasses.dataclass
class SnippetPart:
    text: str
    hit: bool


@dataclasses.dataclass
class PoolApp:
    application_id: int
    job_title: str
    stage: str
    category: str
    applied: str


@dataclasses.dataclass
class PoolRow:
    id: int
    name: str
    email: str
    headline: str
    tags: list[str]
    applied: str
    snippet: list[SnippetPart]
    applications: list[PoolApp]
    latest_application_id: int


@dataclasses.dataclass
class Choice:
    value: str
    label: str


def snippet_parts(text: str) -> list[SnippetPart]:
    """The core marks matches between \\x02 and \\x03; the page shows them as <mark>."""
    parts: list[SnippetPart] = []
    for i, chunk in enumerate(text.replace(search.MARK_END, search.MARK_START).split(search.MARK_START)):
        if chunk:
            parts.append(SnippetPart(chunk, i % 2 == 1))
    return parts


def pool_row(c: PoolCandidate) -> PoolRow:
    return PoolRow(
        id=c.candidate_id,
        name=c.full_name,
        email=erase.shown_email(c.email),
        headline=c.headline,
        tags=list(c.tags),
        applied=day(c.last_applied_at),
        snippet=snippet_parts(c.snippet),
        applications=[
            PoolApp(a.application_id, a.job_title, a.stage, a.category, day(a.applied_at))
            for a in c.applications
        ],
        latest_application_id=c.applications[0].application_id if c.applications else 0,
    )


class TalentState(SessionState):
    q: str = ""
    tag: str = ""
    category: str = ""
    job: str = ""
    since: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    rows: list[PoolRow] = []
    all_tags: list[Choice] = []
    jobs: list[Choice] = []  # every job of the company, for the filter
    add_jobs: list[Choice] = []  # where the add dialog's candidate can be added (the core's list)
    loading: bool = True
    error: str = ""
    # The dialogs: which candidate they are about.
    dialog: str = ""  # "", "tags", "add", "erase"
    subject_id: int = 0
    subject_name: str = ""
    tags_text: str = ""
    dialog_error: str = ""
    retention_months: str = ""
    erasures: list[Choice] = []

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.q or self.tag or self.category or self.job or self.since)

    @rx.event
    def load(self):
        if self.require(Role.RECRUITER) is None:
            return self.guard(Role.RECRUITER)
        p = self.principal()
        try:
            company_jobs = [j for j in jobs.list_jobs(db(), p, limit=200) if j.company_id == p.company_id]
        except DomainError as exc:
            return self.refuse(exc)
        self.jobs = [
            Choice(str(j.id), j.title + (" (closed)" if j.status == CLOSED else "")) for j in company_jobs
        ]
        # A fresh visit starts unfiltered; ?q= (a shared search) fills the search box.
        self.q = str(self.router.url.query_parameters.get("q", ""))[:200]
        self.tag = self.category = self.job = self.since = ""
        self.page = 1
        self._load_privacy()
        self._load_tags()
        return self._refresh()

    def _refresh(self):
        try:
            found = search.search(
                db(),
                self.principal(),
                self.q,
                tag=self.tag or None,
                category=self.category or None,
                job_id=self.job or None,
                applied_since=self.since or None,
                page=self.page,
            )
        except DomainError as exc:
            self.loading = False
            if exc.status_code in (404, 422):
                self.error = exc.message
                return None
            return self.refuse(exc)
        self.error = ""
        self.rows = [pool_row(c) for c in found.candidates]
        self.total, self.pages, self.page = found.total, found.pages, found.page
        self.loading = False
        return None

    def _load_tags(self) -> None:
        """The company's tags for the filter: at load, and after tags change."""
        self.all_tags = [Choice(t, f"{t} ({n})") for t, n in tags.company_tags(db(), self.principal())]

    def _load_privacy(self) -> None:
        p = self.principal()
        months = retention.get_retention(db(), p)
        self.retention_months = str(months) if months else ""
        self.erasures = [Choice(day(e.erased_at), e.description) for e in audit.erasure_log(db(), p, 20)]

    @rx.event
    def run_search(self, form: dict):
        self.q = str(form.get("q", ""))[:200]
        self.page = 1
        return self._refresh()

    @rx.event
    def set_filter(self, name: str, value: str):
        if name in ("tag", "category", "job", "since"):
            setattr(self, name, str(value)[:40])
        self.page = 1
        return self._refresh()

    @rx.event
    def clear(self):
        self.q = self.tag = self.category = self.job = self.since = ""
        self.page = 1
        return self._refresh()

    @rx.event
    def go_to_page(self, page: int):
        try:
            self.page = max(1, min(int(page), self.pages))
        except (TypeError, ValueError):
            self.page = 1
        return self._refresh()

    def _open(self, kind: str, candidate_id: int):
        row = next((r for r in self.rows if r.id == candidate_id), None)
        if row is None:
            return rx.toast.error("That candidate is no longer in the list.")
        self.dialog, self.subject_id, self.subject_name = kind, row.id, row.name
        self.tags_text = ", ".join(row.tags)
        self.dialog_error = ""
        return None

    @rx.event
    def open_tags(self, candidate_id: int):
        return self._open("tags", candidate_id)

    @rx.event
    def open_add(self, candidate_id: int):
        """Offers only the jobs the core would accept: open, and without an application of theirs."""
        refused = self._open("add", candidate_id)
        if refused is not None:
            return refused
        try:
            addable = from_talent_pool.jobs_to_add_to(db(), self.principal(), candidate_id)
        except DomainError as exc:
            self.dialog = ""
            if exc.status_code in (401, 403):
                return self.refuse(exc)
            return rx.toast.error(exc.message)
        self.add_jobs = [Choice(str(j.id), j.title) for j in addable]
        if not self.add_jobs:
            self.dialog_error = (
                f"{self.subject_name} is already in every open job: post a job or reopen one first."
            )
        return None

    @rx.event
    def open_erase(self, candidate_id: int):
        return self._open("erase", candidate_id)

    @rx.event
    def close_dialog(self, open_: bool = False):
        if not open_:
            self.dialog = ""
            self.dialog_error = ""

    def _done(self, message: str):
        # The dialog forgets whom it was about (an erased name must not linger in the page).
        self.dialog = self.dialog_error = self.subject_name = self.tags_text = ""
        self.subject_id = 0
        self._refresh()
        return rx.toast.success(message)

    def _attempt(self, action, message: str):
        try:
            action()
        except DomainError as exc:
            if exc.status_code in (401, 403):
                return self.refuse(exc)
            self.dialog_error = exc.message
            return None
        return self._done(message)

    @rx.event
    def save_tags(self, form: dict):
        words = [t for t in str(form.get("tags", "")).split(",") if t.strip()]

        def run():
            tags.set_tags(db(), self.principal(), self.subject_id, words)
            self._load_tags()

        return self._attempt(run, f"Tags of {self.subject_name} saved.")

    @rx.event
    def add_to_job(self, form: dict):
        job_id = str(form.get("job_id", ""))
        if not job_id:
            self.dialog_error = "There is no open job to add them to: post a job or reopen one first."
            return None
        title = next((j.label for j in self.add_jobs if j.value == job_id), "the job")
        return self._attempt(
            lambda: from_talent_pool.add_to_job(db(), self.principal(), self.subject_id, job_id),
            f"{self.subject_name} was added to {title} and told by email.",
        )

    @rx.event
    async def confirm_erase(self):
        """Erasing redacts every text of the company that names the person: it runs in a thread,
        so other tabs' events never wait on it."""
        try:
            await asyncio.to_thread(erase.erase_candidate, db(), self.principal(), self.subject_id)
        except DomainError as exc:
            if exc.status_code in (401, 403):
                return self.refuse(exc)
            self.dialog_error = exc.message
            return None
        self._load_privacy()
        self._load_tags()
        return self._done("The candidate's personal data was erased.")

    @rx.event
    def save_retention(self, form: dict):
        try:
            retention.set_retention(db(), self.principal(), str(form.get("months", "")) or None)
        except DomainError as exc:
            return self.refuse(exc)
        self._load_privacy()
        if not self.retention_months:
            return rx.toast.success("Rejected and withdrawn candidates are kept.")
        return rx.toast.success(
            f"Rejected and withdrawn candidates will be erased {self.retention_months} months "
            "after their last change."
        )
