"""The FastAPI app mounted on the Reflex backend (``api_transformer``): /api, /api/docs."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flowtrack_ui.core.db import Database, default_database
from flowtrack_ui.core.settings import PROJECT_ROOT
from flowtrack_ui.site import apply as careers_apply
from flowtrack_ui.site import offer as offer_page
from flowtrack_ui.site import routes as careers_site
from flowtrack_ui.site import schedule as schedule_page

from . import (
    analytics,
    applications,
    auth,
    bulk,
    collaboration,
    company,
    conversation,
    email_templates,
    errors,
    jobs,
    me,
    offers,
    pipelines,
    profile,
    rejections,
    scheduling,
    sso,
    talent,
    team,
    tokens,
    webhooks,
)
from .deps import Db
from .hardening import Hardening
from .schemas import HealthOut

NOT_FOUND_BODY = json.dumps({"detail": "Not found."}).encode()


class JsonNotFound:
    """Unmatched /api paths answer JSON, never the frontend's HTML 404 page.

    Plain ASGI rather than ``@app.middleware("http")``: that wrapper costs about half a
    millisecond on every request.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_json_404(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 404:
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                if not content_type.startswith(b"application/json"):
                    replaced = True
                    headers = [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(NOT_FOUND_BODY)).encode()),
                    ]
                    await send({"type": "http.response.start", "status": 404, "headers": headers})
                    await send({"type": "http.response.body", "body": NOT_FOUND_BODY})
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, send_json_404)


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)


class UnroutablePaths:
    """Answers a path holding a line feed (``%0A``) with the 404 any unknown path gets.

    Reflex's outermost router mounts the backend with Starlette's ``Mount("")``, whose pattern's
    ``.`` stops at a line feed: such a path got a bare text 404 before any of our layers, without
    the security headers and, under /api, not the JSON every API answer is. No route takes such a
    path, so it is answered here, through ``Hardening`` and ``JsonNotFound`` like the others.
    """

    def __init__(self, app: ASGIApp, https: bool = False):
        self.app = app
        self.refuse = Hardening(JsonNotFound(_not_found), https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "\n" in scope["path"]:
            await self.refuse(scope, receive, send)
            return
        await self.app(scope, receive, send)


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
        docs_url=None,  # served below from local files: /api/docs works offline, no CDN
        redoc_url=None,
    )
    api.state.db_provider = db_provider
    errors.install(api)
    api.include_router(bulk.router)  # POST /api/applications/bulk before /api/applications/{id}
    for module in (auth, jobs, applications, profile, me, collaboration, pipelines, analytics, talent):
        api.include_router(module.router)
    api.include_router(company.router)
    api.include_router(rejections.router)
    api.include_router(email_templates.router)
    api.include_router(offers.router)
    api.include_router(conversation.router)
    api.include_router(team.router)
    api.include_router(webhooks.router)
    api.include_router(sso.router)
    api.include_router(sso.exchange_router)
    api.include_router(sso.browser_router)  # /sso/{slug}: the browser's single sign-on, before Reflex
    api.include_router(tokens.router)
    api.include_router(scheduling.router)  # /api/scheduling/slots before /api/scheduling/{token}
    api.include_router(offer_page.router)  # the candidate's offer page, /offer/{token}
    api.include_router(schedule_page.router)  # the candidate's self-scheduling page, /schedule/{token}
    api.include_router(careers_apply.router)  # the job page's apply form (before the site's catch-all)
    api.include_router(careers_site.router)  # the careers site's HTML and XML, before Reflex's pages

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

    add_local_docs(api)
    api.add_middleware(JsonNotFound)
    return api


# Swagger UI's files, from the pinned npm package swagger-ui-dist (`make setup` installs it);
# served by name, nothing else.
SWAGGER_UI_DIR = PROJECT_ROOT / ".tools" / "swagger-ui" / "node_modules" / "swagger-ui-dist"
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


def add_local_docs(api: FastAPI) -> None:
    @api.get("/api/docs", include_in_schema=False)
    def docs() -> Response:
        if not (SWAGGER_UI_DIR / "swagger-ui-bundle.js").exists():
            return JSONResponse(
                {
                    "detail": "Swagger UI is not installed here: run `make setup`. "
                    "The schema is at /api/openapi.json."
                },
                status_code=503,
            )
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="FlowTrack API",
            swagger_js_url="/api/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/assets/swagger-ui.css",
            swagger_favicon_url="/api/docs/assets/favicon-32x32.png",
        )

    @api.get("/api/docs/assets/{name}", include_in_schema=False)
    def docs_asset(name: str):
        if name not in DOCS_ASSETS:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return FileResponse(
            SWAGGER_UI_DIR / name,
            media_type=DOCS_ASSETS[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )
