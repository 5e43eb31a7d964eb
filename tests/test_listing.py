"""The list view in the core: filters, sort, paging, company scoping, who may read it, walking it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from flowtrack_ui.core import security
from flowtrack_ui.core.applications import listing
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.listing import ListingQuery, parse_query, query_params
from flowtrack_ui.core.collaboration import interviews, scorecards
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import Application, ApplicationHistory, User
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines import job_stages
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.talent import tags

from .conftest import PASSWORD, make_candidate, make_company


@pytest.fixture
def world(any_db):
    """Acme's job with five applications of distinct names, dates, stages, tags and scorecards."""
    db = any_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    people = [("ada", "Ada Lovelace"), ("bob", "Bob Builder"), ("cy", "Cy Twombly"), ("dee", "Dee Dee")]
    apps = {}
    for key, name in people:
        cand = make_candidate(db, f"{key}@example.com", name)
        apps[key] = apply(db, cand, acme.job_id).id
    eve = make_candidate(db, "eve@example.com", "Eve Online")
    apps["eve"] = apply(db, eve, acme.job_id).id
    apply(db, eve, globex.job_id)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session(write=True) as s:
        for i, key in enumerate(["ada", "bob", "cy", "dee", "eve"]):
            s.execute(
                update(Application)
                .where(Application.id == apps[key])
                .values(created_at=start + timedelta(days=i), stage_changed_at=start + timedelta(days=i))
            )
    move_stage(db, acme.recruiter, apps["bob"], "Screening")
    move_stage(db, acme.recruiter, apps["cy"], "Screening")
    move_stage(db, acme.recruiter, apps["cy"], "Interview")
    move_stage(db, acme.recruiter, apps["dee"], "Rejected", reason=None)
    with db.session(write=True) as s:  # Cy moved last, Bob before: days in stage differ
        s.execute(
            update(Application)
            .where(Application.id == apps["bob"])
            .values(stage_changed_at=datetime.now(UTC) - timedelta(days=5))
        )
    cands = {k: a for k, a in apps.items()}
    with db.session() as s:
        ids = {
            k: s.execute(select(Application.candidate_id).where(Application.id == a)).scalar_one()
            for k, a in cands.items()
        }
    tags.set_tags(db, acme.recruiter, ids["ada"], ["python", "Referral"])
    tags.set_tags(db, acme.recruiter, ids["cy"], ["referral"])
    tags.set_tags(db, globex.recruiter, ids["eve"], ["referral"])  # another company's tag
    for key, verdict in (("bob", "no"), ("cy", "strong_yes"), ("ada", "yes")):
        iv = interviews.schedule(
            db,
            acme.recruiter,
            apps[key],
            {
                "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
                "timezone": "UTC",
                "duration_minutes": 30,
                "location": "Room 1",
                "interviewer_ids": [acme.manager.user_id],
            },
        )
        scorecards.submit(db, acme.manager, iv.id, {"recommendation": verdict, "ratings": {}, "notes": ""})
    return db, acme, globex, apps


def names(result) -> list[str]:
    return [r.name for r in result.rows]


def test_default_order_is_newest_application_first(world):
    db, acme, _globex, _apps = world
    result = listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery())
    assert names(result) == ["Eve Online", "Dee Dee", "Cy Twombly", "Bob Builder", "Ada Lovelace"]
    assert result.total == 5 and result.pages == 1
    assert result.stages[:2] == ("Applied", "Screening")
    eve = result.rows[0]
    assert eve.source == "careers" and eve.has_resume is False and eve.rating is None


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("name", "asc", ["Ada Lovelace", "Bob Builder", "Cy Twombly", "Dee Dee", "Eve Online"]),
        ("name", "desc", ["Eve Online", "Dee Dee", "Cy Twombly", "Bob Builder", "Ada Lovelace"]),
        ("applied", "asc", ["Ada Lovelace", "Bob Builder", "Cy Twombly", "Dee Dee", "Eve Online"]),
        ("rating", "desc", ["Cy Twombly", "Ada Lovelace", "Bob Builder", "Dee Dee", "Eve Online"]),
        ("rating", "asc", ["Bob Builder", "Ada Lovelace", "Cy Twombly", "Dee Dee", "Eve Online"]),
        ("tags", "asc", ["Ada Lovelace", "Cy Twombly", "Bob Builder", "Dee Dee", "Eve Online"]),
    ],
)
def test_sorts(world, sort, direction, expected):
    db, acme, _globex, _apps = world
    q = ListingQuery(sort=sort, direction=direction)
    got = names(listing.list_applications(db, acme.recruiter, acme.job_id, q))
    if sort == "rating":  # ties among the unscored are ordered by id, after every scored one
        assert got[:3] == expected[:3] and set(got[3:]) == set(expected[3:])
    elif sort == "tags":  # "python" < "referral": Ada, then Cy; untagged last
        assert got[:2] == expected[:2] and set(got[2:]) == set(expected[2:])
    else:
        assert got == expected


