"""The staff jobs page (post, edit, close, reopen, invite) and the candidates' open jobs."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

import reflex as rx

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import invitations
from flowtrack_ui.core.analytics.sources import MAX_TAG
from flowtrack_ui.core.applications import applying
from flowtrack_ui.core.applications.questions import MAX_QUESTIONS, MissingAnswers
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.collaboration.scorecards import DEFAULT_CRITERIA
from flowtrack_ui.core.errors import Conflict, DomainError, Unauthenticated
from flowtrack_ui.core.permissions import STAFF_ROLES, Role
from flowtrack_ui.core.pipelines import rejection_reasons, templates
from flowtrack_ui.core.pipelines.categories import LABELS, PROGRESS, Category, is_terminal
from flowtrack_ui.core.pipelines.definitions import MAX_STAGE_NAME, MAX_STAGES
from flowtrack_ui.core.settings import get_settings

from .board import StageCount, stage_counts
from .format import day
from .session import SessionState, db


@dataclasses.dataclass
class JobRow:
    id: int
    title: str
    location: str
    status: str
    company_name: str
    description: str
    posted: str
    total: int = 0
    counts: list[StageCount] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class EditorQuestion:
    """A question in the job editor; ``key`` keeps its inputs apart while rows come and go."""

    key: int
    id: int
    kind: str
    prompt: str
    required: bool
    choices: str  # one per line, for single_choice


@dataclasses.dataclass
class EditorStage:
    """A stage in the job editor; ``id`` 0 is a new stage, ``key`` keeps rows apart as they move."""

    key: int
    id: int
    name: str
    category: str
    terminal: bool = False


@dataclasses.dataclass
class TemplateOption:
    id: str  # "0" is the default pipeline
    name: str
    summary: str


def _summary(names: list[str], limit: int = 48) -> str:
    """A template's stages in a few words, short enough for a select on a phone."""
    text = " → ".join(names)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


STAGE_CATEGORY_LABELS = {c.value: LABELS[c] for c in PROGRESS if c != Category.APPLIED}


QUESTION_KIND_LABELS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "yes_no": "Yes / no",
    "single_choice": "Single choice",
}


def question_definitions(rows: list[EditorQuestion], form: dict) -> list[dict]:
    """The editor form's questions, in their order, as the domain core takes them."""
    found = []
    for q in rows:
        kind = form.get(f"qkind_{q.key}") or q.kind
        found.append(
            {
                "id": q.id or None,
                "kind": kind,
                "prompt": form.get(f"qprompt_{q.key}", ""),
                "required": form.get(f"qrequired_{q.key}") in ("on", "true", True),
                "choices": [c for c in str(form.get(f"qchoices_{q.key}", "")).splitlines() if c.strip()],
            }
        )
    return found


