"""The offer handlers of the application page and the offer letters page, called directly with
forged arguments: a hiring manager's forged send or edit is refused by the core, another
company's offer is not found, and a candidate's tracker shows only their sent offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.offers import workflow
from flowtrack_ui.state import offer_templates, offers, session, tracker
from flowtrack_ui.state.offer_templates import OfferTemplatesState
from flowtrack_ui.state.offers import OfferState
from flowtrack_ui.state.tracker import TrackerState

from .conftest import make_company
from .test_handlers import call, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, offers, offer_templates, tracker):
        monkeypatch.setattr(module, "db", lambda: db)


def _form(**over) -> dict:
    today = datetime.now(UTC).date()
    form = {
        "template_id": "0",
        "job_title": "Acme Engineer",
        "salary": "50000",
        "currency": "EUR",
        "salary_period": "year",
        "start_date": str(today + timedelta(days=30)),
        "expires_on": str(today + timedelta(days=5)),
        "signer_name": "Rita",
    }
    form.update(over)
    return form


def _offer_state(db, who, app_id):
    st = state_for(OfferState, who)
    st.app_id = app_id
    call(st, OfferState.load_offers)
    return st


def test_a_recruiter_writes_submits_and_a_forged_manager_send_is_refused(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    rec = _offer_state(db, acme.recruiter, app.id)
    call(rec, OfferState.open_new_offer)
    assert rec.offer_form_open and rec.staff_choices
    call(rec, OfferState.add_approver, str(acme.manager.user_id))
    call(rec, OfferState.add_approver, "999999")  # not a colleague: ignored
    call(rec, OfferState.save_offer, _form(salary="-3"))
    assert "positive" in rec.offer_form_error and rec.offer_id == 0
    call(rec, OfferState.save_offer, _form())
    assert rec.offer_status == "draft" and not rec.offer_form_open
    call(rec, OfferState.submit_offer)
    assert rec.offer_status == "pending_approval" and not rec.my_turn

    hm = _offer_state(db, acme.manager, app.id)
    assert hm.my_turn and not hm.can_write_offers
    call(hm, OfferState.send_offer)  # forged: no button, refused by the core
    call(hm, OfferState.save_offer, _form(salary="1"))
    view = workflow.get_offer(db, acme.recruiter, rec.offer_id)
    assert (view.status, view.salary_cents) == ("pending_approval", 5_000_000)
    call(hm, OfferState.approve_offer)
    assert hm.offer_status == "approved"
    call(rec, OfferState.send_offer)
    assert rec.offer_status == "sent"

    mine = state_for(TrackerState, candidate)
    call(mine, TrackerState.load)
    assert [(o.title, o.waiting) for o in mine.offers] == [("Acme Engineer at Acme", True)]


def test_another_company_sees_no_offer_and_cannot_act_on_it(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    offer = workflow.create_offer(db, acme.recruiter, app.id, _form(approver_ids=[acme.manager.user_id]))
    globex = make_company(db, "Globex")
    other = _offer_state(db, globex.recruiter, app.id)
    assert other.offer_id == 0
    other.offer_id = offer.id  # forged
    call(other, OfferState.withdraw_offer)
    call(other, OfferState.submit_offer)
    assert workflow.get_offer(db, acme.recruiter, offer.id).status == "draft"


def test_letters_page_hiring_managers_read_recruiters_write(db, acme):
    hm = state_for(OfferTemplatesState, acme.manager)
    call(hm, OfferTemplatesState.load)
    assert hm.read_only and hm.rows[0].built_in and "Alex Example" in hm.preview_html
    hm.selected, hm.name = -1, "Mine"
    call(hm, OfferTemplatesState.save)  # forged
    assert "may not" in hm.error
    rec = state_for(OfferTemplatesState, acme.recruiter)
    call(rec, OfferTemplatesState.load)
    call(rec, OfferTemplatesState.new)
    call(rec, OfferTemplatesState.set_name, "Short")
    call(rec, OfferTemplatesState.set_body, "Hi {{ candidate.password }}")
    assert "candidate.password" in rec.error
    call(rec, OfferTemplatesState.set_body, "Hi {{ candidate.first_name }}")
    call(rec, OfferTemplatesState.save)
    assert rec.error == "" and "Short" in [r.name for r in rec.rows]
