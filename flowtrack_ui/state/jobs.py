"""The staff jobs page: post, edit, publish, close and reopen jobs, and invite colleagues."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import reflex as rx

from flowtrack_ui.core import jobs, markdown, queries
from flowtrack_ui.core.accounts import invitations
from flowtrack_ui.core.applications.questions import MAX_QUESTIONS
from flowtrack_ui.core.careers import settings as careers_settings
from flowtrack_ui.core.careers.urls import job_path
from flowtrack_ui.core.collaboration.scorecards import DEFAULT_CRITERIA
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.jobs import DETAIL_DEFAULTS, MAX_DESCRIPTION
from flowtrack_ui.core.mail import automation
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import (
    CLOSED,
    DRAFT,
    EMPLOYMENT_TYPES,
    INTERNAL,
    JOB_STATUSES,
    PUBLIC,
    PUBLISHED,
    SALARY_PERIODS,
    TAKES_APPLICATIONS,
    UNLISTED,
    WORKPLACES,
)
from flowtrack_ui.core.notifications import invitation_link
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.pipelines import rejection_reasons, templates
from flowtrack_ui.core.pipelines.categories import LABELS, PROGRESS, SINGLE, Category, is_terminal
from flowtrack_ui.core.pipelines.definitions import MAX_STAGE_NAME, MAX_STAGES, new_stage_slot
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.core.views import StageView

from .board import StageCount, stage_counts
from .colors import JOB_STATUS_COLORS
from .format import counted, day
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
    total_label: str = ""  # "1 application"
    counts: list[StageCount] = dataclasses.field(default_factory=list)
    # The staff jobs list: the status as a badge, the one-click change it offers, the public page.
    status_label: str = ""
    status_color: str = "gray"
    next_status: str = ""
    next_label: str = ""
    public_url: str = ""  # "" unless anyone with the link may read it (``PUBLIC``)
    summary: str = ""  # department, workplace and employment type, as a line


@dataclasses.dataclass
class EditorQuestion:
    """A question in the job editor; ``key`` keeps its inputs apart while rows come and go."""

    key: int
    id: int
    kind: str
    prompt: str
    required: bool
    choices: str  # one per line, for single_choice
    choice_list: list[str] = dataclasses.field(default_factory=list)  # the same, as offered so far
    # The answers that disqualify ("yes"/"no", or some of the choices); the core checks them.
    disqualifying: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class EditorStage:
    """A stage in the job editor; ``id`` 0 is a new stage, ``key`` keeps rows apart as they move."""

    key: int
    id: int
    name: str
    category: str
    terminal: bool = False
    target_days: str = ""  # as typed; "" is no target (work.py lists applications past it)
    # What entering it does (mail/automation.py): the name candidates read ("" : its category's,
    # shown as the placeholder), its email ("off", "default" or a template id), the delay in
    # minutes and whether only in business hours. ``kind``: its template kind ("" : no email).
    public_name: str = ""
    public_default: str = ""
    email: str = "off"
    delay: str = "0"
    business: bool = False
    kind: str = ""
    # The applied stage and the final ones: a pipeline has one of each, their category is fixed.
    fixed: bool = False


@dataclasses.dataclass
class StageEmailOption:
    """A company email template a stage of ``kind`` may send."""

    kind: str
    id: str
    name: str


# The email delays the stage editor offers, in minutes (the core takes any up to 30 days).
STAGE_DELAYS = {
    "0": "at once",
    "60": "after 1 hour",
    "240": "after 4 hours",
    "1440": "after 1 day",
    "2880": "after 2 days",
    "4320": "after 3 days",
    "10080": "after 1 week",
}


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
# The kinds whose answers may disqualify (knockout questions), and yes/no's answers.
KNOCKOUT_KINDS = ("yes_no", "single_choice")
YES_NO = ("yes", "no")

# What each status means, in one line, for the editor and the jobs list (keyed by the core's).
STATUS_LABELS = {
    DRAFT: "Draft",
    PUBLISHED: "Published",
    UNLISTED: "Unlisted",
    INTERNAL: "Internal",
    CLOSED: "Closed",
}
STATUS_HINTS = {
    DRAFT: "Only your team sees it; nobody can apply yet.",
    PUBLISHED: "On your careers page, the sitemap and job feeds; anyone can apply.",
    UNLISTED: "Not listed anywhere; anyone with its link can read it and apply.",
    INTERNAL: "Only your company's staff see it; add candidates from the talent pool.",
    CLOSED: "No new applications; its board and history stay.",
}
EMPLOYMENT_TYPE_LABELS = {
    "full_time": "Full-time",
    "part_time": "Part-time",
    "contract": "Contract",
    "internship": "Internship",
    "temporary": "Temporary",
}
WORKPLACE_LABELS = {"on_site": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
SALARY_PERIOD_LABELS = {"year": "per year", "month": "per month", "hour": "per hour"}
# The editor's choices, in the core's order (a value the core adds without a label fails here).
STATUS_OPTIONS = [(status, STATUS_LABELS[status]) for status in JOB_STATUSES]
EMPLOYMENT_TYPE_OPTIONS = [(t, EMPLOYMENT_TYPE_LABELS[t]) for t in EMPLOYMENT_TYPES]
WORKPLACE_OPTIONS = [(w, WORKPLACE_LABELS[w]) for w in WORKPLACES]
SALARY_PERIOD_OPTIONS = [(p, SALARY_PERIOD_LABELS[p]) for p in SALARY_PERIODS]
# The one-click change a job's row offers: publish a draft, close a job taking applications,
# reopen a closed one (the editor sets any status).
NEXT_STATUS = {DRAFT: (PUBLISHED, "Publish"), CLOSED: (PUBLISHED, "Reopen")} | {
    status: (CLOSED, "Close") for status in TAKES_APPLICATIONS
}


def _checked(value: object) -> bool:
    return value in ("on", "true", True)


def question_definitions(rows: list[EditorQuestion], form: dict) -> list[dict]:
    """The editor form's questions, in their order, as the domain core takes them; a question's
    disqualifying answers only while its kind and choices still offer them."""
    found = []
    for q in rows:
        kind = form.get(f"qkind_{q.key}") or q.kind
        choices = [c for c in str(form.get(f"qchoices_{q.key}", "")).splitlines() if c.strip()]
        offered = (
            YES_NO if kind == "yes_no" else [c.strip() for c in choices] if kind == "single_choice" else []
        )
        found.append(
            {
                "id": q.id or None,
                "kind": kind,
                "prompt": form.get(f"qprompt_{q.key}", ""),
                "required": _checked(form.get(f"qrequired_{q.key}")),
                "choices": choices,
                "disqualifying_answers": [a for a in q.disqualifying if a in offered],
            }
        )
    return found


def hours_text(minutes: int) -> str:
    """Minutes as hours for the editor: ``2880`` → ``48``, ``90`` → ``1.5``."""
    return f"{minutes / 60:g}"


def minutes_from(hours: object) -> object:
    """The editor's hours as whole minutes; anything else as typed, for the core to refuse."""
    try:
        return round(float(str(hours).strip()) * 60)
    except ValueError:
        return hours


