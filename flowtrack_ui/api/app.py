"""The FastAPI app mounted on the Reflex backend (``api_transformer``): /api, /api/docs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from flowtrack_ui.core.db import Database, default_database

from . import applications, auth, errors, jobs
from .deps import Db
from .schemas import HealthOut


def create_api(db_provider: Callable[[], Database] = default_database) -> FastAPI:
    api = FastAPI(
        title="FlowTrack API",
        version="1.0",
        description=(
            "Applicant tracking: jobs, applications moving through Applied → Screening → "
            "Interview → Offer → Hired (or Rejected), and their history. Authenticate with "
            "POST /api/auth/login and send `Authorization: Bearer <token>`."
        ),
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    api.state.db_provider = db_provider
    errors.install(api)
    for module in (auth, jobs, applications):
        api.include_router(module.router)

    @api.get(
        "/api/health",
        response_model=HealthOut,
        tags=["health"],
        responses={503: {"model": HealthOut, "description": "The database is unreachable"}},
    )
    def health(db: Db):
        try:
            with db.session() as s:
                s.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return HealthOut(status="ok", database="ok")

    @api.middleware("http")
    async def json_not_found(request: Request, call_next):
        """Unmatched /api paths answer JSON, never the frontend's HTML 404 page."""
        response = await call_next(request)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        if request.url.path.startswith("/api/") and response.status_code == 404 and not is_json:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return response

    return api
