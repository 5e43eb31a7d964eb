"""Offers: letter templates and their sandbox, the PDF read back, the approval chain, sending,
the candidate's link (accept with a signature, decline, expiry, revision), emails with the PDF
attached received by a real SMTP server, permissions, and the analytics figures."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import activity
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import OfferEvent, OutboxEmail, WebhookDelivery, WebhookEndpoint
from flowtrack_ui.core.offers import letters, responses, workflow
from flowtrack_ui.core.outbox import Sender

from .conftest import make_candidate, make_company
from .smtp_support import smtp_server

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def _text(pdf_bytes: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def _fields(**over) -> dict:
    fields = {
        "start_date": "2027-04-01",
        "salary": "72,500",
        "currency": "eur",
        "salary_period": "year",
        "bonus": "10% yearly",
        "expires_on": "2027-03-10",
        "signer_title": "Head of People",
    }
    fields.update(over)
    return fields


@pytest.fixture
def setup(db):
    acme = make_company(db, "Acme")
    cand = make_candidate(db, "zoe@example.com", "Zoë Quinn")
    app = apply(db, cand, acme.job_id)
    return acme, cand, app


def _approved(db, acme, app, now=NOW):
    offer = workflow.create_offer(
        db, acme.recruiter, app.id, _fields(approver_ids=[acme.manager.user_id]), now
    )
    workflow.submit_offer(db, acme.recruiter, offer.id, now=now)
    return workflow.approve_offer(db, acme.manager, offer.id, "Fine by me", now)


def _sent(db, acme, app, now=NOW):
    offer = _approved(db, acme, app, now)
    return workflow.send_offer(db, acme.recruiter, offer.id, now)


def _token(view) -> str:
    return view.link.rsplit("/", 1)[1]


# --- templates ---------------------------------------------------------------------------------


def test_the_built_in_letter_fills_every_term_and_escapes_markdown():
    terms = letters.sample_terms("Acme *Bold* Co", "Rita")
    text = letters.fill(letters.BUILT_IN_BODY, terms)
    assert "EUR 60,000\\.00 per year" in text
    assert "Acme \\*Bold\\* Co" in text  # a value cannot add formatting
    assert "{{" not in text


@pytest.mark.parametrize(
    "body, message",
    [
        ("{{ candidate.email }}", "unknown variable"),
        ("{{ offer.salary | upper }}", "filters"),
        ("{% for x in offer.bonus %}{% endfor %}", "loops"),
        ("{{ ''.__class__ }}", "attribute"),
        ("{{ interview.when }}", "unknown variable"),
        ("{% if offer.bonus %}", "not a valid template"),
    ],
)
def test_a_letter_may_hold_only_its_variables_and_ifs(db, body, message):
    acme = make_company(db, "Acme")
    with pytest.raises(InvalidInput, match=message):
        letters.create_template(db, acme.recruiter, {"name": "Bad", "body": body})


def test_templates_are_per_company_and_the_default_starts_new_offers(db, setup):
    acme, _cand, app = setup
    globex = make_company(db, "Globex")
    made = letters.create_template(
        db,
        acme.recruiter,
        {
            "name": "Short",
            "body": "Welcome {{ candidate.first_name }}: {{ offer.salary }}",
            "is_default": True,
        },
    )
    names = [t.name for t in letters.list_templates(db, acme.recruiter)]
    assert names[0] == "Short" and letters.BUILT_IN_NAME in names
    assert [t.name for t in letters.list_templates(db, globex.recruiter)] == [letters.BUILT_IN_NAME]
    with pytest.raises(NotFound):
        letters.update_template(db, globex.recruiter, made.id, {"name": "Mine", "body": "x"})
    with pytest.raises(Forbidden):
        letters.create_template(db, acme.manager, {"name": "HM", "body": "x"})
    offer = workflow.create_offer(db, acme.recruiter, app.id, _fields(), NOW)
    assert offer.letter.startswith("Welcome")
    _, data = workflow.offer_pdf(db, acme.recruiter, offer.id, NOW)
    assert "Welcome Zoë: EUR 72,500.00 per year" in _text(data)


# --- the PDF -----------------------------------------------------------------------------------


def test_the_pdf_holds_the_names_salary_and_dates(db, setup):
    acme, _cand, app = setup
    offer = workflow.create_offer(db, acme.recruiter, app.id, _fields(), NOW)
    name, data = workflow.offer_pdf(db, acme.recruiter, offer.id, NOW)
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    text = _text(data)
    for words in (
        "Zoë Quinn",
        "Acme Engineer",
        "EUR 72,500.00 per year",
        "1 April 2027",
        "10 March 2027",
        "10% yearly",
        "Acme Recruiter, Head of People",
    ):
        assert words in text, words


# --- approvals ---------------------------------------------------------------------------------


def test_approvals_go_in_order_a_decline_returns_it_and_an_edit_restarts_them(db, setup):
    acme, _cand, app = setup
    second = acme.recruiter  # a recruiter may approve too
    offer = workflow.create_offer(
        db, acme.recruiter, app.id, _fields(approver_ids=[acme.manager.user_id, second.user_id]), NOW
    )
    assert offer.status == "draft" and offer.approver_ids == (acme.manager.user_id, second.user_id)
    with pytest.raises(Conflict):
        workflow.approve_offer(db, acme.manager, offer.id, "", NOW)  # not submitted yet
    offer = workflow.submit_offer(db, acme.recruiter, offer.id, now=NOW)
    assert offer.status == "pending_approval" and offer.next_approver_id == acme.manager.user_id
    with pytest.raises(Conflict, match="not your turn"):
        workflow.approve_offer(db, second, offer.id, "", NOW)
    with pytest.raises(Conflict):
        workflow.send_offer(db, acme.recruiter, offer.id, NOW)
    offer = workflow.approve_offer(db, acme.manager, offer.id, "ok", NOW)
    assert offer.status == "pending_approval" and offer.next_approver_id == second.user_id
    with pytest.raises(InvalidInput):
        workflow.decline_offer(db, second, offer.id, "  ", NOW)  # a decline says why
    offer = workflow.decline_offer(db, second, offer.id, "Salary above the band", NOW)
    assert offer.status == "draft"
    assert [a.decision for a in offer.approvals] == ["approved", "declined"]
    offer = workflow.update_offer(db, acme.recruiter, offer.id, {"salary": "70000"}, NOW)
    offer = workflow.submit_offer(db, acme.recruiter, offer.id, now=NOW)  # the same chain again
    assert [a.decision for a in offer.approvals] == ["pending", "pending"]
    offer = workflow.approve_offer(db, acme.manager, offer.id, "", NOW)
    offer = workflow.approve_offer(db, second, offer.id, "", NOW)
    assert offer.status == "approved"
    offer = workflow.update_offer(db, acme.recruiter, offer.id, {"bonus": "5%"}, NOW)
    assert offer.status == "pending_approval" and offer.next_approver_id == acme.manager.user_id
    kinds = [e.kind for e in activity.feed(db, acme.recruiter, app.id) if e.kind == "offer"]
    assert len(kinds) >= 9
    titles = " ".join(e.title for e in activity.feed(db, acme.recruiter, app.id))
    assert "approved" in titles and "declined" in titles.lower()


def test_permissions_hiring_managers_approve_but_do_not_write_or_send(db, setup):
    acme, cand, app = setup
    globex = make_company(db, "Globex")
    with pytest.raises(Forbidden):
        workflow.create_offer(db, acme.manager, app.id, _fields(), NOW)
    offer = _approved(db, acme, app)
    with pytest.raises(Forbidden):
        workflow.send_offer(db, acme.manager, offer.id, NOW)
    with pytest.raises(Forbidden):
        workflow.withdraw_offer(db, acme.manager, offer.id, "", NOW)
    with pytest.raises(NotFound):
        workflow.get_offer(db, globex.recruiter, offer.id)
    with pytest.raises(NotFound):
        workflow.offer_pdf(db, globex.recruiter, offer.id)
    with pytest.raises(Forbidden):
        workflow.get_offer(db, cand, offer.id)
    assert responses.my_offers(db, cand, NOW) == []  # not sent yet: the candidate sees nothing
    with pytest.raises(Conflict):  # one open offer per application
        workflow.create_offer(db, acme.recruiter, app.id, _fields(), NOW)
    with pytest.raises(NotFound):
        workflow.create_offer(db, globex.recruiter, app.id, _fields(), NOW)
    other = apply(db, make_candidate(db, "sam@example.com", "Sam Lee"), make_company(db, "Initech").job_id)
    with pytest.raises(NotFound):
        workflow.create_offer(db, acme.recruiter, other.id, _fields(), NOW)


@pytest.mark.parametrize(
    "over, message",
    [
        ({"salary": "-5"}, "positive"),
        ({"salary": "abc"}, "amount"),
        ({"currency": "euro"}, "three-letter"),
        ({"salary_period": "week"}, "period"),
        ({"expires_on": "2027-02-01"}, "passed"),
        ({"start_date": "tomorrow"}, "date like"),
        ({"approver_ids": [1, 1]}, "once"),
        ({"nonsense": 1}, "Unknown field"),
    ],
)
def test_bad_fields_are_refused_with_a_message(db, setup, over, message):
    acme, _cand, app = setup
    with pytest.raises(InvalidInput, match=message):
        workflow.create_offer(db, acme.recruiter, app.id, _fields(**over), NOW)


# --- the candidate's link ------------------------------------------------------------------------


def test_accepting_records_the_audit_and_signs_the_pdf_served(db, setup):
    acme, cand, app = setup
    offer = _sent(db, acme, app)
    with db.session(write=True) as s:  # an endpoint that hears accepted offers (and nothing else)
        s.add(
            WebhookEndpoint(
                company_id=acme.recruiter.staff_company_id, url="https://hr.example.com/hook",
                events="offer.accepted,application.created", secret_sealed="x",
                created_by_id=acme.recruiter.user_id,
            )
        )  # fmt: skip
    token = _token(offer)
    page = responses.open_link(db, token, NOW)
    assert page.status == "sent" and "72,500.00" in page.letter_html
    _, served = responses.link_pdf(db, token, NOW)
    mine = responses.my_offers(db, cand, NOW)
    assert [(m.status, m.link) for m in mine] == [("sent", offer.link)]
    with pytest.raises(InvalidInput, match="Tick the box"):
        responses.accept(db, token, "Zoë Quinn", False, ip="1.2.3.4", user_agent="UA", now=NOW)
    with pytest.raises(InvalidInput, match="as it appears"):
        responses.accept(db, token, "Zoe Q", True, ip="1.2.3.4", user_agent="UA", now=NOW)
    later = NOW + timedelta(hours=2)
    record = responses.accept(
        db, token, "  zoë   QUINN ", True, ip="203.0.113.9", user_agent="Test UA", now=later
    )
    assert record.document_sha256 == hashlib.sha256(served).hexdigest()
    assert (record.ip, record.user_agent, record.signed_at) == (
        "203.0.113.9",
        "Test UA",
        later.replace(microsecond=0),
    )
    _, signed = workflow.signed_pdf(db, acme.recruiter, offer.id)
    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(served)).pages) + 1
    last = reader.pages[-1].extract_text()
    assert "zoë QUINN" in last and record.document_sha256 in last and "2027-03-01 11:30:00 UTC" in last
    with pytest.raises(Conflict):
        responses.accept(db, token, "Zoë Quinn", True, ip="x", user_agent="y", now=later)
    assert workflow.get_offer(db, acme.manager, offer.id).status == "accepted"
    with db.session() as s:
        heard = [(d.event, json.loads(d.body)["data"]) for d in s.exec(select(WebhookDelivery))]
    assert heard == [
        (
            "offer.accepted",
            {
                "application_id": app.id,
                "job_id": acme.job_id,
                "candidate_id": cand.user_id,
                "offer_id": offer.id,
                "offer_version": 1,
                "signed_at": record.signed_at.isoformat(),
            },
        )
    ]
    with db.session() as s:
        kinds = [
            e.kind
            for e in s.exec(select(OfferEvent).where(OfferEvent.offer_id == offer.id).order_by(OfferEvent.id))
        ]
    assert kinds == ["created", "submitted", "approved", "ready", "sent", "viewed", "accepted"]


def test_declining_with_a_reason_tells_the_recruiter(db, setup):
    acme, _cand, app = setup
    offer = _sent(db, acme, app)
    responses.decline(db, _token(offer), "I took another offer", NOW)
    view = workflow.get_offer(db, acme.recruiter, offer.id)
    assert (view.status, view.decline_reason) == ("declined", "I took another offer")
    with db.session() as s:
        mails = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "offer_declined")).all()
    assert [m.to_address for m in mails] == ["rec@acme.test"] and "another offer" in mails[0].body_text


def test_an_expired_offer_cannot_be_accepted(db, setup):
    acme, _cand, app = setup
    offer = _sent(db, acme, app)
    last_minute = datetime(2027, 3, 10, 23, 59, tzinfo=UTC)
    assert responses.open_link(db, _token(offer), last_minute).status == "sent"
    after = datetime(2027, 3, 11, 0, 0, tzinfo=UTC)
    assert responses.open_link(db, _token(offer), after).status == "expired"
    with pytest.raises(Conflict, match="expired"):
        responses.accept(db, _token(offer), "Zoë Quinn", True, ip="x", user_agent="y", now=after)
    assert workflow.get_offer(db, acme.recruiter, offer.id, after).status == "expired"


def test_a_revision_is_a_new_version_and_the_old_link_is_refused(db, setup):
    acme, _cand, app = setup
    offer = _sent(db, acme, app)
    revised = workflow.update_offer(db, acme.recruiter, offer.id, {"salary": "80000"}, NOW)
    assert (revised.version, revised.status, revised.replaces_id) == (2, "pending_approval", offer.id)
    with pytest.raises(Conflict, match="revised"):
        responses.open_link(db, _token(offer), NOW)
    with pytest.raises(Conflict):
        responses.accept(db, _token(offer), "Zoë Quinn", True, ip="x", user_agent="y", now=NOW)
    workflow.approve_offer(db, acme.manager, revised.id, "", NOW)
    sent = workflow.send_offer(db, acme.recruiter, revised.id, NOW)
    assert sent.link != offer.link
    assert "80,000.00" in responses.open_link(db, _token(sent), NOW).letter_html
    with pytest.raises(NotFound):
        responses.open_link(db, _token(sent)[:-2] + "xx", NOW)
    withdrawn = workflow.withdraw_offer(db, acme.recruiter, sent.id, "Role closed", NOW)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(Conflict, match="withdrawn"):
        responses.link_pdf(db, _token(sent), NOW)


def test_emails_arrive_with_the_pdf_attached(db, setup):
    acme, _cand, app = setup
    offer = _sent(db, acme, app)
    _, served = responses.link_pdf(db, _token(offer), NOW)
    responses.accept(db, _token(offer), "Zoë Quinn", True, ip="127.0.0.1", user_agent="UA", now=NOW)
    with db.session() as s:
        s.exec(select(OutboxEmail)).all()
    with smtp_server() as server:
        sender = Sender(db, server.url, "FlowTrack <jobs@acme.test>")
        sender.deliver_due()
        offers = [m for m in server.handler.messages if "offer" in m["Subject"].lower()]
    by_to = {}
    for m in offers:
        by_to.setdefault(m["To"], []).append(m)
    sent_mail = next(m for m in by_to["zoe@example.com"] if m["Subject"].startswith("Your offer"))
    assert offer.link in sent_mail.get_body(("plain",)).get_content()
    (pdf_part,) = list(sent_mail.iter_attachments())
    assert pdf_part.get_content_type() == "application/pdf" and pdf_part.get_content() == served
    signed_mail = next(m for m in by_to["zoe@example.com"] if m["Subject"].startswith("You accepted"))
    (signed_part,) = list(signed_mail.iter_attachments())
    assert "Acceptance and signature" in _text(signed_part.get_content())
    (turn,) = by_to["hm@acme.test"]
    assert (
        turn["Subject"] == "Your approval: the offer for Zoë Quinn"
        and "/application?id=" in turn.get_body(("plain",)).get_content()
    )
    ready, staff_mail = by_to["rec@acme.test"]
    assert ready["Subject"] == "Offer for Zoë Quinn approved: ready to send"
    assert "accepted" in staff_mail["Subject"] and len(list(staff_mail.iter_attachments())) == 1


# --- analytics -----------------------------------------------------------------------------------


def test_analytics_count_offers_and_time_to_accept(db):
    from flowtrack_ui.core.analytics import csv_export, report

    acme = make_company(db, "Acme")
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id) for i in range(5)]
    t0 = datetime.now(UTC).replace(microsecond=0)
    sent = [_sent(db, acme, a, t0) for a in apps[:4]]
    # accepted after 1 day and after 3 days; one declined; one still open; one never sent
    responses.accept(db, _token(sent[0]), "Cand 0", True, ip="x", user_agent="y", now=t0 + timedelta(days=1))
    responses.accept(db, _token(sent[1]), "Cand 1", True, ip="x", user_agent="y", now=t0 + timedelta(days=3))
    responses.decline(db, _token(sent[2]), "", t0 + timedelta(hours=5))
    workflow.create_offer(db, acme.recruiter, apps[4].id, _fields(), NOW)
    r = report.report(db, acme.manager)
    o = r.offers
    assert (o.sent, o.accepted, o.declined, o.expired) == (4, 2, 1, 0)
    assert o.acceptance_rate == pytest.approx(2 / 3)
    assert (o.time_to_accept.count, o.time_to_accept.median_days, o.time_to_accept.p90_days) == (2, 1.0, 3.0)
    rows = {(m, i): v for m, _g, i, v in csv_export.rows(r)}
    assert rows[("offers", "accepted")] == "2" and rows[("time_to_accept_median_days", "")] == "1.0"


def test_my_work_lists_an_offer_only_when_it_is_the_approvers_turn(db, setup):
    from flowtrack_ui.core import work

    acme, _cand, app = setup
    offer = workflow.create_offer(
        db, acme.recruiter, app.id, _fields(approver_ids=[acme.manager.user_id, acme.recruiter.user_id]), NOW
    )
    assert work.my_work(db, acme.manager, NOW).offers_to_approve == ()
    workflow.submit_offer(db, acme.recruiter, offer.id, now=NOW)
    (mine,) = work.my_work(db, acme.manager, NOW).offers_to_approve
    assert (mine.offer_id, mine.candidate_name, mine.salary) == (
        offer.id,
        "Zoë Quinn",
        "EUR 72,500.00 per year",
    )
    assert work.my_work(db, acme.recruiter, NOW).offers_to_approve == ()  # not their turn yet
    workflow.approve_offer(db, acme.manager, offer.id, "", NOW)
    assert work.my_work(db, acme.manager, NOW).offers_to_approve == ()
    assert [o.offer_id for o in work.my_work(db, acme.recruiter, NOW).offers_to_approve] == [offer.id]


def test_the_letter_carries_the_company_logo(db, setup):
    from PIL import Image

    from flowtrack_ui.core.models import Company, StoredFile

    acme, _cand, app = setup
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 30, 30)).save(buffer, "PNG")
    with db.session(write=True) as s:
        logo = StoredFile(
            owner_id=acme.recruiter.user_id,
            sha256="0" * 64,
            size=len(buffer.getvalue()),
            content_type="image/png",
            original_name="logo.png",
            data=buffer.getvalue(),
        )
        s.add(logo)
        s.flush()
        s.get(Company, acme.recruiter.company_id).logo_file_id = logo.id
    offer = workflow.create_offer(db, acme.recruiter, app.id, _fields(), NOW)
    _, data = workflow.offer_pdf(db, acme.recruiter, offer.id, NOW)
    (image,) = PdfReader(io.BytesIO(data)).pages[0].images
    assert image.image.size == (64, 32)


@pytest.mark.postgres
def test_the_offer_path_on_postgres(pg_db):
    acme = make_company(pg_db, "Acme")
    cand = make_candidate(pg_db, "zoe@example.com", "Zoë Quinn")
    app = apply(pg_db, cand, acme.job_id)
    offer = _sent(pg_db, acme, app)
    responses.accept(pg_db, _token(offer), "Zoë Quinn", True, ip="::1", user_agent="UA", now=NOW)
    assert workflow.get_offer(pg_db, acme.recruiter, offer.id, NOW).status == "accepted"
    from flowtrack_ui.core import work
    from flowtrack_ui.core.analytics import report

    assert report.report(pg_db, acme.recruiter).offers.accepted == 1
    assert work.my_work(pg_db, acme.manager, NOW).offers_to_approve == ()


def test_erasing_the_candidate_removes_the_offers_personal_data(any_db):
    from flowtrack_ui.core.models import Offer, OutboxAttachment, StoredFile
    from flowtrack_ui.core.privacy import erase

    db = any_db
    acme = make_company(db, "Acme")
    cand = make_candidate(db, "zoe@example.com", "Zoë Quinn")
    app = apply(db, cand, acme.job_id)
    offer = _sent(db, acme, app)
    responses.accept(db, _token(offer), "Zoë Quinn", True, ip="198.51.100.7", user_agent="UA", now=NOW)
    erase.erase_candidate(db, acme.recruiter, cand.user_id)
    with db.session() as s:
        row = s.get(Offer, offer.id)
        assert (row.status, row.signed_name, row.signed_ip, row.pdf_file_id, row.signed_file_id) == (
            "accepted",
            None,
            None,
            None,
            None,
        )
        assert s.exec(select(OutboxAttachment)).all() == []
        assert all("Zoë" not in (f.original_name or "") for f in s.exec(select(StoredFile)))
        assert all("Quinn" not in e.note for e in s.exec(select(OfferEvent)))
    with pytest.raises(NotFound):
        responses.open_link(db, _token(offer), NOW)


def test_the_candidates_export_holds_their_sent_offer_and_its_audit_record(db, setup):
    import json
    import zipfile

    from flowtrack_ui.core.privacy import export

    acme, cand, app = setup
    workflow.create_offer(db, acme.recruiter, app.id, _fields(), NOW)  # a draft: not theirs to see
    assert _export_offers(db, cand, export, json, zipfile) == []
    offer = workflow.get_offer(
        db, acme.recruiter, workflow.offers_for_application(db, acme.recruiter, app.id)[0].id
    )
    workflow.withdraw_offer(db, acme.recruiter, offer.id, "", NOW)
    sent = _sent(db, acme, app)
    responses.accept(db, _token(sent), "Zoë Quinn", True, ip="198.51.100.7", user_agent="UA", now=NOW)
    (row,) = _export_offers(db, cand, export, json, zipfile)
    assert (row["status"], row["signed_name"], row["signed_from"]) == (
        "accepted",
        "Zoë Quinn",
        "198.51.100.7",
    )
    assert "approv" not in json.dumps(row)


def _export_offers(db, cand, export, json, zipfile):
    _name, stream = export.export_my_data(db, cand)
    with zipfile.ZipFile(stream) as z:
        data = json.loads(z.read(next(n for n in z.namelist() if n.endswith(".json"))))
    return data["applications"][0]["offers"]


def test_a_new_offer_may_follow_one_left_to_expire(db, setup):
    acme, _cand, app = setup
    first = _sent(db, acme, app)
    later = datetime(2027, 3, 12, tzinfo=UTC)
    second = workflow.create_offer(db, acme.recruiter, app.id, _fields(expires_on="2027-03-20"), later)
    assert second.status == "draft"
    assert workflow.get_offer(db, acme.recruiter, first.id, NOW).status == "expired"  # stored so
