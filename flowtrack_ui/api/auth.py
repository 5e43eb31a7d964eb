"""/api/auth, /api/companies and /api/invitations: how accounts are made and used."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, BackgroundTasks, Path, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from flowtrack_ui.core.accounts import (
    email_ownership,
    invitations,
    password_reset,
    sign_in,
    sign_up,
    two_factor,
)
from flowtrack_ui.core.errors import InvalidInput
from flowtrack_ui.core.notifications import invitation_link
from flowtrack_ui.core.permissions import Role

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import (
    AcceptedOut,
    AcceptIn,
    CompanyIn,
    ConfirmedOut,
    InvitationIn,
    InvitationOut,
    LoginForm,
    LoginJSON,
    PasswordIn,
    PasswordResetIn,
    PasswordResetRequestIn,
    RegisterIn,
    TokenOut,
    UserOut,
)

router = APIRouter(prefix="/api", tags=["auth"])

# The token of an emailed link (invitation, password reset, confirmation): URL-safe base64, as issued.
LinkToken = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{10,200}$")]


CLAIM_ACCEPTED = (
    "Check your email: the account is made when you confirm the address with the link we sent. "
    "The link works once, within 24 hours."
)


@router.post(
    "/auth/register",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        202: {"model": AcceptedOut, "description": "Check your email: the link makes the account"},
        **errors(403, 409, 422),
    },
    summary="Sign up as a candidate",
)
def register(body: RegisterIn, db: Db) -> UserOut | JSONResponse:
    """Public sign-up creates candidates only; staff come from company sign-up or invitations.

    201 with the account, whose address is then confirmed by the emailed link (POST
    /api/auth/verify/{token}). 409 when a confirmed account has the email. When an account that
    never confirmed the email holds it, nothing is made yet: 202 ``{"detail": "Check your email…"}``
    and a link goes to the address; using it erases that unconfirmed account and makes this one,
    confirmed. So an unconfirmed account never blocks the address's owner, and signing up cannot
    wipe an owner who has not clicked yet.
    """
    result = sign_up.register(db, body.email, body.password, body.full_name, body.role)
    if result.user is None:
        return JSONResponse({"detail": CLAIM_ACCEPTED}, status_code=status.HTTP_202_ACCEPTED)
    return UserOut.model_validate(result.user)


_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": LoginForm.model_json_schema()},
            "application/json": {"schema": LoginJSON.model_json_schema()},
        },
    }
}


@router.post(
    "/auth/login",
    response_model=TokenOut,
    responses=errors(401, 422, 429),
    openapi_extra=_LOGIN_BODY,
    summary="Sign in",
)
async def login(request: Request, db: Db, client: ClientAddress) -> TokenOut | JSONResponse:
    """OAuth2 password form (``username``, ``password``) or JSON ``{email, password}``.

    An account with two-factor sign-in answers ``{two_factor_required: true, challenge_token}``
    instead: send the challenge and a code to POST /api/auth/login/2fa.
    """
    raw = await request.body()
    if len(raw) > 16_384:
        raise InvalidInput("Request body is too large.")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if ctype == "application/json":
            data = json.loads(raw or b"null")
            if not isinstance(data, dict):
                raise InvalidInput("Send a JSON object with email and password.")
            creds = LoginJSON.model_validate(data)
            email, password = creds.email, creds.password
        elif ctype == "application/x-www-form-urlencoded":
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
            creds_f = LoginForm.model_validate(form)
            email, password = creds_f.username, creds_f.password
        else:
            raise InvalidInput(
                "Send credentials as a form (username, password) or as JSON (email, password)."
            )
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput("Send email (or username) and password.") from None
    try:
        return TokenOut(access_token=sign_in.login(db, email, password, client))
    except two_factor.SecondFactorRequired as step:
        return JSONResponse(
            {"two_factor_required": True, "challenge_token": step.challenge_token, "detail": step.message}
        )


@router.get("/auth/me", response_model=UserOut, responses=errors(401))
def me(caller: Caller, db: Db) -> UserOut:
    return UserOut.model_validate(sign_in.me(db, caller))


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401),
    summary="Sign out everywhere",
)
def logout(caller: Caller, db: Db) -> Response:
    """Ends every token issued to the caller so far (this one included)."""
    sign_in.logout(db, caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/password",
    response_model=TokenOut,
    responses=errors(401, 422, 429),
    summary="Change your password",
)
def change_password(body: PasswordIn, caller: Caller, db: Db, client: ClientAddress) -> TokenOut:
    """Ends every earlier token and returns a fresh one for the caller."""
    return TokenOut(
        access_token=sign_in.change_password(db, caller, body.current_password, body.new_password, client)
    )


RESET_ACCEPTED = "If an account uses this email, a link to choose a new password is on its way."


@router.post(
    "/auth/password-reset",
    response_model=AcceptedOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(422),
    summary="Ask for a password reset link",
)
def request_password_reset(body: PasswordResetRequestIn, db: Db, tasks: BackgroundTasks) -> AcceptedOut:
    """Always the same answer, whether or not the email has an account (no enumeration).

    The work (look-up, token, email) runs after the answer is sent, so its time tells nothing.
    """
    tasks.add_task(password_reset.request_reset, db, body.email)
    return AcceptedOut(detail=RESET_ACCEPTED)


@router.post(
    "/auth/password-reset/{token}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(404, 409, 422),
    summary="Set a new password with a reset link",
)
def reset_password(token: LinkToken, body: PasswordResetIn, db: Db) -> Response:
    """The link works once, for one hour; every earlier token of the account ends."""
    password_reset.reset_password(db, token, body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/verify/{token}",
    response_model=ConfirmedOut,
    responses=errors(404, 409, 422),
    summary="Confirm an email address with its emailed link",
)
def confirm_email(token: LinkToken, db: Db) -> ConfirmedOut:
    """Anyone holding the link (it went to the address): the link works once, within 24 hours.

    A sign-up that waited for its link (see POST /api/auth/register) becomes its account here.
    """
    done = email_ownership.confirm(db, token)
    detail = (
        "Your email address is confirmed and your account is ready; sign in."
        if done.account_created
        else "Your email address is confirmed."
    )
    return ConfirmedOut(detail=detail, email=done.email, account_created=done.account_created)


@router.post(
    "/auth/link/{token}",
    response_model=TokenOut,
    responses=errors(404, 409, 422),
    summary="Sign in with the link emailed after applying",
)
def sign_in_with_link(token: LinkToken, db: Db) -> TokenOut:
    """The link emailed with an application sent without an account: an access token, once.

    Valid for 7 days; it also confirms the address. 404 for a link that is not one, 409 for one
    already used or expired (sign in with a password, or ask for one by "Forgot your password?"),
    422 for anything that cannot be a link's token.
    """
    return TokenOut(access_token=sign_in.sign_in_with_link(db, token))


@router.post(
    "/auth/verify",
    response_model=AcceptedOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(401, 409, 429),
    summary="Send a new confirmation link to your address",
)
def resend_confirmation(caller: Caller, db: Db) -> AcceptedOut:
    """For the signed-in caller; 409 once the address is confirmed, 429 after three links in an hour."""
    email_ownership.resend_link(db, caller)
    return AcceptedOut(detail=f"A new confirmation link is on its way to {caller.email}.")


@router.post(
    "/companies",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        202: {"model": AcceptedOut, "description": "Check your email: the link makes the company"},
        **errors(409, 422),
    },
    tags=["companies"],
    summary="Company sign-up",
)
def create_company(body: CompanyIn, db: Db) -> UserOut | JSONResponse:
    """Creates the company and its first recruiter, whose address the emailed link confirms.

    As for a candidate's sign-up: 409 when a confirmed account has the email; 202 when an account
    that never confirmed it holds it, and then the link makes the company and the recruiter.
    """
    result = sign_up.register_company(
        db, body.company_name, body.email, body.password, body.full_name, company_slug=body.company_slug
    )
    if result.user is None:
        return JSONResponse({"detail": CLAIM_ACCEPTED}, status_code=status.HTTP_202_ACCEPTED)
    return UserOut.model_validate(result.user)


@router.post(
    "/invitations",
    response_model=InvitationOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 409, 422),
    tags=["invitations"],
    summary="Invite a recruiter or hiring manager",
)
def invite(body: InvitationIn, caller: Caller, db: Db) -> InvitationOut:
    inv = invitations.invite_staff(db, caller, body.email, body.role)
    return InvitationOut(
        token=inv.token,
        accept_url=invitation_link(inv.token),
        expires_at=inv.expires_at,
        email=inv.email,
        role=Role(inv.role),
    )


@router.post(
    "/invitations/{token}/accept",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404, 409, 422),
    tags=["invitations"],
    summary="Accept an invitation",
)
def accept(token: LinkToken, body: AcceptIn, db: Db) -> UserOut:
    """The link proves the address: the staff account is confirmed. An account that never
    confirmed the address is erased (its applications stay, anonymous); a confirmed one is 409."""
    return UserOut.model_validate(invitations.accept_invitation(db, token, body.password, body.full_name))