class StaffJobsState(SessionState):
    rows: list[JobRow] = []
    loading: bool = True
    editor_open: bool = False
    editing_id: int = 0
    form_title: str = ""
    form_location: str = ""
    form_description: str = ""
    form_error: str = ""
    invite_open: bool = False
    invite_link: str = ""
    invite_error: str = ""
    editor_questions: list[EditorQuestion] = []
    form_criteria: str = ""
    _next_key: int = 0
    editor_stages: list[EditorStage] = []
    template_options: list[TemplateOption] = []
    chosen_template: str = "0"
    _template_stages: dict[str, list[dict]] = {}
    template_message: str = ""
    reasons_open: bool = False
    reasons_text: str = ""
    reasons_error: str = ""

    # --- the pipeline editor ------------------------------------------------------------------

    def _stage_row(self, stage_id: int, name: str, category: str) -> EditorStage:
        self._next_key += 1
        terminal = is_terminal(category)
        return EditorStage(self._next_key, stage_id, name, category, terminal)

    def _load_templates(self) -> None:
        found = templates.list_templates(db(), self.principal())
        self._template_stages = {str(t.id): list(t.stages) for t in found}
        self.template_options = [
            TemplateOption(str(t.id), t.name, _summary([st["name"] for st in t.stages])) for t in found
        ]

    @rx.event
    def choose_template(self, template_id: str):
        """Fill the editor with a template's stages; the job gets its own copy when saved."""
        stages = self._template_stages.get(template_id)
        if stages is None:
            return
        self.chosen_template = template_id
        by_name = {st.name.casefold(): st.id for st in self.editor_stages}
        self.editor_stages = [
            self._stage_row(by_name.get(st["name"].casefold(), 0), st["name"], st["category"])
            for st in stages
        ]

    @rx.event
    def set_stage_name(self, key: int, name: str):
        self.editor_stages = [
            dataclasses.replace(st, name=name[:MAX_STAGE_NAME]) if st.key == key else st
            for st in self.editor_stages
        ]

    @rx.event
    def set_stage_category(self, key: int, category: str):
        if category in STAGE_CATEGORY_LABELS:
            self.editor_stages = [
                dataclasses.replace(st, category=category) if st.key == key and not st.terminal else st
                for st in self.editor_stages
            ]

    @rx.event
    def add_stage(self):
        progress = [st for st in self.editor_stages if not st.terminal]
        if len(self.editor_stages) >= MAX_STAGES:
            return
        last = progress[-1].category if progress else Category.APPLIED
        category = last if last != Category.APPLIED else Category.SCREENING.value
        new = self._stage_row(0, "", category)
        self.editor_stages = [*progress, new, *[st for st in self.editor_stages if st.terminal]]

    @rx.event
    def move_stage_row(self, key: int, delta: int):
        """Reorder non-terminal stages after the first (applied) one; final stages stay last."""
        rows = list(self.editor_stages)
        i = next((n for n, st in enumerate(rows) if st.key == key), -1)
        j = i + int(delta)
        if i <= 0 or j <= 0 or j >= len(rows) or rows[i].terminal or rows[j].terminal:
            return
        rows[i], rows[j] = rows[j], rows[i]
        self.editor_stages = rows

    @rx.event
    def remove_stage_row(self, key: int):
        """Taken out of the editor; the core refuses on save if applications are in it."""
        self.editor_stages = [
            st for st in self.editor_stages if st.key != key or st.terminal or st.category == Category.APPLIED
        ]

    def _stage_definitions(self) -> list[dict]:
        return [{"id": st.id or None, "name": st.name, "category": st.category} for st in self.editor_stages]

    @rx.event
    def save_template(self, form: dict):
        """Keep the editor's stages as a company template for later jobs."""
        try:
            t = templates.create_template(
                db(), self.principal(), form.get("template_name", ""), self._stage_definitions()
            )
            self._load_templates()
        except DomainError as exc:
            self.template_message = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.chosen_template = str(t.id)
        self.template_message = ""
        return rx.toast.success(f"Saved the template “{t.name}”.")

    # --- the company's rejection reasons ------------------------------------------------------

    @rx.event
    def open_reasons(self):
        try:
            self.reasons_text = "\n".join(rejection_reasons.list_reasons(db(), self.principal()))
        except DomainError as exc:
            return self.refuse(exc)
        self.reasons_error, self.reasons_open = "", True
        return None

    @rx.event
    def set_reasons_open(self, value: bool):
        self.reasons_open = value

    @rx.event
    def save_reasons(self, form: dict):
        lines = [line for line in str(form.get("reasons", "")).splitlines() if line.strip()]
        try:
            saved = rejection_reasons.set_reasons(db(), self.principal(), lines)
        except DomainError as exc:
            self.reasons_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.reasons_open = False
        return rx.toast.success(f"Saved {len(saved)} rejection reasons.")

    def _editor_row(self, q=None, kind: str = "short_text") -> EditorQuestion:
        self._next_key += 1
        if q is None:
            return EditorQuestion(self._next_key, 0, kind, "", False, "")
        return EditorQuestion(self._next_key, q.id, q.kind, q.prompt, q.required, "\n".join(q.choices))

    @rx.event
    def add_question(self, kind: str):
        if kind in QUESTION_KIND_LABELS and len(self.editor_questions) < MAX_QUESTIONS:
            self.editor_questions = [*self.editor_questions, self._editor_row(kind=kind)]

    @rx.event
    def set_question_kind(self, key: int, kind: str):
        if kind in QUESTION_KIND_LABELS:
            self.editor_questions = [
                dataclasses.replace(q, kind=kind) if q.key == key else q for q in self.editor_questions
            ]

    @rx.event
    def remove_question(self, key: int):
        self.editor_questions = [q for q in self.editor_questions if q.key != key]

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        return self._refresh()

    def _refresh(self):
        try:
            summaries = queries.job_overview(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.rows = [
            JobRow(
                id=s.job.id,
                title=s.job.title,
                location=s.job.location,
                status=s.job.status,
                company_name=s.job.company_name,
                description=s.job.description,
                posted=day(s.job.created_at),
                total=s.total,
                counts=stage_counts(s),
            )
            for s in summaries
        ]
        self.loading = False

    @rx.event
    def new_job(self):
        self.editing_id, self.form_error = 0, ""
        self.form_title = self.form_location = self.form_description = ""
        self.editor_questions = []
        self.form_criteria = "\n".join(DEFAULT_CRITERIA)
        try:
            self._load_templates()
        except DomainError as exc:
            return self.refuse(exc)
        self.template_message = ""
        self.editor_stages = []
        self.choose_template("0")
        self.editor_open = True
        return None

    @rx.event
    def edit_job(self, job_id: int):
        row = next((r for r in self.rows if r.id == job_id), None)
        if row is None:
            return rx.toast.error("Job not found.")
        try:
            job = jobs.get_job(db(), self.principal(), job_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.editing_id, self.form_error = row.id, ""
        self.form_title, self.form_location = row.title, row.location
        self.form_description = row.description
        self.editor_questions = [self._editor_row(q) for q in job.questions]
        self.form_criteria = "\n".join(job.criteria)
        try:
            self._load_templates()
        except DomainError as exc:
            return self.refuse(exc)
        self.template_message, self.chosen_template = "", ""
        self.editor_stages = [self._stage_row(st.id, st.name, st.category) for st in job.stages]
        self.editor_open = True
        return None

    @rx.event
    def set_editor_open(self, value: bool):
        self.editor_open = value

    @rx.event
    def save_job(self, form: dict):
        try:
            p = self.principal()
            args = (form.get("title", ""), form.get("description", ""), form.get("location", ""))
            questions = question_definitions(self.editor_questions, form)
            criteria = [c for c in str(form.get("criteria", "")).splitlines() if c.strip()]
            stages = self._stage_definitions()
            if self.editing_id:
                job = jobs.update_job(
                    db(), p, self.editing_id, *args, questions=questions, criteria=criteria, stages=stages
                )
                message = f"Saved “{job.title}”."
            else:
                job = jobs.create_job(db(), p, *args, questions=questions, criteria=criteria, stages=stages)
                message = f"Posted “{job.title}”."
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.editor_open = False
        self._refresh()
        return rx.toast.success(message)

    @rx.event
    def set_status(self, job_id: int, status: str):
        try:
            job = jobs.set_job_status(db(), self.principal(), job_id, status)
        except DomainError as exc:
            return self.refuse(exc)
        self._refresh()
        verb = "closed" if job.status == "closed" else "reopened"
        return rx.toast.success(f"“{job.title}” is {verb}.")

    @rx.event
    def open_invite(self):
        self.invite_open, self.invite_link, self.invite_error = True, "", ""

    @rx.event
    def set_invite_open(self, value: bool):
        self.invite_open = value

    @rx.event
    def invite(self, form: dict):
        try:
            inv = invitations.invite_staff(
                db(), self.principal(), form.get("email", ""), form.get("role", "")
            )
        except DomainError as exc:
            self.invite_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.invite_error = ""
        self.invite_link = f"{get_settings().public_url}/invite/{inv.token}"
        return rx.toast.success(f"Invitation created for {inv.email}.")


@dataclasses.dataclass
class QuestionRow:
    id: int
    kind: str
    prompt: str
    required: bool
    choices: list[str] = dataclasses.field(default_factory=list)
    error: str = ""
    field_name: str = ""


def question_rows(questions, problems: dict[int, str] | None = None) -> list[QuestionRow]:
    return [
        QuestionRow(
            id=q.id,
            kind=q.kind,
            prompt=q.prompt,
            required=q.required,
            choices=list(q.choices),
            error=(problems or {}).get(q.id, ""),
            field_name=f"q_{q.id}",
        )
        for q in questions
    ]


class CareersState(SessionState):
    """Open jobs for candidates (and visitors), and one job's page with its application form."""

    rows: list[JobRow] = []
    search: str = ""
    loading: bool = True
    job: JobRow = JobRow(0, "", "", "", "", "", "")
    job_error: str = ""
    applied: bool = False
    questions: list[QuestionRow] = []
    apply_error: str = ""
    my_headline: str = ""
    my_resume: str = ""
    source_tag: str = ""

    @rx.event
    def load(self):
        self.require()
        return self._refresh()

    def _refresh(self):
        try:
            found = jobs.list_jobs(db(), None, limit=200, search=self.search)
        except DomainError as exc:
            return self.refuse(exc)
        self.rows = [
            JobRow(j.id, j.title, j.location, j.status, j.company_name, j.description, day(j.created_at))
            for j in found
        ]
        self.loading = False

    @rx.event
    def set_search(self, value: str):
        self.search = value[:100]
        return self._refresh()

    @rx.event
    def load_job(self):
        self.require()
        self.applied, self.job_error = False, ""
        job_id = self.router.url.query_parameters.get("id", "")
        # A shared link's ?source= tag; the core checks it when the application is sent.
        self.source_tag = str(self.router.url.query_parameters.get("source", ""))[:MAX_TAG]
        try:
            j = jobs.get_job(db(), None, job_id)
        except DomainError as exc:
            self.job_error = exc.message
            return
        self.job = JobRow(
            j.id, j.title, j.location, j.status, j.company_name, j.description, day(j.created_at)
        )
        self.questions, self.apply_error = question_rows(j.questions), ""
        if self.role == Role.CANDIDATE:
            p = self.principal()
            mine = queries.my_applications(db(), p, limit=200)
            self.applied = any(m.job_id == j.id for m in mine)
            me = profile.get_profile(db(), p)
            self.my_headline = me.headline
            self.my_resume = me.resume.name if me.resume else ""

    @rx.event
    def apply(self):
        """For visitors: sign in (or sign up) first, then come back to this job."""
        try:
            self.principal()
        except Unauthenticated:
            tag = f"%26source%3D{quote(self.source_tag, safe='')}" if self.source_tag else ""
            return rx.redirect(f"/login?next=/careers/job%3Fid%3D{self.job.id}{tag}")
        return None

    @rx.event
    def submit_application(self, form: dict):
        """The form's cover letter and answers (fields ``q_<id>``) go to the domain core as sent."""
        answers = [{"question_id": q.id, "answer": form.get(q.field_name, "")} for q in self.questions]
        try:
            applying.apply(
                db(),
                self.principal(),
                self.job.id,
                cover_letter=form.get("cover_letter", ""),
                answers=answers,
                source_tag=self.source_tag or None,
            )
        except MissingAnswers as exc:
            self.questions = [
                dataclasses.replace(q, error=exc.problems.get(q.id, "")) for q in self.questions
            ]
            self.apply_error = "Some answers are missing; see the questions marked below."
            return None
        except Conflict as exc:
            self.applied = "already applied" in exc.message
            return rx.toast.warning(exc.message)
        except DomainError as exc:
            if exc.status_code == 422:
                self.apply_error = exc.message
                return None
            return self.refuse(exc)
        self.applied, self.apply_error = True, ""
        return rx.toast.success(f"Application sent for “{self.job.title}”. Good luck!")
