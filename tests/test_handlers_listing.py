"""The list view's and the application page's handlers, called as a browser could: forged addresses,
garbage arguments, every role. Each answers with a message, never an exception, and changes
nothing it may not."""

from __future__ import annotations

import pytest
from reflex.istate.data import ReflexURL, RouterData

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.state import application, bulk, listing, session
from flowtrack_ui.state.application import ApplicationState
from flowtrack_ui.state.listing import ListState

from .conftest import make_candidate
from .stage_support import stage_name
from .test_handlers import call, rendered, snapshot, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, listing, application, bulk):
        monkeypatch.setattr(module, "db", lambda: db)


@pytest.fixture
def apps(db, acme):
    ids = []
    for i, name in enumerate(["Ann Archer", "Ben Baker", "Cat Cooper"]):
        ids.append(apply(db, make_candidate(db, f"p{i}@example.com", name), acme.job_id).id)
    return ids


def at(st, url: str):
    """The state as if its page were opened at ``url``."""
    st.router = RouterData(url=ReflexURL("http://localhost:3000" + url))
    return st


def load_list(principal, url: str) -> tuple[ListState, object]:
    st = at(state_for(ListState, principal), url)
    return st, call(st, ListState.load)


def test_the_list_reads_the_address(db, acme, apps):
    st, result = load_list(acme.recruiter, f"/list?job={acme.job_id}&sort=name&dir=desc")
    assert "watch" in rendered(result) and st.problem == "" and st.not_found == ""
    assert [r.name for r in st.rows] == ["Cat Cooper", "Ben Baker", "Ann Archer"]
    assert st.range_label == "Showing 1–3 of 3 applications"
    name = next(h for h in st.headers if h.key == "name")
    assert name.aria_sort == "descending" and "dir" not in name.href  # flips to its natural asc
    assert st.rows[0].href.startswith("/application?id=") and "from=list" in st.rows[0].href
    assert st.can_select is True
    assert [(s.count, s.current) for s in st.sizes] == [
        ("25", False),
        ("50", True),
        ("100", False),
        ("200", False),
    ]
    assert (
        "per_page=200" in st.sizes[3].href
        and "per_page" not in st.sizes[1].href
        and "sort=name" in st.sizes[0].href
    )


@pytest.mark.parametrize(
    "query",
    [
        "sort=__class__",
        "sort=name&dir=up",
        "page=0",
        "page=99999999999999999999",
        "per_page=-5",
        "since=2026-13-45",
        "rating=10",
        "source=%3Cscript%3E",
        "stage=Nowhere",
        "q=" + "x" * 400,
        "q=%00",
        "tag=" + "t" * 100,
    ],
)
def test_garbage_addresses_show_a_message_and_every_application(db, acme, apps, query):
    st, result = load_list(acme.recruiter, f"/list?job={acme.job_id}&{query}")
    assert st.problem != "" and st.not_found == ""
    assert len(st.rows) == 3 and "watch" in rendered(result)


@pytest.mark.parametrize("job", ["", "abc", "-1", "0", "99999999", "1" * 30])
def test_a_missing_job_is_not_found_not_a_crash(db, acme, apps, job):
    st, _result = load_list(acme.recruiter, f"/list?job={job}")
    assert st.not_found and st.rows == []


def test_another_company_and_candidates_read_nothing(db, acme, globex, candidate, apps):
    st, _ = load_list(globex.recruiter, f"/list?job={acme.job_id}")
    assert st.not_found and st.rows == []
    st, result = load_list(candidate, f"/list?job={acme.job_id}")
    assert st.rows == [] and "/my-applications" in rendered(result)
    st, result = load_list(None, f"/list?job={acme.job_id}")
    assert st.rows == [] and "/login" in rendered(result)


def test_a_hiring_manager_reads_without_selecting(db, acme, apps):
    st, _ = load_list(acme.manager, f"/list?job={acme.job_id}")
    assert len(st.rows) == 3 and st.can_select is False
    call(st, ListState.toggle_select, apps[0], False)
    call(st, ListState.toggle_page, True)
    assert st.selected == []
    before = snapshot(db)
    st.selected = list(apps)  # forged: the core refuses the batch
    call(st, ListState.bulk_move, "Screening")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "form",
    [
        None,
        "text",
        {"stage": ["a"]},
        {"since": "tomorrow"},
        {"rating": "excellent"},
        {"source": 5},
        {"q": {"$gt": ""}},
    ],
)
def test_garbage_filter_forms_answer_in_words(db, acme, apps, form):
    st, _ = load_list(acme.recruiter, f"/list?job={acme.job_id}")
    result = call(st, ListState.apply_filters, form)
    assert "toast" in rendered(result).lower() or "error" in rendered(result).lower()
    assert "_redirect" not in rendered(result)


