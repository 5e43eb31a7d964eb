"""Serving a stored file: authenticated routes only, as an attachment, never sniffed or run."""

from __future__ import annotations

from typing import overload
from urllib.parse import quote

from fastapi import Response, UploadFile

from flowtrack_ui.core.errors import InvalidInput, TooLarge
from flowtrack_ui.core.files.file_types import MAX_RESUME_BYTES
from flowtrack_ui.core.views import FileView

from .schemas import FileOut

# A file is data, not a page: nothing in it may run, load or be framed.
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@overload
def file_out(f: FileView) -> FileOut: ...
@overload
def file_out(f: FileView | None) -> FileOut | None: ...
def file_out(f: FileView | None) -> FileOut | None:
    """A file's metadata as the API shows it, or None (an application without a résumé)."""
    return None if f is None else FileOut.model_validate(f)


def file_response(f: FileView, data: bytes) -> Response:
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in f.name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f.name)}"
    return Response(
        content=data,
        media_type=f.content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, no-store",
            "ETag": f'"{f.sha256}"',
        },
    )


def page_response(png: bytes, etag: str, if_none_match: str | None) -> Response:
    """A stored page image: never changes for its file, so the browser may keep it (privately)."""
    headers = {
        "ETag": etag,
        "Cache-Control": "private, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
    }
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(content=png, media_type="image/png", headers=headers)


async def read_upload(file: UploadFile | None) -> tuple[bytes, str]:
    """The uploaded bytes (read at most one byte past the limit) and the name the client gave."""
    if file is None:
        raise InvalidInput("Send the résumé as the multipart field 'file'.")
    data = await file.read(MAX_RESUME_BYTES + 1)
    if len(data) > MAX_RESUME_BYTES:
        raise TooLarge("The résumé is larger than 10 MiB; at most 10 MiB is accepted.")
    return data, file.filename or ""
