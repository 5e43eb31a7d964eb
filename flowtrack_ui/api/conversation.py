"""/api/applications/{id}/emails, /api/emails/{id}/…, /api/applications/{id}/conversation and
/api/inbound/unmatched: the conversation with a candidate (staff read, recruiters write)."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from flowtrack_ui.core.errors import InvalidInput, TooLarge
from flowtrack_ui.core.mail import conversation as conv
from flowtrack_ui.core.mail import render

from .deps import Caller, Db
from .errors import errors
from .files import file_response
from .schemas import FromView

router = APIRouter(tags=["conversation"])


class AttachmentOut(FromView):
    file_id: int
    name: str
    size: int
    content_type: str


class EmailOut(BaseModel):
    id: int
    state: str = Field(description="held, queued (being sent), sent, failed or cancelled")
    held_until: datetime | None = Field(description="When a held email goes, unless cancelled")
    subject: str
    body: str
    to: str
    author: str = Field(description="The recruiter who wrote it, or FlowTrack for its own emails")
    template_name: str
    at: datetime
    can_cancel: bool
    can_send_now: bool
    error: str
    attachments: list[AttachmentOut]


class ConversationOut(BaseModel):
    direction: str = Field(description="out: an email to the candidate; in: what came back")
    kind: str = Field(description="email, reply, bounce or auto_reply")
    id: int
    at: datetime
    state: str
    held_until: datetime | None
    subject: str
    body: str
    address: str = Field(description="Who it went to (out) or came from (in)")
    author: str
    template_name: str
    unread: bool
    attachments: list[AttachmentOut]


class UnmatchedOut(FromView):
    id: int
    kind: str
    from_address: str
    from_name: str
    subject: str
    body: str
    token: str
    received_at: datetime


def _email(i: conv.ConversationItem) -> EmailOut:
    return EmailOut(
        id=i.id,
        state=i.state,
        held_until=i.held_until,
        subject=i.subject,
        body=i.body,
        to=i.address,
        author=i.author,
        template_name=i.template_name,
        at=i.at,
        can_cancel=i.can_cancel,
        can_send_now=i.can_send_now,
        error=i.error,
        attachments=[AttachmentOut.model_validate(a) for a in i.attachments],
    )


_COMPOSE_FIELDS = {
    "template_id": {
        "type": ["integer", "string", "null"],
        "description": "A company template, or 'built-in'",
    },
    "subject": {"type": "string", "maxLength": render.MAX_SUBJECT},
    "body": {"type": "string", "maxLength": render.MAX_BODY},
    "send_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "When to send (with its offset); now when left out",
    },
}
_COMPOSE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": ["subject", "body"], "properties": _COMPOSE_FIELDS}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["subject", "body"],
                    "properties": {
                        **_COMPOSE_FIELDS,
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    }
}
# What a multipart request may carry at most: the attachments' limit and the text fields.
_MAX_FORM_BYTES = conv.MAX_ATTACHMENTS_TOTAL + 256 * 1024


async def _compose_input(request: Request) -> tuple[dict[str, object], list[conv.Upload]]:
    """JSON, or multipart with ``files`` (each read at most one byte past its limit)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=conv.MAX_ATTACHMENTS + 1, max_part_size=_MAX_FORM_BYTES)
        except Exception as exc:  # a malformed or oversized multipart body
            raise InvalidInput(f"The form could not be read: {exc}") from None
        raw: dict[str, object] = {}
        uploads: list[conv.Upload] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key != "files":
                    raise InvalidInput("Send attachments as the multipart field 'files'.")
                data = await value.read(conv.MAX_ATTACHMENT_BYTES + 1)
                if len(data) > conv.MAX_ATTACHMENT_BYTES:
                    raise TooLarge(f"A file may be at most {conv.MAX_ATTACHMENT_BYTES // 1_048_576} MiB.")
                uploads.append(conv.Upload(value.filename or "", data))
            elif key in _COMPOSE_FIELDS:
                raw[key] = value
        return raw, uploads
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("Send the message as JSON, or as multipart with its files.") from None
    if not isinstance(body, dict):
        raise InvalidInput("Send the message as a JSON object with subject and body.")
    return {k: body.get(k) for k in _COMPOSE_FIELDS}, []