def test_active_filters_are_counted_and_the_phone_form_toggles(db, acme, apps):
    st, _ = load_list(acme.recruiter, f"/list?job={acme.job_id}&stage=Applied&q=ann&sort=name")
    assert st.active_filters == 2 and st.filtered and [r.name for r in st.rows] == ["Ann Archer"]
    assert st.filters_open is False
    call(st, ListState.toggle_filters)
    assert st.filters_open is True


def test_the_filter_form_goes_to_the_new_address(db, acme, apps):
    st, _ = load_list(acme.recruiter, f"/list?job={acme.job_id}&sort=name&page=1")
    result = call(st, ListState.apply_filters, {"stage": "Applied", "q": "ann", "since": "2026-01-01"})
    text = rendered(result)
    assert "/list?job=" in text and "stage=Applied" in text and "q=ann" in text and "sort=name" in text


@pytest.mark.parametrize("value", [None, {}, {"page": "0"}, {"page": "x"}, {"page": "9" * 30}, {"page": "2"}])
def test_garbage_page_numbers(db, acme, apps, value):
    st, _ = load_list(acme.recruiter, f"/list?job={acme.job_id}")
    assert "Choose a page from 1 to 1" in rendered(call(st, ListState.go_to_page, value))


def test_select_the_page_and_move_in_bulk(db, acme, apps):
    st, _ = load_list(acme.recruiter, f"/list?job={acme.job_id}")
    call(st, ListState.toggle_page, True)
    assert sorted(st.selected) == sorted(apps) and st.all_on_page_selected
    assert st.bulk_stages[:1] == ["Screening"]
    call(st, ListState.bulk_move, "Screening")
    with db.session() as s:
        assert {stage_name(s, i) for i in apps} == {"Screening"}
    assert {r.stage for r in st.rows} == {"Screening"}  # read again after the batch
    call(st, ListState.toggle_page, False)
    assert st.selected == []
    for garbage in ("x", None, -1, 10**30, [1]):
        call(st, ListState.toggle_select, garbage, "yes")
    assert st.selected == []


# --- the application page ------------------------------------------------------------------------


def load_app(principal, url: str) -> tuple[ApplicationState, object]:
    st = at(state_for(ApplicationState, principal), url)
    return st, call(st, ApplicationState.load)


def test_the_application_page_walks_its_list(db, acme, apps):
    url = f"/application?id={apps[1]}&from=list&job={acme.job_id}&sort=name"
    st, _ = load_app(acme.recruiter, url)
    assert st.position_label == "2 of 3 in the list"
    assert f"id={apps[0]}" in st.previous_href and f"id={apps[2]}" in st.next_href
    assert "sort=name" in st.next_href and st.back_href.startswith("/list?job=")
    # From the board's column, most recently moved first.
    st, _ = load_app(acme.recruiter, f"/application?id={apps[1]}&from=board&job={acme.job_id}&stage=Applied")
    assert st.position_label == "2 of 3 in Applied"
    # Forged contexts: the page works without walking.
    for bad in ("from=list&sort=evil", "from=board&stage=Nowhere", "from=elsewhere", "from=list&page=-1"):
        st, result = load_app(acme.recruiter, f"/application?id={apps[1]}&job={acme.job_id}&{bad}")
        assert st.not_found == "" and st.name == "Ben Baker"
        assert st.position_label in ("", "2 of 3 in the list", "2 of 3 in Applied")
    # Opened without a context (from a board card, the talent pool): its stage's column.
    st, _ = load_app(acme.recruiter, f"/application?id={apps[2]}")
    assert st.position_label == "1 of 3 in Applied" and f"id={apps[1]}" in st.next_href
    assert st.back_href == f"/board?job={acme.job_id}"


def test_acting_from_the_page_advance_undo_reject(db, acme, apps):
    st, _ = load_app(acme.recruiter, f"/application?id={apps[0]}")
    assert st.can_move and st.advance_to == "Screening" and st.can_reject
    assert [m.label for m in st.act_moves] == ["Screening", "Skip to Interview", "Skip to Offer"]
    call(st, ApplicationState.advance)
    assert st.stage == "Screening"
    assert any(m.label == "Back to Applied…" and m.asks for m in st.act_moves)
    result = call(st, ApplicationState.undo)
    assert st.stage == "Applied" and "Undone" in rendered(result)
    # A correction asks for a reason first; without one the dialog shows the core's message.
    call(st, ApplicationState.advance)
    call(st, ApplicationState.move_to, "Applied")
    assert st.ask_open and st.ask_target == "Applied"
    call(st, ApplicationState.confirm_ask, {"note": ""})
    assert st.ask_error and st.stage == "Screening"
    call(st, ApplicationState.confirm_ask, {"note": "Moved by mistake"})
    assert st.stage == "Applied" and not st.ask_open
    call(st, ApplicationState.open_reject)
    assert st.reject_open and st.reject_reasons
    call(st, ApplicationState.confirm_reject, {"reason": st.reject_reasons[0], "note": "Not now"})
    with db.session() as s:
        assert stage_name(s, apps[0]) == "Rejected"
    assert st.advance_to == "" and not st.can_reject


