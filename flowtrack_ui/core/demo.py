"""Demo data: company Acme, its staff, candidates, three jobs, ~40 applications with history.

Idempotent: does nothing when the Acme company exists. Run ``python -m flowtrack_ui.core.demo``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from . import security
from .accounts.company_names import lookalike_key
from .db import Database, default_database
from .models import Application, ApplicationHistory, Company, Job, User
from .permissions import Role
from .stages import Stage

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
        "Design and run the services behind our product. Python, PostgreSQL, a taste for simple systems.",
    ),
    (
        "Product Designer",
        "Berlin",
        "Shape how thousands of people use our product every day, from research to polished UI.",
    ),
    (
        "Customer Success Manager",
        "London",
        "Help our customers get the most out of the product and be their voice inside the company.",
    ),
]

# The path each demo application takes, ending in its current stage.
PATHS = [
    [Stage.APPLIED],
    [Stage.APPLIED, Stage.SCREENING],
    [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW],
    [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER],
    [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED],
    [Stage.APPLIED, Stage.REJECTED],
    [Stage.APPLIED, Stage.SCREENING, Stage.REJECTED],
    [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW, Stage.REJECTED],
]

NOTES = {
    Stage.SCREENING: "Strong CV; phone screen booked.",
    Stage.INTERVIEW: "Good screen, moving to the panel.",
    Stage.OFFER: "Panel was unanimous.",
    Stage.HIRED: "Offer signed.",
    Stage.REJECTED: "Not enough experience for this level.",
}


def seed(db: Database, *, rng_seed: int = 7) -> bool:
    """Create the demo data unless it exists. Returns True when something was created."""
    rng = random.Random(rng_seed)
    pw = security.hash_password(DEMO_PASSWORD)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        if s.exec(select(Company).where(Company.name == "Acme")).first() is not None:
            return False
        acme = Company(name="Acme", name_key=lookalike_key("Acme"), created_at=now - timedelta(days=60))
        s.add(acme)
        s.flush()
        recruiter = User(
            email=DEMO_LOGINS["recruiter"],
            full_name="Rita Recruiter",
            role=Role.RECRUITER,
            company_id=acme.id,
            password_hash=pw,
        )
        manager = User(
            email=DEMO_LOGINS["hiring_manager"],
            full_name="Hugo Manager",
            role=Role.HIRING_MANAGER,
            company_id=acme.id,
            password_hash=pw,
        )
        s.add(recruiter)
        s.add(manager)
        candidates = []
        for name, email in CANDIDATES:
            if s.exec(select(User).where(User.email == email)).first() is None:
                user = User(email=email, full_name=name, role=Role.CANDIDATE, password_hash=pw)
                s.add(user)
                candidates.append(user)
        s.flush()
        jobs = []
        for i, (title, location, description) in enumerate(JOBS):
            created = now - timedelta(days=45 - i * 5)
            job = Job(
                company_id=acme.id,
                title=title,
                location=location,
                description=description,
                status="open",
                created_by_id=recruiter.id,
                created_at=created,
                updated_at=created,
            )
            s.add(job)
            jobs.append(job)
        s.flush()
        pairs = [(j, c) for j in jobs for c in candidates]
        rng.shuffle(pairs)
        for n, (job, cand) in enumerate(pairs[:40]):
            # Alice (the demo candidate) starts in Applied on her first job so the demo shows a fresh card.
            path = PATHS[n % len(PATHS)] if cand.email != DEMO_LOGINS["candidate"] else PATHS[n % 3]
            t = job.created_at + timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 23))
            app = Application(
                job_id=job.id,
                candidate_id=cand.id,
                stage=path[-1],
                version=len(path),
                created_at=t,
                updated_at=t,
                stage_changed_at=t,
            )
            s.add(app)
            s.flush()
            old = None
            for step in path:
                if old is not None:
                    t = min(
                        t + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)),
                        now - timedelta(hours=1),
                    )
                by = cand.id if old is None else recruiter.id
                s.add(
                    ApplicationHistory(
                        application_id=app.id,
                        old_stage=old,
                        new_stage=step,
                        changed_by_id=by,
                        changed_at=t,
                        note=NOTES.get(step) if old else None,
                    )
                )
                old = step
            app.stage_changed_at = t
            app.updated_at = t
            s.add(app)
    return True


def main() -> None:
    created = seed(default_database())
    print("Demo data created." if created else "Demo data already present.")


if __name__ == "__main__":
    main()
