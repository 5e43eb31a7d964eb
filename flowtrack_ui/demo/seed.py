"""Demo data: company Acme, its staff, candidates, three jobs, ~40 applications with history.

Idempotent: does nothing when the Acme company exists. Run ``python -m flowtrack_ui.manage seed``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from flowtrack_ui.core import security
from flowtrack_ui.core.accounts.company_names import lookalike_key
from flowtrack_ui.core.db import Database, default_database, existing
from flowtrack_ui.core.files import file_types, storage
from flowtrack_ui.core.models import (
    PUBLISHED,
    Application,
    ApplicationAnswer,
    ApplicationHistory,
    CandidateProfile,
    CandidateTag,
    Company,
    Job,
    PipelineTemplate,
    ScreeningQuestion,
    User,
)
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines import job_stages, rejection_reasons, stage_stats
from flowtrack_ui.core.pipelines.definitions import DEFAULT_PIPELINE, as_dicts, parse_stages
from flowtrack_ui.core.pipelines.transitions import MoveKind, Pipeline, StageRef, find_move
from flowtrack_ui.core.talent import documents, duplicates

from . import resumes as demo_resumes

DEMO_PASSWORD = "flowtrack-demo"
DEMO_LOGINS = {
    "recruiter": "recruiter@acme.test",
    "hiring_manager": "manager@acme.test",
    "candidate": "alice@example.com",
}

CANDIDATES = [
    ("Alice Johnson", "alice@example.com"),
    ("Bilal Khan", "bilal@example.com"),
    ("Chen Wei", "chen@example.com"),
    ("Dana Novak", "dana@example.com"),
    ("Emeka Obi", "emeka@example.com"),
    ("Fatima Zahra", "fatima@example.com"),
    ("Gabriel Silva", "gabriel@example.com"),
    ("Hana Sato", "hana@example.com"),
    ("Ivan Petrov", "ivan@example.com"),
    ("Julia Fischer", "julia@example.com"),
    ("Kofi Mensah", "kofi@example.com"),
    ("Lena Berg", "lena@example.com"),
    ("Mateo Rossi", "mateo@example.com"),
    ("Nora Lindqvist", "nora@example.com"),
]

JOBS = [
    (
        "Senior Backend Engineer",
        "Remote (EU)",
        """Design and run the services behind our product. Python, PostgreSQL, a taste for simple systems.

## What you will do

- Build and run the APIs our web and mobile apps use, from the schema to production
- Keep them **fast and boring**: measured, monitored, easy to change
- Review code and write things down so the next person can follow

## What we look for

- Five or more years of backend work, most of it in Python
- SQL you are proud of, and a feel for where a database spends its time
- Clear written English: we work across four time zones
""",
    ),
    (
        "Product Designer",
        "Berlin",
        """Shape how thousands of people use our product every day, from research to polished UI.

## What you will do

- Talk with customers, find what trips them up, and design the way around it
- Take features from a sketch to a tested prototype to the pixels that ship
- Keep our design system tidy together with engineering

## What we look for

- A portfolio that shows your process, not only the final screens
- Experience with research, interaction and visual design
""",
    ),
    (
        "Customer Success Manager",
        "London",
        """Help our customers get the most out of the product and be their voice inside the company.

## What you will do

- Welcome new customers and get them to their first success in weeks, not months
- Hold regular reviews with your accounts and spot trouble before it grows
- Bring what customers tell you to product and engineering

## What we offer

1. A salary in the published range, reviewed every year
2. 28 days of holiday plus bank holidays
3. Two days a week from home
""",
    ),
]

ABOUT_ACME = """Acme builds the scheduling software that 4,000 clinics use to run their day. We are
60 people in Berlin, London and remote across Europe.