@router.get(
    "/api/applications/{application_id}/emails",
    response_model=list[EmailOut],
    responses=errors(401, 403, 404, 422),
)
def list_emails(application_id: int, caller: Caller, db: Db) -> list[EmailOut]:
    """Staff: every email to the candidate about this application, newest first, with its state."""
    return [_email(i) for i in conv.conversation(db, caller, application_id) if i.kind == "email"]


@router.post(
    "/api/applications/{application_id}/emails",
    response_model=EmailOut,
    status_code=201,
    responses=errors(401, 403, 404, 413, 415, 422),
    openapi_extra=_COMPOSE_BODY,
)
async def write_email(application_id: int, request: Request, caller: Caller, db: Db) -> EmailOut:
    """Recruiters: write to the candidate. Variables are filled in as in a template; ``send_at``
    holds it until then; attachments (multipart ``files``: PDF, Word, PNG, JPEG or text, 5 MiB
    each, 10 MiB together) are sent as MIME parts."""
    raw, uploads = await _compose_input(request)
    return _email(conv.compose(db, caller, application_id, raw, uploads))


@router.post(
    "/api/emails/{email_id}/cancel", response_model=EmailOut, responses=errors(401, 403, 404, 409, 422)
)
def cancel_email(email_id: int, caller: Caller, db: Db) -> EmailOut:
    """Recruiters: a held email is not sent. 409 when it was sent, cancelled or is being sent."""
    return _email(conv.cancel_email(db, caller, email_id))


@router.post(
    "/api/emails/{email_id}/send-now", response_model=EmailOut, responses=errors(401, 403, 404, 409, 422)
)
def send_now(email_id: int, caller: Caller, db: Db) -> EmailOut:
    """Recruiters: a held email goes at the sender's next pass."""
    return _email(conv.send_now(db, caller, email_id))


@router.get(
    "/api/applications/{application_id}/conversation",
    response_model=list[ConversationOut],
    responses=errors(401, 403, 404, 422),
)
def read_conversation(application_id: int, caller: Caller, db: Db) -> list[ConversationOut]:
    """Staff: emails out and replies, bounces and automatic replies in, newest first (the team's
    notes are under /api/applications/{id}/notes)."""
    return [
        ConversationOut(
            direction="out" if i.kind == "email" else "in",
            kind="email" if i.kind == "email" else i.state,
            id=i.id,
            at=i.at,
            state=i.state,
            held_until=i.held_until,
            subject=i.subject,
            body=i.body,
            address=i.address,
            author=i.author,
            template_name=i.template_name,
            unread=i.unread,
            attachments=[AttachmentOut.model_validate(a) for a in i.attachments],
        )
        for i in conv.conversation(db, caller, application_id)
        if i.kind != "note"
    ]


@router.get(
    "/api/applications/{application_id}/conversation/files/{file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **errors(401, 403, 404, 422)},
)
def conversation_file(application_id: int, file_id: int, caller: Caller, db: Db) -> Response:
    """Staff: a file sent to or received from the candidate, as an attachment."""
    view, data = conv.attachment(db, caller, application_id, file_id)
    return file_response(view, data)


@router.get("/api/inbound/unmatched", response_model=list[UnmatchedOut], responses=errors(401, 403))
def unmatched(caller: Caller, db: Db) -> list[UnmatchedOut]:
    """Staff: mail to the reply address that matched no application of theirs (an unknown or
    mistyped token), newest first."""
    return [UnmatchedOut.model_validate(u) for u in conv.unmatched(db, caller)]
