"""Applying in one step without an account: the core use case, its REST twin and the careers
site's form post; the emailed sign-in link; knockout questions; the résumé pre-fill."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from sqlalchemy import func, update
from sqlmodel import select

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications import public_apply
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.public_apply import (
    ALREADY_APPLIED,
    PublicApplication,
    apply_without_account,
    form_token,
)
from flowtrack_ui.core.applications.resume_fields import ResumeFields, contact_fields
from flowtrack_ui.core.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from flowtrack_ui.core.models import (
    Application,
    ApplicationAnswer,
    ApplicationHistory,
    ApplyAttempt,
    CandidateProfile,
    JobStage,
    OutboxEmail,
    SignInLink,
    StoredFile,
    User,
)
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines.moves import KNOCKOUT_REASON, move_stage

from .conftest import PASSWORD, make_candidate, make_company
from .smtp_support import smtp_server
from .test_applications import make_docx, make_pdf

QUESTIONS = [
    {"kind": "yes_no", "prompt": "Are you authorised to work in the EU?", "required": True},
    {
        "kind": "single_choice",
        "prompt": "Notice period",
        "required": True,
        "choices": ["None", "1 month", "3 months"],
    },
    {"kind": "short_text", "prompt": "GitHub profile", "required": False},
]
EARLIER = datetime.now(UTC) - timedelta(minutes=2)


def knockout_job(db, company, **kw):
    """A job whose first question disqualifies a "no" and whose second disqualifies "3 months"."""
    questions = [dict(q) for q in QUESTIONS]
    questions[0]["disqualifying_answers"] = ["no"]
    questions[1]["disqualifying_answers"] = ["3 months"]
    return jobs.create_job(
        db, company.recruiter, "Platform Engineer", "Run the platform", questions=questions, **kw
    )


def answers_for(job, first: str = "yes", second: str = "1 month") -> dict[int, str]:
    q = job.questions
    return {q[0].id: first, q[1].id: second}


def form(job=None, **fields) -> PublicApplication:
    values = {
        "full_name": "Jade Applicant",
        "email": "jade@example.com",
        "phone": "+44 20 7946 0958",
        "linkedin_url": "https://www.linkedin.com/in/jade-applicant",
        "cover_letter": "I would love to work with you.",
        "answers": answers_for(job) if job is not None else None,
        "resume": make_pdf(name="Jade Applicant"),
        "resume_name": "jade.pdf",
        "started": form_token(EARLIER),
    }
    values.update(fields)
    return PublicApplication(**values)


def outbox(db, to: str, kind: str | None = None) -> list[OutboxEmail]:
    with db.session() as s:
        query = select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id)
        if kind:
            query = query.where(OutboxEmail.kind == kind)
        return list(s.exec(query).all())


def link_token(email: OutboxEmail) -> str:
    return re.search(r"/track/([A-Za-z0-9_-]+)", email.body_text).group(1)


def user(db, email: str) -> User | None:
    with db.session() as s:
        return s.exec(select(User).where(User.email == email)).first()


def count(db, model, *where) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


# --- the core ------------------------------------------------------------------------------------


def test_a_new_applicant_gets_a_record_an_application_and_a_sign_in_link(any_db):
    acme = make_company(any_db, "Acme")
    job = knockout_job(any_db, acme)
    applied = apply_without_account(any_db, job.id, form(job, email="Jade@Example.com"), client="10.0.0.1")
    assert (applied.job_id, applied.email, applied.company_name) == (job.id, "jade@example.com", "Acme")

    cand = user(any_db, "jade@example.com")
    assert cand.role == Role.CANDIDATE and cand.password_hash == "" and cand.full_name == "Jade Applicant"
    assert cand.email_verified_at is None
    with any_db.session() as s:
        app = s.exec(select(Application).where(Application.candidate_id == cand.id)).one()
        stage = s.get(JobStage, app.stage_id)
        history = s.exec(select(ApplicationHistory).where(ApplicationHistory.application_id == app.id)).all()
        resume = s.get(StoredFile, app.resume_file_id)
        profile = s.get(CandidateProfile, cand.id)
        answers = s.exec(select(ApplicationAnswer).where(ApplicationAnswer.application_id == app.id)).all()
        link = s.exec(select(SignInLink).where(SignInLink.user_id == cand.id)).one()
    assert stage.category == "applied" and app.source == "careers" and app.source_detail is None
    assert [(h.old_stage, h.kind, h.changed_by_id) for h in history] == [(None, "applied", cand.id)]
    assert (
        resume.owner_id == cand.id and resume.original_name == "jade.pdf" and "Jade Applicant" in resume.text
    )
    assert profile.resume_file_id == resume.id and profile.phone == "+44 20 7946 0958"
    assert profile.linkedin_url == "https://www.linkedin.com/in/jade-applicant" and profile.phone_key
    assert sorted(a.answer for a in answers) == ["1 month", "yes"]
    assert app.cover_letter == "I would love to work with you."

    # The email carries the link; only its SHA-256 is stored; it is valid for 7 days.
    [mail] = outbox(any_db, "jade@example.com")
    assert mail.kind == "application_received_link" and mail.application_id == app.id
    token = link_token(mail)
    assert token not in (link.token_hash,) and len(link.token_hash) == 64
    assert timedelta(days=6, hours=23) < link.expires_at - datetime.now(UTC) <= timedelta(days=7)
    assert "choose a password" in mail.body_text
    # The recruiters hear of the new applicant as for any other application.
    assert [m.kind for m in outbox(any_db, "rec@acme.test", "new_applicant")] == ["new_applicant"]

    # The link signs in once and confirms the address; then it is spent.
    access = sign_in.sign_in_with_link(any_db, token)
    assert sign_in.principal_from_token(any_db, access).user_id == cand.id
    assert user(any_db, "jade@example.com").email_verified_at is not None
    with pytest.raises(Conflict, match="already been used"):
        sign_in.sign_in_with_link(any_db, token)
    me = sign_in.principal_from_token(any_db, access)
    [mine] = queries.my_applications(any_db, me)
    assert mine.job_id == job.id


def test_the_sign_in_link_expires_and_a_wrong_one_is_refused(db, acme):
    apply_without_account(db, acme.job_id, form(), client="c")
    token = link_token(outbox(db, "jade@example.com")[0])
    for wrong in ("", "short", token[:-2] + "xx", "x" * 300, None, 12):
        with pytest.raises(NotFound, match="not valid"):
            sign_in.sign_in_with_link(db, wrong)
    with db.session(write=True) as s:
        s.execute(update(SignInLink).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(Conflict, match="expired"):
        sign_in.sign_in_with_link(db, token)
    assert user(db, "jade@example.com").email_verified_at is None


def test_no_password_signs_in_to_an_account_made_by_applying_until_one_is_set(db, acme):
    apply_without_account(db, acme.job_id, form(), client="c")
    for guess in ("", " ", "anything at all", PASSWORD):
        with pytest.raises(Unauthenticated, match="Incorrect email or password"):
            sign_in.login(db, "jade@example.com", guess, client=f"guess-{len(guess)}")
    token = sign_in.sign_in_with_link(db, link_token(outbox(db, "jade@example.com")[0]))
    me = sign_in.principal_from_token(db, token)
    assert sign_in.has_password(db, me) is False
    with pytest.raises(InvalidInput):
        sign_in.set_first_password(db, me, "short")
    fresh = sign_in.set_first_password(db, me, "a long new password 42")
    with pytest.raises(Unauthenticated):  # earlier tokens end
        sign_in.principal_from_token(db, token)
    me = sign_in.principal_from_token(db, fresh)
    assert sign_in.has_password(db, me)
    assert sign_in.login(db, "jade@example.com", "a long new password 42")
    with pytest.raises(Conflict, match="password already"):
        sign_in.set_first_password(db, me, "another long password 43")


def test_an_export_never_carries_a_working_sign_in_link(db, acme):
    """The emailed link signs in: the candidate's own export shows the email without its token."""
    import io
    import json
    import zipfile

    from flowtrack_ui.core.privacy import export

    apply_without_account(db, acme.job_id, form(), client="c")
    [mail] = outbox(db, "jade@example.com")
    token = link_token(mail)
    me = sign_in.principal_from_token(db, sign_in.sign_in_with_link(db, token))
    out = io.BytesIO()
    export.write_export(db, me, out)
    raw = out.getvalue()
    doc = json.loads(zipfile.ZipFile(io.BytesIO(raw)).read("data.json"))
    bodies = " ".join(e["body"] for e in doc["emails"])
    assert "/track/" + export.LINK_REMOVED in bodies
    assert token.encode() not in raw