We ship small changes often, write things down, and keep meetings short. Every job page lists the
salary range when we know it."""

# Each job's details on the careers site (core/jobs.DETAIL_DEFAULTS names them).
JOB_DETAILS: list[dict] = [
    {"department": "Engineering", "workplace": "remote", "remote_region": "EU"},
    {"department": "Design", "workplace": "hybrid"},
    {
        "department": "Customer Success",
        "salary_min": 48000,
        "salary_max": 58000,
        "salary_currency": "GBP",
        "salary_visible": True,
    },
]

# Each job's screening questions: (kind, prompt, required, choices).
QUESTIONS: list[list[tuple[str, str, bool, list[str]]]] = [
    [
        ("yes_no", "Are you authorised to work in the EU?", True, []),
        ("single_choice", "Years of Python in production", True, ["0–2", "3–5", "6+"]),
        ("short_text", "A project you are proud of (link)", False, []),
    ],
    [
        ("short_text", "Portfolio link", True, []),
        ("yes_no", "Can you work from our Berlin studio three days a week?", True, []),
    ],
    [
        ("yes_no", "Have you used a CRM such as Salesforce or HubSpot?", True, []),
        ("long_text", "Tell us about a customer you turned around", False, []),
    ],
]
CRITERIA = [
    ["System design", "Python", "Communication"],
    ["Craft", "User research", "Collaboration"],
    ["Empathy", "Problem solving", "Communication"],
]
COVER_LETTERS = [
    "I have followed Acme for a while and would love to help the team ship calmly and often.",
    "My last role taught me to listen first. I would bring that, and a lot of curiosity, to Acme.",
    "",
]


def _answer(kind: str, choices: list[str], rng: random.Random) -> str:
    if kind == "yes_no":
        return "yes" if rng.random() < 0.8 else "no"
    if kind == "single_choice":
        return rng.choice(choices)
    if kind == "short_text":
        return "https://github.com/demo/" + rng.choice(["ledger", "atlas", "pathfinder", "harbor"])
    return (
        "A logistics customer was about to churn; weekly calls and a shared plan kept them for three "
        "more years."
    )


# The path each demo application takes: how many of the job's non-terminal stages it went
# through, and how it ended (still open, hired or rejected).
PATHS = [(1, ""), (2, ""), (3, ""), (4, ""), (99, "hired"), (1, "rejected"), (2, "rejected"), (3, "rejected")]

NOTES = {
    "screening": "Strong CV; phone screen booked.",
    "interview": "Good screen, moving to the panel.",
    "offer": "Panel was unanimous.",
    "hired": "Offer signed.",
    "rejected": "Not enough experience for this level.",
}
REJECTION_REASONS = ["Not enough experience", "Skills do not match the role", "Salary expectations too high"]

# A company template, used by the design job: a portfolio review and two interview rounds.
DESIGN_PIPELINE = [
    {"name": "Applied", "category": "applied"},
    {"name": "Portfolio review", "category": "screening"},
    {"name": "Design exercise", "category": "interview"},
    {"name": "Team interview", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
    {"name": "Rejected", "category": "rejected"},
    {"name": "Withdrawn", "category": "withdrawn"},
]


def _path(pipeline, steps: int, end: str):
    """The stages (StageRef) a demo application went through, ending in its current one."""
    progress = list(pipeline.progress)
    if end == "hired":
        return [*progress, pipeline.of_category("hired")]
    path = progress[: min(steps, len(progress))]
    return [*path, pipeline.of_category("rejected")] if end else path


def _kind(pipeline: Pipeline, old: StageRef, new: StageRef) -> MoveKind:
    """The kind of a demo move, as the transition table says (a path it does not allow is a bug here)."""
    move = find_move(pipeline, old, new)
    if move is None:
        raise ValueError(f"The demo moves {old.name} to {new.name}, which the transition table refuses.")
    return move.kind


# The company's tags on the demo candidates (by turn), as recruiters would have left them.
DEMO_TAGS = [["silver medallist"], [], ["referral"], [], ["relocating", "senior"], []]


def seed(db: Database, *, rng_seed: int = 7) -> bool:
    """Create the demo data unless it exists. Returns True when something was created."""
    rng = random.Random(rng_seed)
    pw = security.hash_password(DEMO_PASSWORD)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        if s.exec(select(Company).where(Company.name == "Acme")).first() is not None:
            return False
        acme = Company(
            name="Acme",
            name_key=lookalike_key("Acme"),
            slug="acme",
            about=ABOUT_ACME,
            links=json.dumps([{"label": "Our blog", "url": "https://acme.example/blog"}]),
            created_at=now - timedelta(days=60),
        )
        s.add(acme)
        s.flush()
        rejection_reasons.add_defaults(s, acme.id)
        s.add(
            PipelineTemplate(
                company_id=acme.id,
                name="Design",
                stages=json.dumps(as_dicts(parse_stages(DESIGN_PIPELINE))),
                created_at=acme.created_at,
                updated_at=acme.created_at,
            )
        )
        recruiter = User(
            email=DEMO_LOGINS["recruiter"],
            full_name="Rita Recruiter",
            role=Role.RECRUITER,
            company_id=acme.id,
            password_hash=pw,
            email_verified_at=acme.created_at,  # demo accounts are confirmed
        )
        manager = User(
            email=DEMO_LOGINS["hiring_manager"],
            full_name="Hugo Manager",
            role=Role.HIRING_MANAGER,
            company_id=acme.id,
            password_hash=pw,
            email_verified_at=acme.created_at,  # demo accounts are confirmed
        )
        s.add(recruiter)
        s.add(manager)
        candidates = []
        for name, email in CANDIDATES:
            if s.exec(select(User).where(User.email == email)).first() is None:
                user = User(
                    email=email,
                    full_name=name,
                    role=Role.CANDIDATE,
                    password_hash=pw,
                    email_verified_at=acme.created_at,
                )
                s.add(user)
                candidates.append(user)
        s.flush()
        resumes: dict[int, int] = {}
        for user in candidates:
            prof = demo_resumes.profile_for(user.full_name, rng)
            pdf = demo_resumes.resume_pdf(user.full_name, user.email, prof, rng)
            name = user.full_name.replace(" ", "_") + "_CV.pdf"
            row = storage.add(s, storage.prepare(user.id, pdf, file_types.PDF, name))
            resumes[user.id] = row.id
            s.add(
                CandidateProfile(
                    user_id=user.id,
                    phone=prof.phone,
                    location=prof.location,
                    linkedin_url=prof.linkedin_url,
                    headline=prof.headline,
                    resume_file_id=row.id,
                )
            )
        jobs = []
        for i, (title, location, description) in enumerate(JOBS):
            created = now - timedelta(days=45 - i * 5)
            job = Job(
                company_id=acme.id,
                title=title,
                location=location,
                description=description,
                status=PUBLISHED,
                published_at=created,
                **JOB_DETAILS[i],
                scorecard_criteria=json.dumps(CRITERIA[i]),
                created_by_id=recruiter.id,
                created_at=created,
                updated_at=created,
            )
            s.add(job)
            jobs.append(job)
        s.flush()
        for job in jobs:
            specs = parse_stages(DESIGN_PIPELINE) if job.title == "Product Designer" else DEFAULT_PIPELINE
            job_stages.create_for_job(s, job.id, specs)
        pipelines = {job.id: job_stages.pipeline_of(s, job.id) for job in jobs}
        job_questions: dict[int, list[ScreeningQuestion]] = {}
        for job, questions in zip(jobs, QUESTIONS, strict=True):
            rows = [
                ScreeningQuestion(
                    job_id=job.id,
                    position=i,
                    kind=kind,
                    prompt=prompt,
                    required=req,
                    choices=json.dumps(choices),
                )
                for i, (kind, prompt, req, choices) in enumerate(questions)
            ]
            s.add_all(rows)
            job_questions[job.id] = rows
        s.flush()
        pairs = [(j, c) for j in jobs for c in candidates]
        rng.shuffle(pairs)
        for n, (job, cand) in enumerate(pairs[:40]):
            # Alice (the demo candidate) starts in Applied on her first job so the demo shows a fresh card.
            steps, end = PATHS[n % len(PATHS)] if cand.email != DEMO_LOGINS["candidate"] else PATHS[n % 3]
            path = _path(pipelines[job.id], steps, end)
            t = job.created_at + timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 23))
            app = Application(
                job_id=job.id,
                candidate_id=cand.id,
                stage_id=path[-1].id,
                previous_stage_id=path[-2].id if len(path) > 1 else None,
                version=len(path),
                created_at=t,
                updated_at=t,
                stage_changed_at=t,
                resume_file_id=resumes[cand.id],
                source=("careers", "link", "link", "api")[n % 4],
                source_detail=("linkedin" if n % 8 < 4 else "meetup") if n % 4 in (1, 2) else None,
                cover_letter=COVER_LETTERS[n % len(COVER_LETTERS)] or None,
            )
            s.add(app)
            s.flush()
            for q in job_questions[job.id]:
                if q.required or rng.random() < 0.5:
                    answer = _answer(q.kind, json.loads(q.choices), rng)
                    s.add(
                        ApplicationAnswer(
                            application_id=app.id,
                            question_id=q.id,
                            position=q.position,
                            kind=q.kind,
                            prompt=q.prompt,
                            answer=answer,
                        )
                    )
            old, entered = None, t  # the first row's old stage "entered" when the application was made
            for step in path:
                if old is not None:
                    entered = t
                    t = min(
                        t + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)),
                        now - timedelta(hours=1),
                    )
                by = cand.id if old is None else recruiter.id
                kind = MoveKind.APPLIED if old is None else _kind(pipelines[job.id], old, step)
                s.add(
                    ApplicationHistory(
                        application_id=app.id,
                        old_stage=old.name if old else None,
                        new_stage=step.name,
                        old_stage_id=old.id if old else None,
                        new_stage_id=step.id,
                        kind=kind.value,
                        changed_by_id=by,
                        changed_at=t,
                        old_stage_entered_at=entered,
                        note=NOTES.get(step.category) if old else None,
                        reason=REJECTION_REASONS[n % len(REJECTION_REASONS)]
                        if kind == MoveKind.REJECT
                        else None,
                    )
                )
                old = step
            app.stage_changed_at = t
            app.updated_at = t
            s.add(app)
        s.flush()
        stage_stats.rebuild(s.connection())  # the report's running totals of the history above
        for i, user in enumerate(candidates):
            profile_row = existing(s, CandidateProfile, user.id)
            profile_row.phone_key = duplicates.phone_key(profile_row.phone)
            profile_row.linkedin_key = duplicates.linkedin_key(profile_row.linkedin_url)
            s.add(profile_row)
            for label in DEMO_TAGS[i % len(DEMO_TAGS)]:
                s.add(CandidateTag(company_id=acme.id, candidate_id=user.id, label=label, created_at=now))
        s.flush()
        for user in candidates:
            documents.refresh(s, acme.id, user.id)  # the talent pool's search documents
    return True


def main() -> None:
    created = seed(default_database())
    print("Demo data created." if created else "Demo data already present.")


if __name__ == "__main__":
    main()
