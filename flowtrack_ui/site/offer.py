"""The candidate's offer page, ``/offer/{token}``: the letter in the page and as its PDF, and two
plain HTML forms (accept with a typed signature and consent; decline with an optional reason).

Rendered by the server like the careers site (no app bundle, works without JavaScript, the
company's colours and logo); every rule is in ``core/offers/responses.py``. A form that is
refused comes back as the page with its message; a taken one answers 303 to the page, which then
shows the outcome. The client address is read by the API's rule for forwarded addresses.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flowtrack_ui.api.deps import client_address
from flowtrack_ui.core.careers import site
from flowtrack_ui.core.errors import DomainError, NotFound
from flowtrack_ui.core.offers import responses

from . import pages, render

router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 5


def _page(
    request: Request,
    token: str,
    *,
    error: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    db = pages.database(request)
    try:
        offer = responses.open_link(db, token)
    except DomainError as exc:
        return render.html(
            request,
            "offer_gone.html",
            {
                "message": exc.message,
                "title": "Offer not found" if isinstance(exc, NotFound) else "Offer closed",
            },
            status_code=exc.status_code,
            cache="no-store",
        )
    try:
        company = site.company_site(db, offer.company_slug)
    except DomainError:
        company = None
    answer = render.html(
        request,
        "offer.html",
        {
            "offer": offer,
            "error": error,
            "form": form or {},
            "pdf_url": f"/offer/{token}/letter.pdf",
            "signed_url": f"/offer/{token}/signed.pdf",
            "action": f"/offer/{token}",
        },
        company=company,
        status_code=status_code,
        cache="no-store",
    )
    answer.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    answer.headers["X-Robots-Tag"] = "noindex"
    return answer


@router.api_route("/offer/{token}", methods=["GET", "HEAD"])
def offer_page(request: Request, token: str) -> Response:
    return _page(request, token)


def _pdf(named: tuple[str, bytes]) -> Response:
    name, data = named
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/offer/{token}/letter.pdf")
def offer_letter(request: Request, token: str) -> Response:
    """The PDF exactly as sent: what the acceptance's SHA-256 covers."""
    try:
        return _pdf(responses.link_pdf(pages.database(request), token))
    except DomainError:
        return _page(request, token, status_code=404)


@router.get("/offer/{token}/signed.pdf")
def signed_letter(request: Request, token: str) -> Response:
    try:
        return _pdf(responses.signed_link_pdf(pages.database(request), token))
    except DomainError:
        return _page(request, token, status_code=404)


async def _fields(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/offer/{token}/accept")
async def accept(request: Request, token: str) -> Response:
    sent = await _fields(request)
    try:
        await run_in_threadpool(
            responses.accept,
            pages.database(request),
            token,
            sent.get("signature_name", ""),
            sent.get("consent") == "yes",
            ip=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except DomainError as exc:
        return _page(request, token, error=exc.message, form=sent, status_code=exc.status_code)
    return RedirectResponse(f"/offer/{token}", status_code=303)


@router.post("/offer/{token}/decline")
async def decline(request: Request, token: str) -> Response:
    sent = await _fields(request)
    try:
        await run_in_threadpool(responses.decline, pages.database(request), token, sent.get("reason", ""))
    except DomainError as exc:
        return _page(request, token, error=exc.message, form=sent, status_code=exc.status_code)
    return RedirectResponse(f"/offer/{token}", status_code=303)