def job_details(form: dict) -> dict:
    """The editor form's job details as ``jobs.parse_details`` takes them (it checks them)."""
    return {
        "department": form.get("department", ""),
        "employment_type": form.get("employment_type", DETAIL_DEFAULTS["employment_type"]),
        "workplace": form.get("workplace", DETAIL_DEFAULTS["workplace"]),
        "remote_region": form.get("remote_region", ""),
        "salary_min": form.get("salary_min") or None,
        "salary_max": form.get("salary_max") or None,
        "salary_currency": form.get("salary_currency", ""),
        "salary_period": form.get("salary_period") or DETAIL_DEFAULTS["salary_period"],
        "salary_visible": _checked(form.get("salary_visible")),
        "valid_through": form.get("valid_through") or None,
        "knockout_delay_minutes": minutes_from(form.get("knockout_delay_hours", "")),
    }


def public_url(company_slug: str, job_id: int, title: str, status: str) -> str:
    """The job's page on the careers site, for a job anyone with the link may read."""
    if status not in PUBLIC or not company_slug:
        return ""
    return get_settings().public_url + job_path(company_slug, job_id, title)


def summary_line(department: str, workplace: str, employment_type: str) -> str:
    parts = [department, WORKPLACE_LABELS.get(workplace, ""), EMPLOYMENT_TYPE_LABELS.get(employment_type, "")]
    return " · ".join(p for p in parts if p)