def test_the_same_email_reuses_the_record_without_changing_or_showing_it(any_db):
    acme = make_company(any_db, "Acme")
    second = jobs.create_job(any_db, acme.recruiter, "Second role", "More")
    apply_without_account(any_db, acme.job_id, form(), client="c")
    first_user = user(any_db, "jade@example.com")
    # A stranger sends another name, phone and résumé with the same address.
    stranger = form(
        full_name="Mallory Stranger",
        phone="+1 555 123 4567",
        linkedin_url="linkedin.com/in/mallory",
        resume=make_docx("Mallory's own résumé"),
        resume_name="mallory.docx",
    )
    applied = apply_without_account(any_db, second.id, stranger, client="c2")
    assert vars(applied) == {
        "job_id": second.id,
        "job_title": "Second role",
        "company_name": "Acme",
        "email": "jade@example.com",
    }
    again = user(any_db, "jade@example.com")
    assert again.id == first_user.id and again.full_name == "Jade Applicant"
    with any_db.session() as s:
        profile = s.get(CandidateProfile, again.id)
        apps = s.exec(
            select(Application).where(Application.candidate_id == again.id).order_by(Application.id)
        ).all()
        files = [s.get(StoredFile, a.resume_file_id) for a in apps]
    assert profile.phone == "+44 20 7946 0958" and "jade" in profile.linkedin_url
    assert profile.resume_file_id == files[0].id  # the record's own résumé stays its current one
    assert [f.original_name for f in files] == ["jade.pdf", "mallory.docx"]  # each application its own
    assert all(f.owner_id == again.id for f in files)
    # Two emails, each with its own link, both to the address (only its owner reads them).
    assert [m.kind for m in outbox(any_db, "jade@example.com")] == ["application_received_link"] * 2


