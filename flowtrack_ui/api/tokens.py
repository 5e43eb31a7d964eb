"""/api/me/tokens, /api/me/2fa and /api/auth/login/2fa: a person's own credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from flowtrack_ui.core.accounts import api_tokens, two_factor

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import FromView, TokenOut

router = APIRouter(prefix="/api", tags=["me"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, description="What uses it, to recognise it later")
    scopes: list[Literal["read", "write"]] = Field(min_length=1, max_length=2)
    expires_in_days: int | None = Field(default=90, ge=1, le=api_tokens.MAX_DAYS, description="null: never")


class TokenRowOut(FromView):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenRowOut):
    token: str = Field(description="Shown this once: send it as Authorization: Bearer <token>")


class SetupOut(FromView):
    secret: str
    otpauth_uri: str


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)


class DisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=128)
    code: str = Field(min_length=1, max_length=40, description="A current code or a recovery code")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Ten single-use codes, shown this once")


class TwoFactorStatusOut(FromView):
    enabled: bool
    enabled_at: datetime | None
    recovery_codes_left: int
    required_by_company: bool


class SecondStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    challenge_token: str = Field(min_length=10, max_length=4096)
    code: str = Field(min_length=1, max_length=40, description="A current code or a recovery code (once)")


@router.get("/me/tokens", response_model=list[TokenRowOut], responses=errors(401, 403))
def list_tokens(caller: Caller, db: Db) -> list[TokenRowOut]:
    """Your tokens that still work (never the token itself: it is shown once)."""
    return [TokenRowOut.model_validate(t) for t in api_tokens.mine(db, caller)]


@router.post(
    "/me/tokens",
    response_model=NewTokenOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 422),
)
def create_token(body: TokenIn, caller: Caller, db: Db, client: ClientAddress) -> NewTokenOut:
    """A personal token acting as you, with your role and never more; ``read`` only reads."""
    new = api_tokens.create(db, caller, body.name, list(body.scopes), body.expires_in_days, client)
    return NewTokenOut.model_validate({**new.row.__dict__, "token": new.token})


@router.delete(
    "/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404, 422)
)
def revoke_token(token_id: Id, caller: Caller, db: Db, client: ClientAddress) -> Response:
    """The token stops at once."""
    api_tokens.revoke(db, caller, token_id, client)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/2fa", response_model=TwoFactorStatusOut, responses=errors(401, 403))
def two_factor_status(caller: Caller, db: Db) -> TwoFactorStatusOut:
    return TwoFactorStatusOut.model_validate(two_factor.status(db, caller))


@router.post("/me/2fa/setup", response_model=SetupOut, responses=errors(401, 403, 409))
def setup_two_factor(caller: Caller, db: Db) -> SetupOut:
    """A new secret for your authenticator app (as an ``otpauth://`` URI too); confirm it with enable."""
    return SetupOut.model_validate(two_factor.start_enrolment(db, caller))


@router.post("/me/2fa/enable", response_model=RecoveryCodesOut, responses=errors(401, 403, 409, 422, 429))
def enable_two_factor(body: CodeIn, caller: Caller, db: Db, client: ClientAddress) -> RecoveryCodesOut:
    """The code your app shows turns two-factor sign-in on; the recovery codes are shown once."""
    return RecoveryCodesOut(recovery_codes=two_factor.confirm_enrolment(db, caller, body.code, client))


@router.post(
    "/me/2fa/disable",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 409, 422, 429),
)
def disable_two_factor(body: DisableIn, caller: Caller, db: Db, client: ClientAddress) -> Response:
    """Your password and a code; 409 while your company requires two-factor sign-in."""
    two_factor.disable(db, caller, body.password, body.code, client)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/login/2fa", response_model=TokenOut, responses=errors(401, 422, 429), tags=["auth"])
def login_second_step(body: SecondStepIn, db: Db, client: ClientAddress) -> TokenOut:
    """The second step of a sign-in that answered ``two_factor_required``: the challenge (5 minutes)
    and a code give the access token."""
    return TokenOut(access_token=two_factor.finish_sign_in(db, body.challenge_token, body.code, client))
