"""Single sign-on over HTTP: the company's provider settings (``/api/company/sso``, recruiters),
the browser flow (``/sso/{slug}`` → the provider → ``/sso/{slug}/callback``) and the exchange of
the one-time code for a session token (``/api/auth/sso/exchange``).

The callback never puts a session token in a URL: it sends the browser to the ``/sso-complete``
page with a single-use code that lives two minutes, which the page exchanges; a refusal goes
there as a reason's name (``sso.REFUSALS``), never as free text."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from flowtrack_ui.core.accounts import sso
from flowtrack_ui.core.errors import DomainError, NotFound
from flowtrack_ui.core.settings import get_settings

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import FromView, TokenOut

router = APIRouter(prefix="/api/company/sso", tags=["single sign-on"])
exchange_router = APIRouter(prefix="/api/auth/sso", tags=["single sign-on"])
browser_router = APIRouter(include_in_schema=False)

COMPLETE_PAGE = "/sso-complete"


class SsoConfigIn(BaseModel):
    issuer_url: str = Field(max_length=500, description="The issuer, or its discovery document's URL")
    client_id: str = Field(max_length=300)
    client_secret: str | None = Field(
        default=None, max_length=1000, description="Write-only; leave out to keep the stored one"
    )
    domains: list[str] = Field(min_length=1, max_length=sso.MAX_DOMAINS, description="Staff email domains")
    allow_domain_join: bool = Field(
        default=False, description="People of these domains without an invitation join as hiring managers"
    )
    sso_only: bool = Field(default=False, description="Staff may not sign in with a password")


class SsoConfigOut(FromView):
    company_slug: str
    issuer_url: str
    client_id: str
    domains: list[str]
    allow_domain_join: bool
    sso_only: bool
    has_secret: bool
    updated_at: datetime
    start_url: str = Field(default="", description="Where staff start signing in")
    redirect_uri: str = Field(default="", description="The callback to register with the provider")


class ExchangeIn(BaseModel):
    code: str = Field(max_length=100)


def _out(view: sso.SsoConfigView) -> SsoConfigOut:
    base = get_settings().public_url
    out = SsoConfigOut.model_validate(view)
    out.start_url = f"{base}/sso/{view.company_slug}"
    out.redirect_uri = _redirect_uri(view.company_slug)
    return out


def _redirect_uri(slug: str) -> str:
    return f"{get_settings().public_url}/sso/{quote(slug, safe='')}/callback"


@router.get("", response_model=SsoConfigOut, responses=errors(401, 403, 404))
def get_sso(caller: Caller, db: Db) -> SsoConfigOut:
    """Recruiters: the company's provider settings (never the secret); 404 when there are none."""
    view = sso.get_config(db, caller)
    if view is None:
        raise NotFound("This company has no single sign-on.")
    return _out(view)


@router.put("", response_model=SsoConfigOut, responses=errors(401, 403, 422))
def put_sso(body: SsoConfigIn, caller: Caller, db: Db, client: ClientAddress) -> SsoConfigOut:
    """Recruiters: set the provider. 422 when its discovery document does not answer, a domain is
    not a domain, or "SSO only" would lock the caller out."""
    return _out(sso.set_config(db, caller, body.model_dump(), client))


@router.delete("", status_code=204, responses=errors(401, 403, 404))
def delete_sso(caller: Caller, db: Db, client: ClientAddress) -> None:
    """Recruiters: turn single sign-on off."""
    sso.remove_config(db, caller, client)


@exchange_router.post("/exchange", response_model=TokenOut, responses=errors(401, 422))
def exchange(body: ExchangeIn, db: Db) -> TokenOut:
    """The one-time code of a finished single sign-on → a session token, once, within two minutes."""
    token, _ = sso.exchange(db, body.code)
    return TokenOut(access_token=token)


def _to_page(**params: str) -> RedirectResponse:
    response = RedirectResponse(f"{COMPLETE_PAGE}?{urlencode(params)}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@browser_router.get("/sso/{slug}")
def start(slug: str, db: Db, next: str | None = None) -> RedirectResponse:
    """Send the browser to the company's provider; the state waits in a cookie for the callback."""
    try:
        started = sso.begin(db, slug, _redirect_uri(slug), next)
    except sso.SsoRefused as exc:
        return _to_page(error=exc.reason)
    except DomainError:
        return _to_page(error="provider")
    response = RedirectResponse(started.authorization_url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        sso.STATE_COOKIE,
        started.state,
        max_age=int(sso.LOGIN_TTL.total_seconds()),
        path="/sso/",
        httponly=True,
        secure=get_settings().public_url.startswith("https://"),
        samesite="lax",
    )
    return response


@browser_router.get("/sso/{slug}/callback")
def callback(
    slug: str,
    request: Request,
    db: Db,
    state: str = "",
    code: str | None = None,
    error: str | None = None,
) -> RedirectResponse:
    """The provider's answer: checked (``sso.finish``), then the one-time code to the sign-in page."""
    try:
        done = sso.finish(
            db,
            slug,
            state[:200],
            request.cookies.get(sso.STATE_COOKIE),
            code,
            _redirect_uri(slug),
            error=error,
        )
    except sso.SsoRefused as exc:
        response = _to_page(error=exc.reason)
    except DomainError:
        response = _to_page(error="provider")
    else:
        response = _to_page(code=done.code)
    if state and state == request.cookies.get(sso.STATE_COOKIE):  # used up now, whatever came of it
        response.delete_cookie(sso.STATE_COOKIE, path="/sso/")
    return response