def test_a_second_application_to_one_job_is_refused_kindly_and_creates_nothing(db, acme):
    apply_without_account(db, acme.job_id, form(), client="c")
    before = (count(db, Application), count(db, StoredFile), count(db, OutboxEmail), count(db, ApplyAttempt))
    with pytest.raises(Conflict) as refused:
        apply_without_account(db, acme.job_id, form(full_name="Someone Else"), client="c3")
    assert refused.value.message == ALREADY_APPLIED
    after = (count(db, Application), count(db, StoredFile), count(db, OutboxEmail), count(db, ApplyAttempt))
    assert after == before  # refused before the attempt is counted or the file read


def test_a_staff_address_is_refused_with_a_message_that_tells_nothing(db, acme):
    for address in ("rec@acme.test", "hm@acme.test"):
        with pytest.raises(Conflict) as refused:
            apply_without_account(db, acme.job_id, form(email=address), client="c")
        assert refused.value.message == public_apply.ADDRESS_REFUSED
        assert (
            "staff" not in refused.value.message.lower() and "recruiter" not in refused.value.message.lower()
        )
    assert count(db, Application) == 0 and count(db, StoredFile) == 0


def test_an_unconfirmed_account_with_a_password_is_asked_to_confirm_first(db, acme):
    """A sign-up that never proved the address takes nothing sent to it (email ownership): whoever
    signed up with someone else's address would see that person's application otherwise."""
    impostor = make_candidate(db, "owner@example.com", "Impostor")
    with pytest.raises(Conflict, match="has not confirmed"):
        apply_without_account(db, acme.job_id, form(email="owner@example.com"), client="c")
    assert queries.my_applications(db, impostor) == []
    # Once confirmed, the same form is taken and the record (with its password) reused.
    with db.session(write=True) as s:
        s.execute(update(User).where(User.id == impostor.user_id).values(email_verified_at=datetime.now(UTC)))
    apply_without_account(db, acme.job_id, form(email="owner@example.com"), client="c")
    [mail] = outbox(db, "owner@example.com", "application_received_link")
    assert "already have a FlowTrack account" in mail.body_text and "/track/" in mail.body_text
    assert len(queries.my_applications(db, impostor)) == 1


def test_spam_fields_honeypot_and_fill_time(db, acme):
    now = datetime.now(UTC)
    refusals = [
        (form(honeypot="http://spam.example"), "could not be sent"),
        (form(started=form_token(now - timedelta(seconds=1))), "quicker than a person"),
        (form(started=form_token(now - timedelta(days=1, minutes=1))), "out of date"),
        (form(started=form_token(now + timedelta(minutes=5))), "out of date"),
        (form(started="1700000000.forged"), "out of date"),
        (form(started=""), "out of date"),
        (form(started=None), "out of date"),
    ]
    for bad, words in refusals:
        with pytest.raises(InvalidInput, match=words):
            apply_without_account(db, acme.job_id, bad, client="c", now=now)
    assert count(db, Application) == 0 and count(db, User, User.role == "candidate") == 0
    # A form sent again keeps its token (the time spent counts) unless it is spoilt.
    good = form_token(now - timedelta(seconds=2))
    assert public_apply.current_form_token(good, now) == good
    assert public_apply.current_form_token("1.forged", now) != "1.forged"


def test_every_field_problem_is_named_at_once(db, acme):
    job = knockout_job(db, acme)
    bad = form(
        job,
        full_name="",
        email="not an email",
        phone="call me",
        linkedin_url="https://example.com/me",
        answers={job.questions[1].id: "6 months"},
    )
    with pytest.raises(public_apply.FormProblems) as refused:
        apply_without_account(db, job.id, bad, client="c")
    problems = refused.value.fields
    assert set(problems) == {
        "full_name",
        "email",
        "phone",
        "linkedin_url",
        f"answer_{job.questions[0].id}",
        f"answer_{job.questions[1].id}",
    }
    assert refused.value.status_code == 422
    assert problems[f"answer_{job.questions[0].id}"] == "This question is required."
    assert count(db, Application) == 0 and count(db, ApplyAttempt) == 0


@pytest.mark.parametrize(
    ("data", "name", "status", "words"),
    [
        (b"%!PS-Adobe not a pdf", "cv.pdf", 415, "neither"),
        (b"<html><script>alert(1)</script></html>", "cv.docx", 415, "neither"),
        (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "big.pdf", 413, "at most 10 MiB"),
        (None, "", 422, "Attach your résumé"),
    ],
)
def test_a_bad_resume_is_refused_and_nothing_is_made(db, acme, data, name, status, words):
    with pytest.raises(public_apply.FormProblems) as refused:
        apply_without_account(db, acme.job_id, form(resume=data, resume_name=name), client="c")
    assert refused.value.status_code == status and words in refused.value.fields["resume"]
    assert count(db, User, User.role == "candidate") == 0 and count(db, StoredFile) == 0
    assert count(db, Application) == 0 and outbox(db, "jade@example.com") == []


def test_which_jobs_take_public_applications(db, acme):
    for status, refusal in (("draft", NotFound), ("internal", NotFound), ("unlisted", None)):
        job = jobs.create_job(db, acme.recruiter, f"Role {status}", status=status)
        address = f"{status}@example.com"
        if refusal is None:
            apply_without_account(db, job.id, form(email=address), client=status)
        else:
            with pytest.raises(refusal, match="not found"):
                apply_without_account(db, job.id, form(email=address), client=status)
    jobs.set_job_status(db, acme.recruiter, acme.job_id, "closed")
    with pytest.raises(Conflict, match="closed"):
        apply_without_account(db, acme.job_id, form(), client="c")
    with pytest.raises(NotFound):
        apply_without_account(db, 999_999, form(), client="c")
    past = jobs.create_job(db, acme.recruiter, "Past", details={"valid_through": "2000-01-01"})
    with pytest.raises(Conflict, match="closed"):
        apply_without_account(db, past.id, form(email="late@example.com"), client="c")


