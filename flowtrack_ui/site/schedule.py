"""The candidate's self-scheduling page, ``/schedule/{token}``: the free times of the whole panel,
grouped by day in the candidate's time zone, as a plain HTML form (it works without JavaScript;
a small script picks the browser's zone once), and forms to move or cancel a booking.

Rendered by the server like the careers site, in the company's colours; every rule is in
``core/scheduling/links.py``. The page shows only the times, the job's title, the company and the
interviewers' first names. A slot taken meanwhile comes back as the page (409) with fresh times.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.careers import site
from flowtrack_ui.core.errors import DomainError, NotFound
from flowtrack_ui.core.scheduling import links

from . import pages, render

router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 4


def _zone(raw: object) -> str:
    return str(raw) if time_zones.is_zone(raw) else time_zones.UTC_NAME


def _days(page: links.LinkPage, zone: str) -> list[tuple[str, list[dict[str, str]]]]:
    """The slots by local day: ("Monday 7 December", [{value, label}, …])."""
    tz = ZoneInfo(zone)
    local = [(s.start.astimezone(tz), s.end.astimezone(tz), s.start) for s in page.slots]
    out = []
    for day, items in groupby(local, key=lambda x: x[0].date()):
        slots = [{"value": utc.isoformat(), "label": f"{a:%H:%M}–{b:%H:%M}"} for a, b, utc in items]
        out.append((f"{day:%A} {day.day} {day:%B}", slots))
    return out


def _when(value: datetime | None, zone: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({zone})"


async def _render(
    request: Request,
    token: str,
    zone: str,
    *,
    error: str = "",
    page: links.LinkPage | None = None,
    status_code: int = 200,
) -> Response:
    db = pages.database(request)
    try:
        if page is None:
            page = await run_in_threadpool(links.view, db, token)
    except DomainError as exc:
        title = "Link not found" if isinstance(exc, NotFound) else "Link expired"
        answer = render.html(
            request,
            "offer_gone.html",
            {"message": exc.message, "title": title},
            status_code=exc.status_code,
            cache="no-store",
        )
        answer.headers["Referrer-Policy"] = "no-referrer"
        return answer
    try:
        company = site.company_site(db, page.company_slug)
    except DomainError:
        company = None
    answer = render.html(
        request,
        "schedule.html",
        {
            "page": page,
            "zone": zone,
            "zones": time_zones.zone_names(),
            "days": _days(page, zone),
            "booked": _when(page.booked_start, zone),
            "change_until": _when(page.change_until, zone),
            "error": error,
            "action": f"/schedule/{token}",
        },
        company=company,
        status_code=status_code,
        cache="no-store",
    )
    answer.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    answer.headers["X-Robots-Tag"] = "noindex"
    return answer


@router.api_route("/schedule/{token}", methods=["GET", "HEAD"])
async def schedule_page(request: Request, token: str) -> Response:
    return await _render(request, token, _zone(request.query_params.get("tz")))


async def _fields(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        return {k: v for k, v in form.items() if isinstance(v, str)}


def _back(token: str, zone: str) -> RedirectResponse:
    return RedirectResponse(f"/schedule/{token}?tz={zone}", status_code=303)


@router.post("/schedule/{token}/book")
async def book(request: Request, token: str) -> Response:
    sent = await _fields(request)
    zone = _zone(sent.get("tz"))
    if not sent.get("start"):
        return await _render(request, token, zone, error="Choose a time first.", status_code=422)
    try:
        await run_in_threadpool(links.book, pages.database(request), token, sent.get("start"), zone)
    except links.SlotTaken as exc:
        fresh = await run_in_threadpool(links.view, pages.database(request), token)
        return await _render(request, token, zone, error=exc.message, page=fresh, status_code=409)
    except DomainError as exc:
        return await _render(request, token, zone, error=exc.message, status_code=exc.status_code)
    return _back(token, zone)


@router.post("/schedule/{token}/cancel")
async def cancel(request: Request, token: str) -> Response:
    sent = await _fields(request)
    zone = _zone(sent.get("tz"))
    try:
        await run_in_threadpool(links.cancel, pages.database(request), token)
    except DomainError as exc:
        return await _render(request, token, zone, error=exc.message, status_code=exc.status_code)
    return _back(token, zone)