class StaffJobsState(SessionState):
    rows: list[JobRow] = []
    loading: bool = True
    # Closing asks first: the job it is about (0: the dialog is shut).
    close_id: int = 0
    close_title: str = ""
    close_total: str = ""
    editor_open: bool = False
    editing_id: int = 0
    form_title: str = ""
    form_location: str = ""
    form_description: str = ""
    form_error: str = ""
    # The job's details in the editor (the form posts them; these set the fields' first values).
    form_status: str = PUBLISHED
    form_department: str = ""
    form_employment_type: str = "full_time"
    form_workplace: str = "on_site"
    form_remote_region: str = ""
    form_salary_min: str = ""
    form_salary_max: str = ""
    form_salary_currency: str = ""
    form_salary_period: str = "year"
    form_salary_visible: bool = False
    form_valid_through: str = ""  # YYYY-MM-DD
    form_knockout_hours: str = "48"
    # The description rendered as the careers page shows it (sanitised by the core, so rx.html
    # may show it).
    description_html: str = ""
    invite_open: bool = False
    invite_link: str = ""
    invite_error: str = ""
    editor_questions: list[EditorQuestion] = []
    form_criteria: str = ""
    _next_key: int = 0
    editor_stages: list[EditorStage] = []
    stage_email_options: list[StageEmailOption] = []
    business_zone: str = "UTC"
    template_options: list[TemplateOption] = []
    chosen_template: str = "0"
    _template_stages: dict[str, list[dict]] = {}
    template_message: str = ""
    reasons_open: bool = False
    reasons_text: str = ""
    reasons_error: str = ""

    # --- the pipeline editor ------------------------------------------------------------------

    def _stage_row(
        self,
        stage_id: int,
        name: str,
        category: str,
        target_days: int | None = None,
        view: StageView | None = None,
    ) -> EditorStage:
        self._next_key += 1
        terminal = is_terminal(category)
        target = "" if target_days is None or terminal else str(target_days)
        default_name = automation.shown_name(None, category)
        if view is None:
            auto = automation.default_automation(category)
            public = ""
        else:
            auto = automation.StageAutomation(
                None, view.notify, view.email_template_id, view.email_delay_minutes, view.business_hours_only
            )
            public = "" if view.public_name == default_name else view.public_name
        email = "off"
        if auto.notify:
            email = str(auto.email_template_id) if auto.email_template_id else "default"
        return EditorStage(
            self._next_key,
            stage_id,
            name,
            category,
            terminal,
            target,
            public_name=public,
            public_default=default_name,
            email=email,
            delay=str(auto.email_delay_minutes),
            business=auto.business_hours_only,
            kind=automation.template_kind(category) or "",
            fixed=category in SINGLE,
        )

    def _update_stage(self, key: int, **changes: object) -> None:
        self.editor_stages = [
            dataclasses.replace(st, **changes) if st.key == key else st  # type: ignore[arg-type]
            for st in self.editor_stages
        ]

    @rx.event
    def set_stage_public_name(self, key: int, value: str):
        self._update_stage(key, public_name=str(value).strip()[: automation.MAX_PUBLIC_NAME])

    @rx.event
    def set_stage_email(self, key: int, value: str):
        """Off, the company's default template of the stage's kind, or a named one (checked on save)."""
        known = {"off", "default"} | {o.id for o in self.stage_email_options}
        self._update_stage(key, email=value if value in known else "off")

    @rx.event
    def set_stage_delay(self, key: int, value: str):
        self._update_stage(key, delay=value if value in STAGE_DELAYS else "0")

    @rx.event
    def set_stage_business(self, key: int, value: bool):
        self._update_stage(key, business=value is True)

    def _load_templates(self) -> None:
        self.stage_email_options = [
            StageEmailOption(t.kind, str(t.id), t.name)
            for t in mail_templates.list_templates(db(), self.principal())
            if t.id is not None
        ]
        self.business_zone = automation.company_time_zone(db(), self.principal())
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
    def set_stage_target(self, key: int, days: str):
        """Kept as typed; the core checks it (a whole number of days) when the job is saved."""
        self.editor_stages = [
            dataclasses.replace(st, target_days=str(days).strip()[:6]) if st.key == key else st
            for st in self.editor_stages
        ]

    @rx.event
    def set_stage_category(self, key: int, category: str):
        """A new category; a named template of the old kind gives way to the new kind's default."""
        if category in STAGE_CATEGORY_LABELS:
            self.editor_stages = [
                dataclasses.replace(
                    st,
                    category=category,
                    kind=automation.template_kind(category) or "",
                    public_default=automation.shown_name(None, category),
                    email="default" if st.email not in ("off", "default") else st.email,
                )
                if st.key == key and not st.terminal
                else st
                for st in self.editor_stages
            ]

    @rx.event
    def add_stage(self):
        """A new row where the core's rule puts it: before the offer, of the category before it."""
        if len(self.editor_stages) >= MAX_STAGES:
            return
        rows = list(self.editor_stages)
        index, category = new_stage_slot([st.category for st in rows])
        self.editor_stages = [*rows[:index], self._stage_row(0, "", category.value), *rows[index:]]

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
        return [
            {
                "id": st.id or None,
                "name": st.name,
                "category": st.category,
                "target_days": st.target_days or None,
                "public_name": st.public_name,
                "notify": st.email != "off" and bool(st.kind),
                "email_template_id": int(st.email) if st.email.isdigit() else None,
                "email_delay_minutes": int(st.delay) if st.delay.isdigit() else 0,
                "business_hours_only": st.business,
            }
            for st in self.editor_stages
        ]

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
        return EditorQuestion(
            self._next_key,
            q.id,
            q.kind,
            q.prompt,
            q.required,
            "\n".join(q.choices),
            list(q.choices),
            list(q.disqualifying_answers),
        )

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
    def set_question_choices(self, key: int, text: str):
        """The choices as typed so far (on blur), so their knockout boxes follow them."""
        lines = [c.strip()[:100] for c in str(text).splitlines() if c.strip()][:40]
        self.editor_questions = [
            dataclasses.replace(
                q, choice_list=lines, disqualifying=[a for a in q.disqualifying if a in lines]
            )
            if q.key == key and q.kind == "single_choice"
            else q
            for q in self.editor_questions
        ]

    @rx.event
    def toggle_disqualifying(self, key: int, answer: str, on: bool):
        """Mark or unmark an answer of a yes/no or single-choice question as disqualifying; the
        core refuses answers the question does not offer, and disqualifying every answer."""
        self.editor_questions = [
            dataclasses.replace(
                q,
                disqualifying=[a for a in q.disqualifying if a != answer]
                + ([str(answer)[:100]] if on else []),
            )
            if q.key == key and q.kind in KNOCKOUT_KINDS
            else q
            for q in self.editor_questions
        ]

    # --- the job's details ----------------------------------------------------------------------

    @rx.event
    def set_form_status(self, status: str):
        if status in JOB_STATUSES:
            self.form_status = status

    @rx.var
    def asks_remote_region(self) -> bool:
        """A remote region only for remote or hybrid work (the core drops it for on-site)."""
        return self.form_workplace != "on_site"

    @rx.var
    def status_hint(self) -> str:
        return STATUS_HINTS.get(self.form_status, "")

    @rx.event
    def set_form_workplace(self, workplace: str):
        if workplace in WORKPLACES:
            self.form_workplace = workplace

    @rx.event
    def preview_description(self, text: str):
        """The description as the careers page will show it: Markdown rendered and sanitised."""
        self.description_html = markdown.to_html(str(text)[:MAX_DESCRIPTION])

    def _fill_details(self, job=None) -> None:
        """The editor's detail fields from a job, or a new job's defaults."""
        d = DETAIL_DEFAULTS if job is None else {key: getattr(job, key) for key in DETAIL_DEFAULTS}
        self.form_status = PUBLISHED if job is None else job.status
        self.form_department = str(d["department"] or "")
        self.form_employment_type = str(d["employment_type"])
        self.form_workplace = str(d["workplace"])
        self.form_remote_region = str(d["remote_region"] or "")
        self.form_salary_min = "" if d["salary_min"] is None else str(d["salary_min"])
        self.form_salary_max = "" if d["salary_max"] is None else str(d["salary_max"])
        self.form_salary_currency = str(d["salary_currency"] or "")
        self.form_salary_period = str(d["salary_period"])
        self.form_salary_visible = bool(d["salary_visible"])
        valid, delay = d["valid_through"], d["knockout_delay_minutes"]
        self.form_valid_through = valid.date().isoformat() if isinstance(valid, datetime) else ""
        self.form_knockout_hours = hours_text(delay if isinstance(delay, int) else 0)
        self.description_html = markdown.to_html(job.description) if job is not None else ""

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        return self._refresh(keep_order=False)

    def _refresh(self, keep_order: bool = True):
        """The core's order on a visit; after a change, the rows already shown keep their places
        (a job just created comes first), so a status change never moves another job's buttons
        under the pointer."""
        try:
            p = self.principal()
            summaries = queries.job_overview(db(), p)
            slug = careers_settings.get_careers(db(), p).slug
        except DomainError as exc:
            return self.refuse(exc)
        rows = [
            JobRow(
                id=s.job.id,
                title=s.job.title,
                location=s.job.location,
                status=s.job.status,
                company_name=s.job.company_name,
                description=s.job.description,
                posted=day(s.job.created_at),
                total=s.total,
                total_label=counted(s.total, "application"),
                counts=stage_counts(s),
                status_label=STATUS_LABELS.get(s.job.status, s.job.status),
                status_color=JOB_STATUS_COLORS.get(s.job.status, "gray"),
                next_status=NEXT_STATUS.get(s.job.status, ("", ""))[0],
                next_label=NEXT_STATUS.get(s.job.status, ("", ""))[1],
                public_url=public_url(slug, s.job.id, s.job.title, s.job.status),
                summary=summary_line(s.job.department, s.job.workplace, s.job.employment_type),
            )
            for s in summaries
        ]
        if keep_order:
            shown = {r.id: n for n, r in enumerate(self.rows)}
            rows.sort(key=lambda r: shown.get(r.id, -1))
        self.rows = rows
        self.loading = False

    @rx.event
    def new_job(self):
        self.editing_id, self.form_error = 0, ""
        self.form_title = self.form_location = self.form_description = ""
        self._fill_details()
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
        self.form_title, self.form_location = job.title, job.location
        self.form_description = job.description
        self._fill_details(job)
        self.editor_questions = [self._editor_row(q) for q in job.questions]
        self.form_criteria = "\n".join(job.criteria)
        try:
            self._load_templates()
        except DomainError as exc:
            return self.refuse(exc)
        self.template_message, self.chosen_template = "", ""
        self.editor_stages = [
            self._stage_row(st.id, st.name, st.category, st.target_days, st) for st in job.stages
        ]
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
            details, status = job_details(form), form.get("status") or self.form_status
            if self.editing_id:
                job = jobs.update_job(
                    db(),
                    p,
                    self.editing_id,
                    *args,
                    status=status,
                    questions=questions,
                    criteria=criteria,
                    stages=stages,
                    details=details,
                )
                message = f"Saved “{job.title}”."
            else:
                job = jobs.create_job(
                    db(),
                    p,
                    *args,
                    questions=questions,
                    criteria=criteria,
                    stages=stages,
                    status=status,
                    details=details,
                )
                message = f"Posted “{job.title}” ({STATUS_LABELS[job.status].lower()})."
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.editor_open = False
        self._refresh()
        return rx.toast.success(message)

    @rx.event
    def set_status(self, job_id: int, status: str):
        """A row's one-click change; closing asks first (it ends applying, and is one mis-click away
        from the next row's button)."""
        if status == CLOSED:
            row = next((r for r in self.rows if r.id == job_id), None)
            if row is None:
                return rx.toast.error("That job is no longer in the list.")
            self.close_id, self.close_title, self.close_total = row.id, row.title, row.total_label
            return None
        return self._change_status(job_id, status)

    def _change_status(self, job_id: int, status: str):
        try:
            job = jobs.set_job_status(db(), self.principal(), job_id, status)
        except DomainError as exc:
            return self.refuse(exc)
        self._refresh()
        return rx.toast.success(f"“{job.title}” is {STATUS_LABELS[job.status].lower()}.")

    @rx.event
    def confirm_close(self):
        job_id = self.close_id
        self.close_id, self.close_title, self.close_total = 0, "", ""
        if not job_id:
            return None
        return self._change_status(job_id, CLOSED)

    @rx.event
    def cancel_close(self, open_: bool = False):
        if not open_:
            self.close_id, self.close_title, self.close_total = 0, "", ""

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
        self.invite_link = invitation_link(inv.token)
        return rx.toast.success(f"Invitation created for {inv.email}.")