def test_rate_limits_per_address_and_per_client(db, acme, monkeypatch):
    targets = [jobs.create_job(db, acme.recruiter, f"Role {n}").id for n in range(6)]
    for n in range(public_apply.MAX_PER_ADDRESS):
        apply_without_account(db, targets[n], form(), client=f"10.0.0.{n}")
    with pytest.raises(TooManyAttempts, match="this email address") as refused:
        apply_without_account(db, targets[5], form(), client="10.0.1.1")
    assert 3000 < refused.value.retry_after <= 3601
    # Another address from a fresh client still applies; the per-client limit counts every address.
    monkeypatch.setattr(public_apply, "MAX_PER_CLIENT", 3)
    for n in range(3):
        apply_without_account(db, targets[0], form(email=f"p{n}@example.com"), client="192.0.2.9")
    with pytest.raises(TooManyAttempts, match="sent from here"):
        apply_without_account(db, targets[0], form(email="p9@example.com"), client="192.0.2.9")
    # Rows older than a day are pruned by the next attempt.
    with db.session(write=True) as s:
        s.execute(update(ApplyAttempt).values(attempted_at=datetime.now(UTC) - timedelta(days=2)))
    apply_without_account(db, targets[0], form(email="p9@example.com"), client="192.0.2.9")
    assert count(db, ApplyAttempt) == 1


def test_source_tags_embed_and_the_report(db, acme):
    cases = [
        ("", "careers", None),
        ("LinkedIn", "link", "linkedin"),
        ("embed", "embed", None),
        ("bad tag!", "careers", None),
    ]
    for n, (given, _source, _detail) in enumerate(cases):
        apply_without_account(db, acme.job_id, form(email=f"s{n}@example.com", source=given), client=f"s{n}")
    with db.session() as s:
        got = s.exec(select(Application.source, Application.source_detail).order_by(Application.id)).all()
    assert [tuple(r) for r in got] == [(source, detail) for _, source, detail in cases]
    figures = report.report(db, acme.recruiter)
    labels = {row.label: row.applications for row in figures.sources}
    assert labels["Job list on the company's website"] == 1 and labels["Shared link: linkedin"] == 1
    assert labels["Careers page"] == 2


# --- knockout questions --------------------------------------------------------------------------


def test_disqualifying_answers_are_checked_with_the_questions(db, acme):
    for bad, words in (
        ({"kind": "short_text", "prompt": "Why", "disqualifying_answers": ["no"]}, "only yes/no"),
        ({"kind": "yes_no", "prompt": "Why", "disqualifying_answers": ["maybe"]}, "one of yes, no"),
        ({"kind": "yes_no", "prompt": "Why", "disqualifying_answers": ["yes", "no"]}, "must not disqualify"),
        (
            {"kind": "single_choice", "prompt": "P", "choices": ["a", "b"], "disqualifying_answers": ["c"]},
            "one of a, b",
        ),
        ({"kind": "yes_no", "prompt": "Why", "disqualifying_answers": "no"}, "must be a list"),
    ):
        with pytest.raises(InvalidInput, match=words):
            jobs.create_job(db, acme.recruiter, "Checked", questions=[bad])
    job = jobs.create_job(
        db,
        acme.recruiter,
        "Kept",
        questions=[{"kind": "yes_no", "prompt": "Car?", "disqualifying_answers": [False, "NO"]}],
    )
    assert job.questions[0].disqualifying_answers == ("no",)
    # An editor that does not send them (the jobs page) keeps them; an empty list clears them.
    q = job.questions[0]
    kept = jobs.update_job(
        db, acme.recruiter, job.id, "Kept", questions=[{"id": q.id, "kind": "yes_no", "prompt": "Car?"}]
    )
    assert kept.questions[0].disqualifying_answers == ("no",)
    cleared = jobs.update_job(
        db,
        acme.recruiter,
        job.id,
        "Kept",
        questions=[{"id": q.id, "kind": "yes_no", "prompt": "Car?", "disqualifying_answers": []}],
    )
    assert cleared.questions[0].disqualifying_answers == ()


