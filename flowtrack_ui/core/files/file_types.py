"""Which files a résumé may be, decided from the bytes, never from the name the browser sent."""

from __future__ import annotations

import io
import zipfile

from ..errors import InvalidInput, TooLarge, UnsupportedFile

MAX_RESUME_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
LABELS = {PDF: "PDF", DOCX: "Word (DOCX)"}


def sniff(data: bytes) -> str | None:
    """PDF or DOCX by their signatures and structure; None for anything else."""
    if data[:1024].lstrip(b"\x00\t\n\r\x0c ").startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def check_resume(data: object, name: object) -> tuple[bytes, str, str]:
    """(bytes, content type, a safe original name), or the reason this upload is refused."""
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput("Send the résumé as a file.")
    data = bytes(data)
    if not data:
        raise InvalidInput("The file is empty.")
    if len(data) > MAX_RESUME_BYTES:
        raise TooLarge(f"The résumé is {len(data) / 1_048_576:.1f} MiB; at most 10 MiB is accepted.")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedFile("A résumé must be a PDF or a Word (DOCX) document; this file is neither.")
    return data, content_type, safe_name(name, content_type)


def safe_name(name: object, content_type: str) -> str:
    """The browser's file name without folders or control characters, with the right extension."""
    raw = name if isinstance(name, str) else ""
    raw = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in raw if ch.isprintable() and ch not in '"<>|:*?').strip(" .")[:200]
    stem = cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned
    return (stem or "resume") + EXTENSIONS[content_type]
