"""Bad input gets a clear domain error and writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import DomainError, InvalidInput, NotFound
from flowtrack_ui.core.models import Job
from flowtrack_ui.core.pipelines.moves import move_stage


@pytest.mark.parametrize("title", ["", "   ", "x" * 10_000, None, 42, "bad\x00title"])
def test_bad_job_titles(db, acme, title):
    with pytest.raises(InvalidInput):
        jobs.create_job(db, acme.recruiter, title)
    with db.session() as s:
        assert len(s.exec(select(Job)).all()) == 1


@pytest.mark.parametrize("bad_id", [-1, 0, "abc", None, 2**70, True, 1.5])
def test_bad_ids(db, acme, candidate, bad_id):
    calls = [
        lambda: apply(db, candidate, bad_id),
        lambda: move_stage(db, acme.recruiter, bad_id, "Screening"),
        lambda: queries.board(db, acme.recruiter, bad_id),
        lambda: queries.application_history(db, acme.recruiter, bad_id),
        lambda: jobs.get_job(db, None, bad_id),
    ]
    for call in calls:
        with pytest.raises((InvalidInput, NotFound)):
            call()


@pytest.mark.parametrize(
    "email,password,name",
    [
        ("not-an-email", "long enough", "A"),
        ("a@b.co", "short", "A"),
        ("a@b.co", "long enough", ""),
        ("a@b.co", "x" * 500, "A"),
        ("a@b.co", "long enough", "n" * 500),
    ],
)
def test_bad_signups(db, email, password, name):
    with pytest.raises(InvalidInput):
        sign_up.register_candidate(db, email, password, name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=300), stage=st.text(max_size=30), note=st.text(max_size=50))
def test_fuzzed_inputs_raise_only_domain_errors(db, acme, title, stage, note):
    try:
        jobs.create_job(db, acme.recruiter, title)
    except DomainError:
        pass
    board = queries.board(db, acme.recruiter, acme.job_id)
    assert board.total == 0
    try:
        move_stage(db, acme.recruiter, 1, stage, note=note)
    except DomainError:
        pass