def test_a_knockout_answer_rejects_with_the_email_held_until_the_delay(any_db):
    acme = make_company(any_db, "Acme")
    job = knockout_job(any_db, acme, details={"knockout_delay_minutes": 90})
    started = datetime.now(UTC)
    apply_without_account(any_db, job.id, form(job, answers=answers_for(job, first="no")), client="c")
    cand = user(any_db, "jade@example.com")
    with any_db.session() as s:
        app = s.exec(select(Application).where(Application.candidate_id == cand.id)).one()
        stage = s.get(JobStage, app.stage_id)
        history = s.exec(
            select(ApplicationHistory)
            .where(ApplicationHistory.application_id == app.id)
            .order_by(ApplicationHistory.id)
        ).all()
    assert stage.category == "rejected"
    applied, rejected = history
    assert (applied.kind, applied.changed_by_id) == ("applied", cand.id)
    assert (rejected.kind, rejected.old_stage_id, rejected.reason) == (
        "reject",
        applied.new_stage_id,
        KNOCKOUT_REASON,
    )
    assert rejected.changed_by_id == acme.recruiter.user_id  # the job's creator; the note says why
    assert "automatically" in rejected.note and "Are you authorised to work in the EU?" in rejected.note
    received, rejection = outbox(any_db, "jade@example.com")
    assert received.kind == "application_received_link" and received.next_attempt_at <= datetime.now(UTC)
    # The same rejection email as a recruiter's, held for the job's delay and tied to the move.
    assert rejection.kind == "application_rejected" and rejection.history_id == rejected.id
    held = rejection.next_attempt_at - started
    assert timedelta(minutes=89) < held <= timedelta(minutes=91)
    assert rejection.cancelled_at is None


def test_reopening_a_knocked_out_application_cancels_its_held_email(db, acme):
    job = knockout_job(db, acme)  # the default delay: two days
    apply_without_account(db, job.id, form(job, answers=answers_for(job, second="3 months")), client="c")
    with db.session() as s:
        app = s.exec(select(Application)).one()
    [rejection] = outbox(db, "jade@example.com", "application_rejected")
    assert rejection.next_attempt_at - datetime.now(UTC) > timedelta(days=1, hours=23)
    move_stage(db, acme.recruiter, app.id, "Applied", note="The notice period is negotiable")
    [rejection] = outbox(db, "jade@example.com", "application_rejected")
    assert rejection.cancelled_at is not None and rejection.sent_at is None


def test_a_knockout_rejection_reaches_the_inbox_only_after_the_jobs_delay(db, acme):
    """Through the real sender and an SMTP server: the sign-in link goes at once, the rejection
    once the job's delay is over, and a rejection reopened meanwhile never."""
    job = knockout_job(db, acme, details={"knockout_delay_minutes": 90})
    apply_without_account(db, job.id, form(job, answers=answers_for(job, first="no")), client="c")
    second = form(job, email="sam@example.com", full_name="Sam Second", answers=answers_for(job, first="no"))
    apply_without_account(db, job.id, second, client="c")
    sam = user(db, "sam@example.com").id
    with db.session() as s:
        sams = s.exec(select(Application.id).where(Application.candidate_id == sam)).one()
    move_stage(db, acme.recruiter, sams, "Applied", note="Answered by mistake")  # reopened
    with smtp_server() as smtp:
        sender = Sender(db, smtp.url, "FlowTrack <noreply@flowtrack.test>")
        applicants = ("jade@example.com", "sam@example.com")

        def to_applicants() -> list:
            return [m for m in smtp.handler.messages if m["To"] in applicants]

        sender.deliver_due()
        got = to_applicants()
        assert sorted(m["To"] for m in got) == ["jade@example.com", "sam@example.com"]
        assert all("/track/" in m.get_body(("plain",)).get_content() for m in got)
        # The delay passes (the held row comes due, as the clock would bring it).
        with db.session(write=True) as s:
            s.execute(
                update(OutboxEmail)
                .where(OutboxEmail.kind == "application_rejected", OutboxEmail.cancelled_at.is_(None))
                .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        sender.deliver_due()
        later = to_applicants()[2:]
        assert [m["To"] for m in later] == ["jade@example.com"]
        assert "Platform Engineer" in later[0].get_body(("plain",)).get_content()
        assert "/track/" not in later[0].get_body(("plain",)).get_content()
        [sams_rejection] = outbox(db, "sam@example.com", "application_rejected")
        assert sams_rejection.sent_at is None and sams_rejection.cancelled_at is not None


def test_the_candidate_sees_a_knockout_when_its_email_goes_and_never_once_reopened(db, acme):
    job = knockout_job(db, acme, details={"knockout_delay_minutes": 90})
    cand = make_candidate(db, "kim@example.com", "Kim Knocked")
    view = apply(db, cand, job.id, answers=answers_for(job, first="no"))
    now = datetime.now(UTC)
    [mine] = queries.my_applications(db, cand, now=now)
    assert (mine.stage, [t.new_stage for t in mine.timeline]) == ("Applied", ["Applied"])
    assert mine.can_withdraw
    assert timedelta(minutes=89) < mine.shows_more_at - now <= timedelta(minutes=91)
    [later] = queries.my_applications(db, cand, now=now + timedelta(minutes=91))
    assert (later.stage, later.category, later.shows_more_at) == ("Rejected", "rejected", None)
    # Reopened while the email is held: neither the rejection nor the reopening ever shows.
    move_stage(db, acme.recruiter, view.id, "Applied", note="Misread the answer")
    for when in (now, now + timedelta(days=3)):
        timeline = queries.my_timeline(db, cand, view.id, now=when)
        assert [t.new_stage for t in timeline] == ["Applied"]


def test_a_signed_in_candidate_is_knocked_out_the_same_way(db, acme):
    job = knockout_job(db, acme)
    cand = make_candidate(db, "signed@example.com", "Sid Signed")
    view = apply(db, cand, job.id, answers=answers_for(job, first="no"))
    assert view.category == "rejected" and view.stage == "Rejected"
    assert [m.kind for m in outbox(db, "signed@example.com") if m.kind != "email_verification"] == [
        "application_received",
        "application_rejected",
    ]


def test_an_answer_that_does_not_disqualify_goes_on(db, acme):
    job = knockout_job(db, acme)
    apply_without_account(
        db, job.id, form(job, answers=answers_for(job, first="yes", second="None")), client="c"
    )
    with db.session() as s:
        app = s.exec(select(Application)).one()
        assert s.get(JobStage, app.stage_id).category == "applied"
    assert outbox(db, "jade@example.com", "application_rejected") == []


# --- résumé pre-fill -----------------------------------------------------------------------------


def test_contact_fields_found_in_a_resume_text():
    text = """JANE Q. DOE
Senior Data Engineer
jane.doe@example.org | Tel: +44 (0)20 7946 0958 | London
linkedin.com/in/jane-doe-42/
Experience 2015-2019 Acme Ltd, 2019 - 2024 Globex
"""
    assert contact_fields(text) == ResumeFields(
        full_name="Jane Q. Doe",
        email="jane.doe@example.org",
        phone="+44 (0)20 7946 0958",
        linkedin_url="https://www.linkedin.com/in/jane-doe-42",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ResumeFields()),
        (
            "Curriculum Vitae\nJosé Álvarez-Ruiz\nmobile 0612345678",
            ResumeFields("José Álvarez-Ruiz", phone="0612345678"),
        ),
        (
            "Résumé\n\nAnna O'Neil, MSc\nanna@mail.example.com",
            ResumeFields("Anna O'Neil", "anna@mail.example.com"),
        ),
        # Years and dates are not phones; a number on a "phone" line wins over an earlier one.
        (
            "Max Mustermann\n2019-01-15 to 2021-12-31\nID 123456789012\nPhone: +49 30 1234567",
            ResumeFields("Max Mustermann", phone="+49 30 1234567"),
        ),
        # No name among the first lines: a heading, an address, a sentence.
        ("PROFILE\n12 High Street\nI build data pipelines for a living and enjoy it", ResumeFields()),
        (
            "Li Wei\nhttps://www.linkedin.com/in/li-wei?trk=x",
            ResumeFields("Li Wei", linkedin_url="https://www.linkedin.com/in/li-wei"),
        ),
        ("bad@@example..com\nnot-an-email@localhost", ResumeFields()),
        # A job title under a name that is not one (digits) is not taken for the name.
        ("Wanda Width1280\nInteraction Designer, 5 years\nSenior Data Engineer", ResumeFields()),
    ],
)
def test_contact_field_heuristics(text, expected):
    assert contact_fields(text) == expected


