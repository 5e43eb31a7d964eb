"""Reflex's upload endpoint, POST /_upload, on the running app: what it cannot serve is a JSON 4xx.

The endpoint belongs to Reflex's own backend app, so it is tested as `make run` serves it (the
REST API's tests are in test_security_inputs). A browser names the handler in a header and may
name any handler, with any client token, and any form fields.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from flowtrack_ui.state.account import AccountState
from flowtrack_ui.state.profile import ProfileState

from .e2e_server import running_app
from .socket_client import signed_in_socket

pytestmark = pytest.mark.e2e

UPLOAD = f"{ProfileState.get_full_name()}.upload_resume"
NO_FILES = f"{AccountState.get_full_name()}.set_erase_open"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def api():
    with running_app("flowtrack-e2e-inputs-") as srv:
        with httpx.Client(base_url=srv.url, timeout=30) as client:
            yield client
        assert "Traceback" not in srv.log(), srv.log()[-3000:]


def upload(api, handler: str | None, token: str | None = None, files=None, data=None) -> httpx.Response:
    headers = {}
    if handler is not None:
        headers["reflex-event-handler"] = handler
    if token is not False:
        headers["reflex-client-token"] = token or str(uuid.uuid4())
    if files is None and data is None:
        files = {"files": ("cv.pdf", PDF, "application/pdf")}
    return api.post("/_upload", headers=headers, files=files, data=data)


def refused(r: httpx.Response, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.text
    assert words in r.json()["detail"], r.json()
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_handler_that_takes_no_files_is_400(api):
    refused(upload(api, NO_FILES), 400, "list[rx.UploadFile]")


def test_an_unknown_handler_is_400(api):
    for name in (f"{ProfileState.get_full_name()}.no_such_handler", "x" * 5000):
        refused(upload(api, name), 400, "Unknown upload event handler")


def test_missing_or_malformed_headers_are_400(api):
    refused(upload(api, None), 400, "Missing reflex-client-token or reflex-event-handler")
    refused(upload(api, UPLOAD, token=False), 400, "Missing reflex-client-token or reflex-event-handler")
    # Any other token is a tab the server has not seen: a fresh, signed-out state answers.
    for token in (b"../../etc/passwd", b"_" * 300, "\u00e9t\u00e9".encode()):
        r = api.post(
            "/_upload",
            headers={"reflex-event-handler": UPLOAD, "reflex-client-token": token},
            files={"files": ("cv.pdf", PDF, "application/pdf")},
        )
        assert r.status_code < 500, (token, r.status_code, r.text)


def test_a_files_field_holding_text_is_400(api):
    refused(upload(api, UPLOAD, data={"files": "not a file"}), 400, "not an UploadFile")


def test_deeply_nested_event_arguments_are_422(api):
    nested = "[" * 5000 + "]" * 5000
    r = upload(
        api,
        UPLOAD,
        files={"files": ("cv.pdf", PDF, "application/pdf")},
        data={"__reflex_event_args": json.dumps({"a": 1})[:-1] + ', "b": ' + nested + "}"},
    )
    refused(r, 422, "nest too deeply")


def test_no_files_reaches_the_handler_which_says_so(api):
    """From a signed-in candidate's open tab (an upload acts only while its tab's socket is open)."""
    email = "nofiles@example.com"
    body = {"email": email, "password": "correct horse battery", "full_name": "No Files"}
    r = api.post("/api/auth/register", json=body)
    assert r.status_code == 201, r.text
    tab = signed_in_socket(str(api.base_url).rstrip("/"), email, "correct horse battery")
    try:
        r = upload(api, UPLOAD, token=tab.client_token, data={"other": "x"})
        assert r.status_code == 200, r.text
        assert "Choose a PDF or Word" in r.text
    finally:
        tab.close()