def test_stage_sort_follows_the_pipeline_and_days_follow_the_board(world):
    db, acme, _globex, _apps = world
    by_stage = listing.list_applications(
        db, acme.recruiter, acme.job_id, ListingQuery(sort="stage", direction="asc")
    )
    assert [r.stage for r in by_stage.rows] == ["Applied", "Applied", "Screening", "Interview", "Rejected"]
    days = listing.list_applications(
        db, acme.recruiter, acme.job_id, ListingQuery(stage="Screening", sort="days", direction="desc")
    )
    assert names(days) == ["Bob Builder"] and days.rows[0].days_in_stage == 5


def test_filters(world):
    db, acme, _globex, apps = world

    def run(**kw) -> set[str]:
        return set(names(listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(**kw))))

    assert run(stage="Screening") == {"Bob Builder"}
    assert run(stage="screening") == {"Bob Builder"}  # stage names ignore case, as everywhere
    assert run(tag="REFERRAL") == {"Ada Lovelace", "Cy Twombly"}  # not Eve: Globex's tag
    assert run(source="careers") == {"Ada Lovelace", "Bob Builder", "Cy Twombly", "Dee Dee", "Eve Online"}
    assert run(source="talent_pool") == set()
    assert run(rating="scored") == {"Ada Lovelace", "Bob Builder", "Cy Twombly"}
    assert run(rating="unscored") == {"Dee Dee", "Eve Online"}
    assert run(rating="yes") == {"Ada Lovelace", "Cy Twombly"}
    assert run(rating="no") == {"Bob Builder"}
    assert run(rating="strong_yes") == {"Cy Twombly"}
    assert run(since=date(2026, 1, 4)) == {"Dee Dee", "Eve Online"}
    assert run(text="LOVE") == {"Ada Lovelace"}
    assert run(text="bob@") == {"Bob Builder"}
    assert run(text="100%") == set()  # wildcards are literal
    assert run(tag="referral", rating="strong_yes", stage="Interview") == {"Cy Twombly"}
    result = listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(stage="Interview"))
    cy = result.rows[0]
    assert cy.rating == 4.0 and cy.rating_count == 1 and cy.rating_summary == "1 × Strong yes"
    assert cy.tags == ("referral",)
    assert result.tags == ("python", "referral")  # each once, in order
    with pytest.raises(InvalidInput, match="no stage"):
        listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(stage="Nowhere"))


def test_company_scoping_and_roles(world, candidate):
    db, acme, globex, apps = world
    manager = listing.list_applications(db, acme.manager, acme.job_id, ListingQuery())
    assert manager.total == 5
    with pytest.raises(NotFound):
        listing.list_applications(db, globex.recruiter, acme.job_id, ListingQuery())
    with pytest.raises(NotFound):
        listing.neighbours(db, globex.recruiter, apps["ada"], ListingQuery())
    with pytest.raises(NotFound):
        listing.act_options(db, globex.recruiter, apps["ada"])
    theirs = listing.list_applications(db, globex.recruiter, globex.job_id, ListingQuery())
    assert names(theirs) == ["Eve Online"] and theirs.rows[0].tags == ("referral",)
    for call in (
        lambda: listing.list_applications(db, candidate, acme.job_id, ListingQuery()),
        lambda: listing.neighbours(db, candidate, apps["ada"], ListingQuery()),
        lambda: listing.act_options(db, candidate, apps["ada"]),
    ):
        with pytest.raises(Forbidden):
            call()