def test_pre_fill_reads_the_resume_in_a_worker_and_stores_nothing(db):
    found = public_apply.resume_fields(db, make_pdf(name="Robin Prefill"), "cv.pdf", client="c")
    assert found.full_name == "Robin Prefill" and found.email == "cand@example.com"
    assert found.phone and found.linkedin_url == "https://www.linkedin.com/in/robin-prefill"
    docx = make_docx("Reach me at robin@example.net or +33 1 23 45 67 89")
    assert public_apply.resume_fields(db, docx, "cv.docx", client="c").email == "robin@example.net"
    assert count(db, StoredFile) == 0 and count(db, Application) == 0
    with pytest.raises(Exception, match="neither"):
        public_apply.resume_fields(db, b"GIF89a", "cv.pdf", client="c")


def test_pre_fill_is_rate_limited_per_client(db, monkeypatch):
    monkeypatch.setattr(public_apply, "MAX_PREFILLS_PER_CLIENT", 2)
    data = make_docx("x@example.com")
    for _ in range(2):
        public_apply.resume_fields(db, data, "cv.docx", client="203.0.113.5")
    with pytest.raises(TooManyAttempts, match="résumés were read from here"):
        public_apply.resume_fields(db, data, "cv.docx", client="203.0.113.5")
    public_apply.resume_fields(db, data, "cv.docx", client="203.0.113.6")
    # Pre-fills do not count against the applications of the same client.
    apply_without_account(db, jobs.create_job(db, _recruiter(db), "X").id, form(), client="203.0.113.5")


def _recruiter(db):
    return make_company(db, "Initech").recruiter


# --- over HTTP: the REST twin and the careers site's form ----------------------------------------


def http(db):
    from .test_api import client_for

    return client_for(db)


def multipart(job=None, **fields) -> tuple[dict, dict]:
    data = {
        "full_name": "Jade Applicant",
        "email": "jade@example.com",
        "phone": "",
        "linkedin_url": "",
        "cover_letter": "Hello",
        "started": form_token(EARLIER),
        "website": "",
    }
    if job is not None:
        data |= {f"answer_{qid}": value for qid, value in answers_for(job).items()}
    resume = fields.pop("resume", ("jade.pdf", make_pdf(name="Jade Applicant"), "application/pdf"))
    data.update(fields)
    return data, ({"resume": resume} if resume else {})


