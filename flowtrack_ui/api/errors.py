"""Map domain errors and bad requests to JSON ``{"detail": ...}`` with the right status, never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from flowtrack_ui.core.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidTransition,
    TooManyAttempts,
    Unauthenticated,
)

from .schemas import ErrorOut

log = logging.getLogger("flowtrack.api")


COMMON_ERRORS = {
    401: {"model": ErrorOut, "description": "No token, or a bad or expired one"},
    403: {"model": ErrorOut, "description": "Your role may not do this"},
    404: {"model": ErrorOut, "description": "Not found, or not yours"},
    422: {"model": ErrorOut, "description": "Malformed input"},
}


def errors(*codes: int) -> dict:
    """The documented error responses of a route."""
    table = dict(COMMON_ERRORS)
    table[409] = {"model": ErrorOut, "description": "Workflow or concurrency conflict"}
    table[413] = {"model": ErrorOut, "description": "Request body or file too large"}
    table[415] = {"model": ErrorOut, "description": "Not a kind of file accepted here"}
    table[429] = {
        "model": ErrorOut,
        "description": "Too many failed sign-ins for this email; see Retry-After",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
    }
    return {code: table[code] for code in codes}


def domain_error_response(exc: DomainError) -> JSONResponse:
    """A refusal of the core as the API answers it: its status and message, and for a refused or
    raced move the stages the caller needs to try again."""
    body: dict = {"detail": exc.message}
    headers = {}
    if isinstance(exc, InvalidTransition):
        body["allowed_stages"] = list(exc.allowed)
        body["current_stage"] = str(exc.current)
    if isinstance(exc, ConcurrentUpdate):
        body["current_stage"] = str(exc.current)
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def error_response(exc: Exception, method: str, path: str) -> JSONResponse:
    """What a route that raised ``exc`` answers (every route through ``install``, and the direct
    stage-move path in ``direct_moves``): never a trace."""
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    # Input the checks let through but Python or the database cannot hold: still the caller's
    # input, so a 4xx; logged, because the check belongs in the core (validation) or the body guard.
    if isinstance(exc, RecursionError):
        log.warning("nested too deeply: %s %s", method, path)
        return JSONResponse({"detail": "The request is nested too deeply."}, status_code=422)
    if isinstance(exc, OverflowError | DataError):
        log.warning("value out of range: %s %s: %s", method, path, str(exc)[:200])
        return JSONResponse({"detail": "A number or date in the request is out of range."}, status_code=422)
    log.exception("unhandled error", exc_info=exc)
    return JSONResponse({"detail": "Internal server error."}, status_code=500)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError):
        return domain_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append({"field": loc, "message": err.get("msg", "invalid")})
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:  # an unparseable body: malformed input like any other
            return JSONResponse({"detail": f"Malformed request: {exc.detail}"}, status_code=422)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RecursionError)
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    @app.exception_handler(Exception)
    async def other_error(request: Request, exc: Exception):
        return error_response(exc, request.method, request.url.path)