def test_act_buttons_made_stale_by_a_move_elsewhere_move_nothing(db, acme, apps):
    from flowtrack_ui.core.pipelines.moves import move_stage

    st, _ = load_app(acme.recruiter, f"/application?id={apps[0]}")
    assert st.advance_to == "Screening" and st.acts_stage == "Applied"
    move_stage(db, acme.recruiter, apps[0], "Screening")
    st.stage = "Screening"  # what the page's live watch does on that move
    result = call(st, ApplicationState.advance)  # the button still said "Advance to Screening"
    assert "Someone else moved" in rendered(result)
    with db.session() as s:
        assert stage_name(s, apps[0]) == "Screening"
    assert st.acts_stage == "Screening" and st.advance_to == "Interview"
    move_stage(db, acme.recruiter, apps[0], "Interview")
    st.stage = "Interview"
    call(st, ApplicationState.refresh_actions)
    assert st.acts_stage == "Interview" and st.advance_to == "Offer"


@pytest.mark.parametrize("target", [None, "", 5, "Bogus", "x" * 500, "Hired", "Withdrawn", ["Screening"]])
def test_forged_move_targets_answer_in_words(db, acme, apps, target):
    st, _ = load_app(acme.recruiter, f"/application?id={apps[0]}")
    before = snapshot(db)
    result = call(st, ApplicationState.move_to, target)
    assert snapshot(db) == before and "toast" in rendered(result).lower()
    for form in (None, "x", {"reason": {"a": 1}}):
        call(st, ApplicationState.confirm_reject, form)
        call(st, ApplicationState.confirm_ask, form)


@pytest.mark.parametrize("who", ["manager", "other_company", "candidate", "nobody"])
def test_forged_acts_change_nothing(db, acme, globex, candidate, apps, who):
    principal = {
        "manager": acme.manager,
        "other_company": globex.recruiter,
        "candidate": candidate,
        "nobody": None,
    }[who]
    before = snapshot(db)
    st = state_for(ApplicationState, principal)
    st.app_id, st.stage = apps[0], "Applied"
    st.advance_to, st._reject_stage = "Screening", "Rejected"  # as if the buttons were shown
    call(st, ApplicationState.advance)
    call(st, ApplicationState.move_to, "Interview")
    call(st, ApplicationState.confirm_reject, {"reason": "", "note": "forged"})
    call(st, ApplicationState.undo)
    assert snapshot(db) == before
    if who == "manager":
        st, _ = load_app(acme.manager, f"/application?id={apps[0]}")
        assert not st.can_move and st.act_moves == [] and st.advance_to == ""


def test_the_application_page_suggests_the_companys_tags_in_one_click(db, acme, globex, apps):
    """A listed defect: tags had no suggestions. The company's most used tags not yet on the
    candidate are offered (recruiters only); one click adds one, keeping the candidate's own."""
    from flowtrack_ui.core.applications.details import application_detail
    from flowtrack_ui.core.talent import tags

    ann = application_detail(db, acme.recruiter, apps[0]).candidate_id
    ben = application_detail(db, acme.recruiter, apps[1]).candidate_id
    tags.set_tags(db, acme.recruiter, ann, ["python", "senior"])
    tags.set_tags(db, acme.recruiter, ben, ["python"])
    st, _ = load_app(acme.recruiter, f"/application?id={apps[1]}")
    assert st.tag_suggestions == ["senior"]
    call(st, ApplicationState.add_tag, "senior")
    assert st.tags == ["python", "senior"] and st.tag_suggestions == []
    for garbage in (None, 7, "<script>", "x" * 500, ["a"]):
        call(st, ApplicationState.add_tag, garbage)  # answered in words, nothing added
    assert tags.company_tags(db, acme.recruiter) == [("python", 2), ("senior", 2)]
    # A hiring manager gets no suggestions and cannot add; another company's recruiter neither.
    hm, _ = load_app(acme.manager, f"/application?id={apps[1]}")
    assert hm.tag_suggestions == []
    call(hm, ApplicationState.add_tag, "manager-tag")
    other = state_for(ApplicationState, globex.recruiter)
    other._candidate_id = ben
    call(other, ApplicationState.add_tag, "poached")
    assert tags.company_tags(db, acme.recruiter) == [("python", 2), ("senior", 2)]
    assert tags.company_tags(db, globex.recruiter) == []