def test_the_rest_twin_takes_multipart_and_json(db, acme):
    import base64

    c = http(db)
    job = knockout_job(db, acme)
    data, files = multipart(job)
    r = c.post(f"/api/jobs/{job.id}/applications", data=data, files=files)
    assert r.status_code == 201, r.text
    assert r.json() == {"detail": public_apply_detail(), "job_id": job.id, "email": "jade@example.com"}
    with db.session() as s:
        assert s.exec(select(Application.source)).one() == "api"

    body = {
        "full_name": "Jon Json",
        "email": "jon@example.com",
        "answers": [{"question_id": qid, "answer": v} for qid, v in answers_for(job).items()],
        "resume_name": "jon.docx",
        "resume_base64": base64.b64encode(make_docx("Jon's résumé")).decode(),
        "source": "embed",
        "started": c.get("/api/apply/form-token").json()["started"],
    }
    r = c.post(f"/api/jobs/{job.id}/applications", json=body)
    assert r.status_code == 422 and "quicker than a person" in r.json()["detail"]
    body["started"] = form_token(EARLIER)
    r = c.post(f"/api/jobs/{job.id}/applications", json=body)
    assert r.status_code == 201, r.text
    with db.session() as s:
        assert s.exec(select(Application.source).order_by(Application.id.desc())).first() == "embed"
    # Again: 409, kindly; a field wrong: 422 naming it; the résumé alone wrong: 415; bad base64: 422.
    r = c.post(f"/api/jobs/{job.id}/applications", json=body)
    assert r.status_code == 409 and r.json()["detail"] == ALREADY_APPLIED
    r = c.post(f"/api/jobs/{job.id}/applications", json=body | {"email": "nope", "full_name": ""})
    assert r.status_code == 422 and set(r.json()["fields"]) == {"email", "full_name"}
    gif = base64.b64encode(b"GIF89a....").decode()
    r = c.post(
        f"/api/jobs/{job.id}/applications", json=body | {"email": "new@example.com", "resume_base64": gif}
    )
    assert r.status_code == 415 and "neither" in r.json()["fields"]["resume"]
    r = c.post(f"/api/jobs/{job.id}/applications", json=body | {"resume_base64": "***"})
    assert r.status_code == 422
    r = c.post(
        f"/api/jobs/{job.id}/applications", content=b"full_name=x", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 422 and "JSON or as multipart" in r.json()["detail"]
    assert c.post("/api/jobs/999999/applications", data=data, files=files).status_code == 404


def public_apply_detail() -> str:
    from flowtrack_ui.api.applications import APPLIED

    return APPLIED


def test_the_link_route_and_knockouts_hidden_from_the_public(db, acme):
    c = http(db)
    job = knockout_job(db, acme)
    data, files = multipart(job)
    assert c.post(f"/api/jobs/{job.id}/applications", data=data, files=files).status_code == 201
    token = link_token(outbox(db, "jade@example.com")[0])
    r = c.post(f"/api/auth/link/{token}")
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["email"] == "jade@example.com"
    again = c.post(f"/api/auth/link/{token}")
    assert again.status_code == 409 and "already been used" in again.json()["detail"]
    for wrong in ("A" * 43, "x" * 150):  # a token's shape, no such link
        r = c.post(f"/api/auth/link/{wrong}")
        assert r.status_code == 404 and "not valid" in r.json()["detail"]
    for garbage in ("nope", "x" * 250, "%3F%C2%B0%0A%07%25"):  # not even a token's shape
        r = c.post(f"/api/auth/link/{garbage}")
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "path.token"
    # Which answers disqualify: the job's own staff read them; applicants and other companies do not.
    from .test_api import login

    def knockouts(headers=None):
        return [
            q["disqualifying_answers"]
            for q in c.get(f"/api/jobs/{job.id}", headers=headers).json()["questions"]
        ]

    assert knockouts(login(c, "rec@acme.test")) == [["no"], ["3 months"], []]
    assert knockouts() == [[], [], []]
    make_company(db, "Globex")
    assert knockouts(login(c, "rec@globex.test")) == [[], [], []]


def test_resume_fields_over_http(db):
    c = http(db)
    r = c.post(
        "/api/apply/resume-fields",
        files={"file": ("cv.pdf", make_pdf(name="Robin Prefill"), "application/pdf")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "Robin Prefill" and r.json()["email"] == "cand@example.com"
    r = c.post("/api/apply/resume-fields", files={"file": ("cv.pdf", b"not a resume", "application/pdf")})
    assert r.status_code == 415
    r = c.post(
        "/api/apply/resume-fields",
        files={"file": ("cv.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")},
    )
    assert r.status_code == 413
    assert c.post("/api/apply/resume-fields").status_code == 422
    assert count(db, StoredFile) == 0


def test_the_form_post_answers_303_and_a_refusal_keeps_the_values(db, acme):
    c = http(db)
    job = knockout_job(db, acme)
    page = f"/careers/acme/jobs/{job.id}-platform-engineer"
    html = c.get(page + "?source=newsletter").text
    assert 'enctype="multipart/form-data"' in html and f'action="/careers/acme/jobs/{job.id}/apply"' in html
    assert 'name="source" value="newsletter"' in html and 'name="website"' in html
    assert re.search(r'name="started" value="\d+\.[0-9a-f]{32}"', html)
    assert "Acme uses what you send here" in html and "Acme has set no period after which" in html
    assert "disqualif" not in html.lower()  # the knockout answers are not in the page

    data, files = multipart(job, email="not-an-email", phone="call me", cover_letter="Kept <b>text</b>")
    r = c.post(f"/careers/acme/jobs/{job.id}/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert 'id="email" name="email" type="email"' in r.text and 'value="not-an-email"' in r.text
    assert 'aria-invalid="true"' in r.text and 'id="email-error"' in r.text and 'href="#phone"' in r.text
    assert "Kept &lt;b&gt;text&lt;/b&gt;" in r.text  # kept, escaped
    assert count(db, Application) == 0

    data, files = multipart(job, source="newsletter")
    r = c.post(f"/careers/acme/jobs/{job.id}/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/careers/acme/jobs/{job.id}/applied"
    thanks = c.get(r.headers["location"])
    assert thanks.status_code == 200 and "We emailed you a link" in thanks.text and "7 days" in thanks.text
    assert "jade@example.com" not in thanks.text
    styles = lxml.html.fromstring(thanks.text).xpath("//head/link[@rel='stylesheet']/@href")
    assert [h.split("?")[0] for h in styles] == ["/careers/assets/site.css", "/careers/assets/apply.css"]
    with db.session() as s:
        assert tuple(s.exec(select(Application.source, Application.source_detail)).one()) == (
            "link",
            "newsletter",
        )

    # The same address again: the page comes back with the kind refusal at the top, 409.
    r = c.post(f"/careers/acme/jobs/{job.id}/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 409 and "You have already applied to this job" in r.text
    # The honeypot filled: refused, nothing made.
    data, files = multipart(job, email="bot@example.com", website="http://spam.example")
    r = c.post(f"/careers/acme/jobs/{job.id}/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 422 and "could not be sent" in r.text
    assert user(db, "bot@example.com") is None


def test_the_privacy_notice_names_the_company_and_the_retention_period(db, acme):
    from flowtrack_ui.core.privacy import retention

    def notice() -> str:
        page = lxml.html.fromstring(
            http(db).get(f"/careers/acme/jobs/{acme.job_id}", follow_redirects=True).text
        )
        return " ".join(page.get_element_by_id("privacy-notice").text_content().split())

    # No period set: the notice says so, rather than promising an erasure that never comes.
    assert "Acme uses what you send here" in notice()
    assert "Acme has set no period after which applications are erased" in notice()
    retention.set_retention(db, acme.recruiter, 6)
    assert "erased 6 months after the last change" in notice()
    retention.set_retention(db, acme.recruiter, 1)
    assert "erased 1 month after the last change" in notice()


def test_the_form_post_of_a_closed_or_unknown_job(db, acme):
    c = http(db)
    data, files = multipart()
    jobs.set_job_status(db, acme.recruiter, acme.job_id, "closed")
    r = c.post(f"/careers/acme/jobs/{acme.job_id}/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 410
    r = c.post("/careers/acme/jobs/999999/apply", data=data, files=files, follow_redirects=False)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert count(db, Application) == 0


# --- the Reflex handlers: the /track page and the first password ----------------------------------


@pytest.fixture
def states(db, monkeypatch):
    from flowtrack_ui.state import account, auth, session

    for module in (session, auth, account):
        monkeypatch.setattr(module, "db", lambda: db)
    from .test_handlers import call, state_for

    return state_for, call


def at(st, url: str) -> None:
    """The page the state's tab is on (the handler reads the link's token from it)."""
    import dataclasses

    st.router = dataclasses.replace(st.router, url=type(st.router.url)(url))


def test_the_track_handler_signs_in_once_with_the_link(db, acme, states):
    from flowtrack_ui.state.auth import AuthState

    state_for, call = states
    apply_without_account(db, acme.job_id, form(), client="c")
    token = link_token(outbox(db, "jade@example.com")[0])

    st = state_for(AuthState)
    at(st, f"http://localhost/track/{token[:-3]}abc")
    call(st, AuthState.use_sign_in_link)
    assert "not valid" in st.track_error and st.token == ""

    st = state_for(AuthState)
    at(st, f"http://localhost/track/{token}")
    result = call(st, AuthState.use_sign_in_link)
    assert "/my-applications" in repr(result) and st.track_error == ""
    assert sign_in.principal_from_token(db, st.token).email == "jade@example.com"

    again = state_for(AuthState)
    at(again, f"http://localhost/track/{token}")
    call(again, AuthState.use_sign_in_link)
    assert "already been used" in again.track_error and again.token == ""


def test_the_first_password_handler_refuses_forged_calls(db, acme, states):
    from flowtrack_ui.state.account import AccountState

    state_for, call = states
    apply_without_account(db, acme.job_id, form(), client="c")
    jade = sign_in.principal_from_token(
        db, sign_in.sign_in_with_link(db, link_token(outbox(db, "jade@example.com")[0]))
    )
    st = state_for(AccountState, jade)
    call(st, AccountState.load)
    assert st.has_password is False
    call(st, AccountState.set_first_password, {"password": "short"})
    assert st.error and st.has_password is False
    call(st, AccountState.set_first_password, {"password": "jade's own long password"})
    assert st.has_password is True and st.error == ""
    assert sign_in.login(db, "jade@example.com", "jade's own long password")
    # A forged call from an account that has a password changes nothing; nobody signed in: sign-in.
    owner = make_candidate(db, "owner@example.com", "Owner")
    st = state_for(AccountState, owner)
    call(st, AccountState.set_first_password, {"password": "taken over password"})
    assert "password already" in st.error
    assert sign_in.login(db, "owner@example.com", PASSWORD)
    nobody = state_for(AccountState)
    assert "/login" in repr(call(nobody, AccountState.set_first_password, {"password": "whatever it is 1"}))
