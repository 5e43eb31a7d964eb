"""The webhooks page's handlers and the "Sign in with SSO" form's, called as a browser could: every
role, forged arguments (another company's endpoint, a delivery of another endpoint)."""

from __future__ import annotations

import pytest

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.webhooks import endpoints
from flowtrack_ui.state import session, sso, webhooks
from flowtrack_ui.state.sso import SsoSettingsState, SsoState
from flowtrack_ui.state.webhooks import WebhooksState

from .test_handlers import call, rendered, state_for

HOOK = "https://93.184.216.34/flowtrack"


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, webhooks, sso):
        monkeypatch.setattr(module, "db", lambda: db)


def _loaded(who):
    st = state_for(WebhooksState, who)
    call(st, WebhooksState.load)
    return st


def test_a_recruiter_adds_reads_the_log_redelivers_and_deletes(db, acme, candidate):
    st = _loaded(acme.recruiter)
    assert not st.loading and st.rows == []
    assert [c.name for c in st.choices if c.checked] == [
        "application.created", "application.stage_changed", "application.hired",
    ]  # fmt: skip
    call(st, WebhooksState.set_add_open, True)
    call(st, WebhooksState.add, {"url": "https://10.0.0.8/x", "event_application_created": "on"})
    assert "private or local" in st.add_error and st.rows == []
    call(st, WebhooksState.add, {"url": HOOK, "description": "HR"})
    assert st.add_error == "Choose at least one event."
    result = call(
        st, WebhooksState.add, {"url": HOOK, "description": "HR", "event_application_created": "on"}
    )
    assert "shown only once" in rendered(result) and st.new_secret.startswith("whsec_") and not st.add_open
    (row,) = st.rows
    assert row.url == HOOK and row.events == ["application.created"] and row.status == "active"
    call(st, WebhooksState.hide_secret)
    assert st.new_secret == ""

    apply(db, candidate, acme.job_id)
    call(st, WebhooksState.open_log, row.id)
    (delivery,) = st.log_rows
    assert delivery.event == "application.created" and delivery.state == "pending" and st.log_url == HOOK
    call(st, WebhooksState.redeliver, delivery.id)
    assert len(st.log_rows) == 2
    assert "Test event queued" in rendered(call(st, WebhooksState.send_test, row.id))
    assert [d.event for d in st.log_rows][0] == "webhook.test" and len(st.log_rows) == 3
    call(st, WebhooksState.ask_delete, row.id)
    assert st.delete_url == HOOK
    call(st, WebhooksState.delete, {})
    assert st.rows == [] and st.log_id == 0 and endpoints.list_endpoints(db, acme.recruiter) == []


def test_forged_events_change_nothing(db, acme, globex, candidate):
    theirs = endpoints.create_endpoint(db, globex.recruiter, {"url": HOOK, "events": ["application.created"]})
    mine = endpoints.create_endpoint(db, acme.recruiter, {"url": HOOK, "events": ["application.created"]})
    apply(db, candidate, acme.job_id)
    acme_delivery = endpoints.deliveries(db, acme.recruiter, mine.endpoint.id)[0].id
    st = _loaded(acme.recruiter)
    for handler in (WebhooksState.open_log, WebhooksState.enable, WebhooksState.send_test):
        assert "not found" in rendered(call(st, handler, theirs.endpoint.id))
    st.delete_id = theirs.endpoint.id
    assert "not found" in rendered(call(st, WebhooksState.delete, {}))
    assert [e.id for e in endpoints.list_endpoints(db, globex.recruiter)] == [theirs.endpoint.id]
    st.log_id = theirs.endpoint.id  # a delivery of Acme's under Globex's endpoint
    assert "not found" in rendered(call(st, WebhooksState.redeliver, acme_delivery))
    assert endpoints.deliveries(db, globex.recruiter, theirs.endpoint.id) == []

    for who in (acme.manager, candidate, None):
        other = state_for(WebhooksState, who)
        call(other, WebhooksState.load)
        assert other.rows == [] and other.loading
        other.delete_id = mine.endpoint.id
        call(other, WebhooksState.delete, {})
        call(other, WebhooksState.add, {"url": HOOK, "event_application_created": "on"})
    assert [e.id for e in endpoints.list_endpoints(db, acme.recruiter)] == [mine.endpoint.id]


def test_sign_in_with_sso_finds_the_company_or_says_why_not(db, acme):
    st = state_for(SsoState)
    call(st, SsoState.toggle_sso)
    assert st.sso_open
    assert call(st, SsoState.start_sso, {"who": "rec@acme.test"}) is None
    assert "No company signs in with single sign-on" in st.sso_error
    assert call(st, SsoState.start_sso, {"who": ""}) is None and "work email" in st.sso_error


def test_the_sso_settings_page_for_recruiters_only(db, acme):
    st = state_for(SsoSettingsState, acme.recruiter)
    call(st, SsoSettingsState.load)
    assert not st.loading and not st.configured and st.redirect_uri.endswith("/sso/acme/callback")
    form = {
        "issuer_url": "http://login.example.com",
        "client_id": "x",
        "client_secret": "y",
        "domains": "acme.test",
    }
    call(st, SsoSettingsState.save, form)
    assert "https://" in st.form_error and not st.configured
    call(
        st,
        SsoSettingsState.save,
        {**form, "issuer_url": "https://login.example.com", "domains": "not a domain"},
    )
    assert "domain" in st.form_error
    for who in (acme.manager, None):
        other = state_for(SsoSettingsState, who)
        call(other, SsoSettingsState.load)
        assert other.loading and other.redirect_uri == ""
        call(other, SsoSettingsState.remove, {})
        assert not other.configured
