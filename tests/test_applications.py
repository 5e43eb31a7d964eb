"""Applications with substance: profile, résumé files (type from content, limits, text), snapshots,
screening questions, reading an application, search by résumé text — core, REST and handlers."""

from __future__ import annotations

import io
import random

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.questions import MissingAnswers
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedFile
from flowtrack_ui.core.files.file_types import DOCX, MAX_RESUME_BYTES, PDF
from flowtrack_ui.core.models import CandidateProfile, StoredFile
from flowtrack_ui.demo.resumes import profile_for, resume_pdf

from .conftest import PASSWORD, make_candidate

QUESTIONS = [
    {"kind": "yes_no", "prompt": "Are you authorised to work in the EU?", "required": True},
    {"kind": "single_choice", "prompt": "Years of Python", "required": True, "choices": ["0-2", "3-5", "6+"]},
    {"kind": "short_text", "prompt": "GitHub profile", "required": False},
    {"kind": "long_text", "prompt": "Why us?", "required": False},
]


def make_pdf(words: str = "", pages: int = 1, name: str = "Casey Candidate") -> bytes:
    rng = random.Random(3)
    prof = profile_for(name, rng)
    data = resume_pdf(name, "cand@example.com", prof, rng, extra_pages=pages - 1)
    if not words:
        return data
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    extra = io.BytesIO()
    c = canvas.Canvas(extra)
    c.drawString(72, 720, words)
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_page(PdfReader(io.BytesIO(extra.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Casey Candidate", 0)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="s3cret-pass", owner_password="owner-pass")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 2000


# --- profile -----------------------------------------------------------------------------------


def test_profile_is_validated_and_prefilled(db, candidate):
    saved = profile.update_profile(
        db,
        candidate,
        {
            "phone": "+44 20 7946 0958",
            "linkedin_url": "linkedin.com/in/casey",
            "website": "https://casey.dev",
            "headline": "Backend engineer",
            "location": "Leeds",
        },
    )
    assert saved.linkedin_url == "https://linkedin.com/in/casey"
    assert profile.get_profile(db, candidate).headline == "Backend engineer"
    for bad in (
        {"phone": "call me maybe"},
        {"phone": "12"},
        {"website": "javascript:alert(1)"},
        {"website": "ftp://files.example.com"},
        {"linkedin_url": "https://evil.example/in/casey"},
        {"headline": "two\nlines"},
        {"full_name": ""},
    ):
        with pytest.raises(InvalidInput):
            profile.update_profile(db, candidate, bad)
    assert profile.get_profile(db, candidate).phone == "+44 20 7946 0958"  # nothing half-saved


def test_staff_have_no_candidate_profile(db, acme):
    with pytest.raises(Forbidden):
        profile.update_profile(db, acme.recruiter, {"headline": "x"})
    with pytest.raises(Forbidden):
        profile.upload_resume(db, acme.recruiter, make_pdf(), "cv.pdf")


# --- résumé files ------------------------------------------------------------------------------


def test_pdf_and_docx_are_stored_with_their_text(any_db):
    cand = make_candidate(any_db)
    pdf = profile.upload_resume(any_db, cand, make_pdf("Kubernetes operator wizardry"), "../../etc/My CV.pdf")
    assert pdf.content_type == PDF and pdf.name == "My CV.pdf" and pdf.has_text and pdf.page_count == 2
    view, data = profile.my_resume(any_db, cand)
    assert data.startswith(b"%PDF-") and view.sha256 == pdf.sha256
    docx_file = profile.upload_resume(any_db, cand, make_docx("Fluent in Haskell and Elm"), "cv.docx")
    assert docx_file.content_type == DOCX and docx_file.has_text
    with any_db.session() as s:
        row = s.get(StoredFile, docx_file.id)
        assert "Haskell" in row.text and row.size == len(row.data)


def test_the_type_comes_from_the_content_not_the_name(db, candidate):
    profile.upload_resume(db, candidate, make_pdf(), "good.pdf")
    with pytest.raises(UnsupportedFile):
        profile.upload_resume(db, candidate, ELF, "resume.pdf")  # a renamed executable
    with pytest.raises(UnsupportedFile):
        profile.upload_resume(db, candidate, b"PK\x03\x04" + b"\x00" * 100, "cv.docx")  # not a Word file
    with pytest.raises(TooLarge):
        profile.upload_resume(db, candidate, b"%PDF-1.7\n" + b"0" * MAX_RESUME_BYTES, "big.pdf")
    with pytest.raises(InvalidInput):
        profile.upload_resume(db, candidate, b"", "empty.pdf")
    # Every refusal kept the résumé there was.
    assert profile.get_profile(db, candidate).resume.name == "good.pdf"


def test_damaged_and_encrypted_pdfs_are_kept_with_a_note(db, candidate):
    broken = profile.upload_resume(db, candidate, b"%PDF-1.4\n%garbage that is no PDF at all\n", "broken.pdf")
    assert not broken.has_text and "could not be read" in broken.text_note
    locked = profile.upload_resume(db, candidate, encrypted_pdf(), "locked.pdf")
    assert not locked.has_text and "password-protected" in locked.text_note
    assert profile.get_profile(db, candidate).resume.name == "locked.pdf"


def test_applying_snapshots_the_resume(db, acme, candidate):
    first = profile.upload_resume(db, candidate, make_pdf("first version"), "v1.pdf")
    app = apply(db, candidate, acme.job_id)
    profile.upload_resume(db, candidate, make_pdf("second version"), "v2.pdf")
    view, _ = application_details.application_resume(db, acme.recruiter, app.id)
    assert view.sha256 == first.sha256 and view.name == "v1.pdf"
    assert profile.get_profile(db, candidate).resume.name == "v2.pdf"


# --- screening questions -----------------------------------------------------------------------


@pytest.fixture
def qjob(db, acme):
    return jobs.create_job(db, acme.recruiter, "Data Engineer", "Pipelines", "Remote", questions=QUESTIONS)


def test_required_answers_are_named_when_missing(db, qjob, candidate):
    with pytest.raises(MissingAnswers) as refused:
        apply(db, candidate, qjob.id, answers=[{"question_id": qjob.questions[2].id, "answer": "gh/x"}])
    assert set(refused.value.problems) == {qjob.questions[0].id, qjob.questions[1].id}
    assert "Are you authorised to work in the EU?" in refused.value.message
    with pytest.raises(MissingAnswers, match="choose one of"):
        apply(
            db,
            candidate,
            qjob.id,
            answers={qjob.questions[0].id: "yes", qjob.questions[1].id: "eleven"},
        )
    assert queries.my_applications(db, candidate) == []


def test_answers_and_cover_letter_reach_the_recruiter(db, acme, qjob, candidate):
    q = qjob.questions
    app = apply(
        db,
        candidate,
        qjob.id,
        cover_letter="Dear Acme,\nI build pipelines.",
        answers=[
            {"question_id": q[0].id, "answer": True},
            {"question_id": q[1].id, "answer": "6+"},
            {"question_id": q[3].id, "answer": "Because.\nReally."},
        ],
    )
    detail = application_details.application_detail(db, acme.manager, app.id)
    assert [(a.prompt, a.answer) for a in detail.answers] == [
        ("Are you authorised to work in the EU?", "yes"),
        ("Years of Python", "6+"),
        ("Why us?", "Because.\nReally."),
    ]
    assert detail.cover_letter.startswith("Dear Acme")
    card = next(c for col in queries.board(db, acme.recruiter, qjob.id).columns for c in col.cards)
    assert card.knockouts == (("Are you authorised to work in the EU?", "yes"),)
    # Editing the questions later keeps what was answered.
    jobs.update_job(db, acme.recruiter, qjob.id, "Data Engineer", questions=[QUESTIONS[2]])
    again = application_details.application_detail(db, acme.recruiter, app.id)
    assert [a.prompt for a in again.answers] == [
        "Are you authorised to work in the EU?",
        "Years of Python",
        "Why us?",
    ]


def test_bad_question_definitions_are_refused(db, acme):
    for bad in (
        [{"kind": "essay", "prompt": "x"}],
        [{"kind": "single_choice", "prompt": "Pick", "choices": ["only one"]}],
        [{"kind": "short_text", "prompt": ""}],
        "not a list",
    ):
        with pytest.raises(InvalidInput):
            jobs.create_job(db, acme.recruiter, "Job", questions=bad)


# --- reading an application: who may -----------------------------------------------------------


def test_only_the_company_and_the_candidate_read_an_application(db, acme, globex, candidate):
    profile.upload_resume(db, candidate, make_pdf(), "cv.pdf")
    app = apply(db, candidate, acme.job_id)
    other = make_candidate(db, "other@example.com", "Olive Other")
    for reader in (acme.recruiter, acme.manager, candidate):
        assert (
            application_details.application_detail(db, reader, app.id).candidate_email == "cand@example.com"
        )
        assert application_details.application_resume(db, reader, app.id)[1].startswith(b"%PDF")
    for outsider in (globex.recruiter, globex.manager, other):
        with pytest.raises(NotFound):
            application_details.application_detail(db, outsider, app.id)
        with pytest.raises(NotFound):
            application_details.application_resume(db, outsider, app.id)
        with pytest.raises(NotFound):
            application_details.resume_page(db, outsider, app.id, 0)
    png, pages = application_details.resume_page(db, acme.manager, app.id, 0)
    assert png.startswith(b"\x89PNG") and pages == 1


# --- search by résumé text ---------------------------------------------------------------------


def test_board_and_api_search_resume_text(any_db):
    from .conftest import make_company

    acme = make_company(any_db, "Acme")
    names = {"kube@example.com": "Kubernetes operator wizardry", "elm@example.com": "Elm and Haskell"}
    for email, words in names.items():
        cand = make_candidate(any_db, email, email.split("@")[0].title() + " Person")
        profile.upload_resume(any_db, cand, make_pdf(words), "cv.pdf")
        apply(any_db, cand, acme.job_id)
    board = queries.board(any_db, acme.recruiter, acme.job_id, search="KUBERNETES operator")
    found = [c.candidate_email for col in board.columns for c in col.cards]
    assert found == ["kube@example.com"] and board.total == 1
    assert [c.has_resume for col in board.columns for c in col.cards] == [True]
    hits = queries.applications_for_job(any_db, acme.recruiter, acme.job_id, search="haskell")
    assert len(hits) == 1


# --- over HTTP ---------------------------------------------------------------------------------


def http(db) -> TestClient:
    return TestClient(Hardening(create_api(lambda: db)), raise_server_exceptions=False)


def bearer(c, email):
    r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_resume_and_profile_routes(any_db):
    from .conftest import make_company

    acme = make_company(any_db, "Acme")
    make_candidate(any_db)
    c = http(any_db)
    cand, rec = bearer(c, "cand@example.com"), bearer(c, "rec@acme.test")
    assert (
        c.put("/api/me/profile", json={"headline": "Engineer"}, headers=cand).json()["headline"] == "Engineer"
    )
    assert c.put("/api/me/profile", json={"website": "javascript:x"}, headers=cand).status_code == 422
    assert c.get("/api/me/profile", headers=rec).status_code == 403
    assert c.get("/api/me/profile").status_code == 401
    assert c.get("/api/me/resume", headers=cand).status_code == 404

    pdf = make_pdf("Rust and Zig")
    r = c.put("/api/me/resume", files={"file": ("cv.pdf", pdf, "application/pdf")}, headers=cand)
    assert r.status_code == 200, r.text
    assert r.json()["text_extracted"] is True and r.json()["content_type"] == PDF
    refused = {
        "renamed executable": (("cv.pdf", ELF, "application/pdf"), 415),
        "oversize": (("cv.pdf", b"%PDF-1.7\n" + b"0" * MAX_RESUME_BYTES, "application/pdf"), 413),
        "empty": (("cv.pdf", b"", "application/pdf"), 422),
    }
    for what, (upload, status) in refused.items():
        r = c.put("/api/me/resume", files={"file": upload}, headers=cand)
        assert r.status_code == status, (what, r.status_code, r.text)
        assert "detail" in r.json()
    assert c.put("/api/me/resume", headers=cand).status_code == 422
    got = c.get("/api/me/resume", headers=cand)
    assert got.content == pdf and got.headers["content-type"] == PDF

    # Apply without a body (the original API) and read it back.
    app = c.post(f"/api/applications/?job_id={acme.job_id}", headers=cand).json()
    detail = c.get(f"/api/applications/{app['id']}", headers=rec)
    assert detail.status_code == 200 and detail.json()["resume"]["name"] == "cv.pdf"
    assert detail.json()["headline"] == "Engineer"
    file = c.get(f"/api/applications/{app['id']}/resume", headers=rec)
    assert file.content == pdf
    assert file.headers["content-disposition"].startswith('attachment; filename="cv.pdf"')
    assert file.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in file.headers["content-security-policy"]
    assert c.get(f"/api/applications/{app['id']}/resume").status_code == 401
    assert len(c.get(f"/api/applications/job/{acme.job_id}?q=zig", headers=rec).json()) == 1
    assert c.get(f"/api/applications/job/{acme.job_id}?q=cobol", headers=rec).json() == []


def test_permission_cells_of_the_application_routes(db, acme, globex, candidate):
    profile.upload_resume(db, candidate, make_pdf(), "cv.pdf")
    app = apply(db, candidate, acme.job_id)
    make_candidate(db, "other@example.com", "Olive Other")
    c = http(db)
    who = {
        "rec": (bearer(c, "rec@acme.test"), 200),
        "hm": (bearer(c, "hm@acme.test"), 200),
        "cand": (bearer(c, "cand@example.com"), 200),
        "other": (bearer(c, "other@example.com"), 404),
        "grec": (bearer(c, "rec@globex.test"), 404),
        "ghm": (bearer(c, "hm@globex.test"), 404),
    }
    for path in (f"/api/applications/{app.id}", f"/api/applications/{app.id}/resume"):
        assert c.get(path).status_code == 401
        for name, (headers, status) in who.items():
            assert c.get(path, headers=headers).status_code == status, (path, name)


def test_questions_over_http(db, acme, candidate):
    c = http(db)
    rec, cand = bearer(c, "rec@acme.test"), bearer(c, "cand@example.com")
    r = c.post("/api/jobs/", json={"title": "QA Lead", "questions": QUESTIONS}, headers=rec)
    assert r.status_code == 201, r.text
    job = r.json()
    assert [q["kind"] for q in job["questions"]] == ["yes_no", "single_choice", "short_text", "long_text"]
    assert c.get(f"/api/jobs/{job['id']}").json()["questions"][1]["choices"] == ["0-2", "3-5", "6+"]
    missing = c.post(f"/api/applications/?job_id={job['id']}", headers=cand)
    assert missing.status_code == 422 and "Years of Python" in missing.json()["detail"]
    q = job["questions"]
    body = {
        "cover_letter": "Hello",
        "answers": [
            {"question_id": q[0]["id"], "answer": "yes"},
            {"question_id": q[1]["id"], "answer": "3-5"},
        ],
    }
    ok = c.post(f"/api/applications/?job_id={job['id']}", json=body, headers=cand)
    assert ok.status_code == 201, ok.text
    # PUT without questions keeps them; with an empty list removes them.
    kept = c.put(f"/api/jobs/{job['id']}", json={"title": "QA Lead II"}, headers=rec).json()
    assert len(kept["questions"]) == 4
    cleared = c.put(
        f"/api/jobs/{job['id']}", json={"title": "QA Lead II", "questions": []}, headers=rec
    ).json()
    assert cleared["questions"] == []


# --- Reflex handlers, forged -------------------------------------------------------------------


def test_application_page_handlers_refuse_outsiders(db, acme, globex, candidate, monkeypatch):
    from flowtrack_ui.state import application, session
    from flowtrack_ui.state import profile as profile_state
    from flowtrack_ui.state.application import ApplicationState
    from flowtrack_ui.state.profile import ProfileState

    from .test_handlers import call, state_for

    for module in (session, application, profile_state):
        monkeypatch.setattr(module, "db", lambda: db)
    profile.upload_resume(db, candidate, make_pdf("Secret skill"), "cv.pdf")
    app = apply(db, candidate, acme.job_id, cover_letter="PRIVATE LETTER")

    for outsider in (globex.recruiter, candidate, None):
        st = state_for(ApplicationState, outsider)
        st.app_id = app.id
        call(st, ApplicationState.download_resume)
        call(st, ApplicationState.next_page)
        assert "PRIVATE LETTER" not in repr(st.dict()) and st.page_image == ""

    st = state_for(ProfileState, acme.recruiter)
    call(st, ProfileState.save, {"headline": "forged"})
    assert "may not" in st.error
    with db.session() as s:
        assert s.get(CandidateProfile, acme.recruiter.user_id) is None
        assert len(s.exec(select(StoredFile)).all()) == 1
