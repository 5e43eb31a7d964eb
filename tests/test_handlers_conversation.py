"""The conversation's handlers, called as a browser could: every role, forged arguments."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.mail import conversation as conv
from flowtrack_ui.core.mail import inbound, reply_address
from flowtrack_ui.state import conversation, session
from flowtrack_ui.state.conversation import ConversationState

from .test_handlers import call, rendered, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, conversation):
        monkeypatch.setattr(module, "db", lambda: db)


def _send(st, form: object = None) -> list:
    async def drain():
        return [x async for x in ConversationState.send.fn(st, form if form is not None else {})]

    return asyncio.run(drain())


def _opened(who, app_id):
    st = state_for(ConversationState, who)
    st.app_id = app_id
    call(st, ConversationState.load_conversation)
    return st


def test_a_recruiter_writes_schedules_and_cancels(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    notes.add_note(db, acme.recruiter, app.id, "Internal only")
    st = _opened(acme.recruiter, app.id)
    assert st.can_write and [r.kind for r in st.thread] == ["note", "email"]
    call(st, ConversationState.open_compose)
    assert (
        st.compose_open
        and st.template_value == "built-in:message"
        and "{{ recruiter.name }}" in st.draft_body
    )
    call(st, ConversationState.set_draft_body, "Hi {{ candidate.first_name }}, are you free?")
    call(st, ConversationState.preview)
    assert st.preview_text == "Hi Casey, are you free?\n"
    call(st, ConversationState.set_schedule, "later")
    call(st, ConversationState.set_send_at_local, "not a time")
    _send(st)
    assert "date and time" in st.compose_error
    st.time_zone = "Europe/Berlin"
    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    call(st, ConversationState.set_send_at_local, later)
    assert "Scheduled" in rendered(_send(st))
    held = st.thread[0]
    assert (
        held.kind == "email" and held.state == "held" and held.template_name == "Message" and held.can_cancel
    )
    assert "Europe/Berlin" in held.held_until
    call(st, ConversationState.cancel_email, held.id)
    assert st.thread[0].state == "cancelled"
    assert "no longer held" in rendered(call(st, ConversationState.send_email_now, held.id))


def test_forged_events_change_nothing(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    held = conv.compose(db, acme.recruiter, app.id, {"subject": "S", "body": "B", "send_at": later})
    # A hiring manager reads, but cannot write, cancel or send early.
    st = _opened(acme.manager, app.id)
    assert not st.can_write and any(r.id == held.id for r in st.thread)
    assert "may not" in rendered(call(st, ConversationState.cancel_email, held.id))
    assert "may not" in rendered(call(st, ConversationState.send_email_now, held.id))
    call(st, ConversationState.set_draft_subject, "Forged")
    call(st, ConversationState.set_draft_body, "Forged")
    _send(st)
    assert "may not" in st.compose_error
    # Another company's recruiter: the application and the email are not theirs.
    other = state_for(ConversationState, globex.recruiter)
    other.app_id = app.id
    assert "not" in rendered(call(other, ConversationState.load_conversation)) and other.thread == []
    assert "not found" in rendered(call(other, ConversationState.cancel_email, held.id)).lower()
    other.draft_subject, other.draft_body = "Hi", "Hi"
    _send(other)
    assert "not found" in other.compose_error.lower()
    assert "not found" in rendered(call(other, ConversationState.download_file, 1)).lower()
    # Forged arguments: not an id, a template of another company.
    mine = _opened(acme.recruiter, app.id)
    assert "id" in rendered(call(mine, ConversationState.cancel_email, "1 OR 1=1")).lower()
    call(mine, ConversationState.pick_template, "../../etc")
    assert mine.template_value == "blank"
    mine.template_value, mine.draft_subject, mine.draft_body = "999999", "S", "B"
    _send(mine)
    assert "not found" in mine.compose_error.lower()
    assert [r.state for r in conv.conversation(db, acme.recruiter, app.id) if r.id == held.id] == ["held"]


def test_a_reply_is_new_once_and_attachments_are_checked(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    with db.session(write=True) as s:
        token = reply_address.token_for(s, app.id)
    inbound.receive(
        db,
        f"From: cand@example.com\r\nTo: reply+{token}@r.test\r\nMessage-ID: <r1@x>\r\n\r\nHi!\r\n".encode(),
        "r.test",
    )
    st = _opened(acme.recruiter, app.id)
    assert st.unread_count == 1 and st.thread[0].unread
    again = _opened(acme.recruiter, app.id)
    assert again.unread_count == 0 and not again.thread[0].unread

    class Upload:
        def __init__(self, name, data):
            self.name, self._data = name, data

        async def read(self, n=-1):
            return self._data

    call(st, ConversationState.attach, [Upload("run.exe", b"MZ\x90\x00")])
    assert "PDF" in st.compose_error and st.attached == []
    call(st, ConversationState.attach, [Upload("notes.txt", b"plain words")])
    assert st.attached == ["notes.txt"] and st.compose_error == ""
    call(st, ConversationState.remove_attachment, "notes.txt")
    assert st.attached == []


def test_the_boards_email_action_writes_to_each_selected_candidate(db, acme, globex, monkeypatch):
    from flowtrack_ui.state import board, bulk
    from flowtrack_ui.state.board import BoardState

    from .conftest import make_candidate

    for module in (board, bulk):
        monkeypatch.setattr(module, "db", lambda: db)
    ids = [apply(db, make_candidate(db, f"e{i}@example.com", f"Eve {i}"), acme.job_id).id for i in range(2)]
    st = state_for(BoardState, acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    call(st, BoardState.refresh)
    call(st, BoardState.select_many, ids)
    call(st, BoardState.open_bulk_email)
    assert st.bulk_email_open and st.bulk_email_templates[0].id == "built-in"
    call(st, BoardState.bulk_email, {"template_id": "1 OR 1=1", "when": "0"})
    assert st.bulk_error == "Choose a template."
    call(st, BoardState.bulk_email, {"template_id": "built-in", "when": "-5"})
    assert st.bulk_error == "Choose when to send it."
    call(st, BoardState.bulk_email, {"template_id": "built-in", "when": "1440"})
    assert not st.bulk_email_open and "2 applications emailed (tomorrow)" in st.bulk_summary
    for app_id in ids:
        (held,) = [i for i in conv.conversation(db, acme.recruiter, app_id) if i.template_name == "Message"]
        assert held.state == "held"
    # The e key: the focused card's candidate when nothing is selected.
    st.selected = []
    call(st, BoardState.key_action, "email", ids[0])
    assert st.selected == [ids[0]] and st.bulk_email_open
    # A hiring manager's board cannot: the core refuses.
    hm = state_for(BoardState, acme.manager)
    hm.job_id, hm.selected = acme.job_id, ids
    assert "may not" in rendered(call(hm, BoardState.bulk_email, {"template_id": "built-in", "when": "0"}))