def test_hiring_manager_reads_only_the_scorecards_they_may(world):
    """A second interviewer who has not submitted sees only their own verdicts in the rating."""
    db, acme, _globex, apps = world
    from flowtrack_ui.core.accounts import invitations
    from flowtrack_ui.core.accounts.sign_in import login, principal_from_token

    inv = invitations.invite_staff(db, acme.recruiter, "hm2@acme.test", Role.HIRING_MANAGER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Second Manager")
    second = principal_from_token(db, login(db, "hm2@acme.test", PASSWORD))
    iv = interviews.schedule(
        db,
        acme.recruiter,
        apps["eve"],
        {
            "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "timezone": "UTC",
            "duration_minutes": 30,
            "location": "Room 1",
            "interviewer_ids": [acme.manager.user_id, second.user_id],
        },
    )
    scorecards.submit(db, acme.manager, iv.id, {"recommendation": "strong_yes", "ratings": {}, "notes": ""})
    q = ListingQuery(rating="scored")
    assert "Eve Online" not in names(listing.list_applications(db, second, acme.job_id, q))
    assert "Eve Online" in names(listing.list_applications(db, acme.recruiter, acme.job_id, q))
    scorecards.submit(db, second, iv.id, {"recommendation": "no", "ratings": {}, "notes": ""})
    eve = next(
        r for r in listing.list_applications(db, second, acme.job_id, q).rows if r.name == "Eve Online"
    )
    assert eve.rating == 3.0 and eve.rating_count == 2


def test_neighbours_follow_the_list_order(world):
    db, acme, _globex, apps = world
    q = ListingQuery(sort="name", direction="asc")
    first = listing.neighbours(db, acme.manager, apps["ada"], q)
    assert first == listing.Neighbours(1, 5, None, apps["bob"])
    middle = listing.neighbours(db, acme.recruiter, apps["cy"], q)
    assert middle == listing.Neighbours(3, 5, apps["bob"], apps["dee"])
    assert listing.neighbours(db, acme.recruiter, apps["eve"], q).next_id is None
    # From the board: a column, most recently moved first.
    assert listing.neighbours(db, acme.recruiter, apps["ada"], ListingQuery(stage="Screening")) is None
    column = ListingQuery(stage="Applied", sort="days", direction="asc")
    assert listing.neighbours(db, acme.recruiter, apps["eve"], column) == listing.Neighbours(
        1, 2, None, apps["ada"]
    )


def test_act_options_are_the_transition_tables(world):
    db, acme, _globex, apps = world
    opts = listing.act_options(db, acme.recruiter, apps["bob"])
    kinds = {o.stage: o.kind for o in opts}
    assert kinds["Interview"] == "forward" and kinds["Applied"] == "back" and kinds["Rejected"] == "reject"
    assert "Withdrawn" not in kinds and "Hired" not in kinds
    assert listing.act_options(db, acme.manager, apps["bob"]) == ()
    reopen = listing.act_options(db, acme.recruiter, apps["dee"])
    assert [(o.stage, o.kind) for o in reopen] == [("Applied", "reopen")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "password"}, "Sort by"),
        ({"dir": "sideways"}, "direction"),
        ({"page": "0"}, "Page"),
        ({"page": "-1"}, "Page"),
        ({"page": "x" * 40}, "Page"),
        ({"per_page": "100000"}, "Rows per page"),
        ({"since": "yesterday"}, "date"),
        ({"since": "0001-01-01"}, ""),
        ({"source": "<script>"}, "Source"),
        ({"rating": "5"}, "Rating"),
        ({"q": "x" * 500}, "Search"),
        ({"stage": {"a": 1}}, "not text"),
        ({"q": "a\x00b"}, ""),
    ],
)
def test_bad_parameters_are_refused_in_words(params, message):
    with pytest.raises(InvalidInput, match=message):
        parse_query(params)


