"""Schema-driven fuzzing of the REST API with schemathesis: no 5xx, responses match the schema."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.schema import upgrade
from flowtrack_ui.demo import seed as demo

_DIR = tempfile.mkdtemp(prefix="flowtrack-fuzz-")
_DB = Database(f"sqlite:///{os.path.join(_DIR, 'fuzz.db')}")
upgrade(_DB.url)
demo.seed(_DB)
_APP = create_api(lambda: _DB)
_TOKEN = sign_in.login(_DB, demo.DEMO_LOGINS["recruiter"], demo.DEMO_PASSWORD)

# The domain validates more strictly than the schema says (e.g. blank names), answering 422;
# that is intended, so the checks are: no 5xx, and every response as documented.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_asgi("/api/openapi.json", _APP)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    _DB.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_schema(case):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {_TOKEN}"}
    case.call_and_validate(checks=CHECKS)