def test_query_round_trips_through_the_url():
    q = parse_query(
        {"stage": "Screening", "tag": "x", "rating": "yes", "since": "2026-02-01", "q": "ann", "sort": "name"}
    )
    assert q.direction == "asc" and q.since == date(2026, 2, 1)
    assert query_params(q) == {
        "stage": "Screening",
        "tag": "x",
        "rating": "yes",
        "since": "2026-02-01",
        "q": "ann",
        "sort": "name",
    }
    assert parse_query(query_params(q)) == q
    assert query_params(ListingQuery()) == {}


def _bulk_applications(db, company, n: int) -> list[int]:
    """``n`` applications to the company's job in bulk SQL, each with its first history row."""
    tag = uuid.uuid4().hex[:6]
    now = datetime.now(UTC)
    hashed = security.hash_password(PASSWORD)
    with db.session(write=True) as s:
        pipeline = job_stages.pipeline_of(s, company.job_id)
        applied = pipeline.progress[0]
        s.execute(
            insert(User),
            [
                {
                    "email": f"p{i}-{tag}@bulk.test",
                    "full_name": f"Person {i:04d}",
                    "role": "candidate",
                    "password_hash": hashed,
                    "is_active": True,
                    "token_version": 0,
                    "created_at": now,
                }
                for i in range(n)
            ],
        )
        ids = s.execute(
            text("SELECT id FROM user_account WHERE email LIKE :p ORDER BY id"), {"p": f"%-{tag}@bulk.test"}
        ).scalars()
        s.execute(
            insert(Application),
            [
                {
                    "job_id": company.job_id,
                    "candidate_id": cid,
                    "stage_id": applied.id,
                    "version": 1,
                    # every 7 share a date, so ties are broken by id
                    "created_at": now - timedelta(hours=(i // 7) + 1),
                    "stage_changed_at": now - timedelta(hours=(i // 7) + 1),
                    "updated_at": now,
                }
                for i, cid in enumerate(ids)
            ],
        )
        app_ids = list(
            s.execute(
                select(Application.id).where(Application.job_id == company.job_id).order_by(Application.id)
            ).scalars()
        )
        s.execute(
            insert(ApplicationHistory),
            [
                {
                    "application_id": a,
                    "new_stage": applied.name,
                    "new_stage_id": applied.id,
                    "kind": "applied",
                    "changed_by_id": company.recruiter.user_id,
                    "changed_at": now,
                }
                for a in app_ids
            ],
        )
    return app_ids


def test_two_thousand_applications_page_without_gaps_or_repeats(db):
    acme = make_company(db, "Acme")
    ids = _bulk_applications(db, acme, 2000)
    for sort, direction in (("applied", "desc"), ("name", "asc"), ("days", "asc")):
        seen: list[int] = []
        page = 1
        while True:
            q = ListingQuery(sort=sort, direction=direction, page=page, per_page=200)
            result = listing.list_applications(db, acme.recruiter, acme.job_id, q)
            assert result.total == 2000 and result.pages == 10
            seen.extend(r.id for r in result.rows)
            if page == result.pages:
                break
            page += 1
        assert len(seen) == 2000 and set(seen) == set(ids)
    by_name = listing.list_applications(
        db, acme.recruiter, acme.job_id, ListingQuery(sort="name", direction="asc", page=3)
    )
    assert names(by_name)[0] == "Person 0100"
    past_end = listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(page=999))
    assert past_end.query.page == 40 and len(past_end.rows) == 50
    last = ListingQuery(sort="name", direction="asc")
    assert listing.neighbours(db, acme.recruiter, ids[1999], last) == listing.Neighbours(
        2000, 2000, ids[1998], None
    )
    with db.session() as s:  # the invariant the bulk insert keeps: a first history row each
        assert s.execute(select(func.count(ApplicationHistory.id))).scalar_one() == 2000


def test_a_page_costs_a_fixed_number_of_queries(db):
    from sqlalchemy import event

    acme = make_company(db, "Acme")
    _bulk_applications(db, acme, 300)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(per_page=200))
        first = len(statements)
        statements.clear()
        listing.list_applications(db, acme.recruiter, acme.job_id, ListingQuery(per_page=20))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert first == len(statements) <= 8
