"""Text of a résumé for search and for reading a DOCX in the page (pypdf, python-docx).

A file whose text cannot be read (encrypted, damaged, scanned images only) is still kept:
the note says why there is no text, and the file can be downloaded.
"""

from __future__ import annotations

import io
import logging
import zipfile

from .file_types import DOCX, PDF

log = logging.getLogger("flowtrack.files")

MAX_TEXT_CHARS = 200_000
MAX_PAGES = 300


def extract(content_type: str, data: bytes) -> tuple[str | None, str | None, int | None]:
    """(text, note, page count): text is None when none could be read, and the note says why."""
    if content_type == PDF:
        return _pdf(data)
    if content_type == DOCX:
        return _docx(data)
    return None, "No text is read from this kind of file.", None


def _pdf(data: bytes) -> tuple[str | None, str | None, int | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:  # many "protected" PDFs only restrict printing and open with an empty password
                if not reader.decrypt(""):
                    return None, "The PDF is password-protected; its text could not be read.", None
            except Exception:
                return None, "The PDF is password-protected; its text could not be read.", None
        pages = len(reader.pages)
        parts = []
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT_CHARS:
                break
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        log.info("PDF text extraction failed: %s", exc)
        return None, "The PDF could not be read (it may be damaged); download it to open it.", None
    text = "\n".join(parts).strip()[:MAX_TEXT_CHARS]
    if not text:
        return None, "The PDF has no text layer (a scan?); download it to read it.", pages
    return text, None, pages


def _docx(data: bytes) -> tuple[str | None, str | None, int | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        log.info("DOCX text extraction failed: %s", exc)
        return None, "The document could not be read (it may be damaged); download it to open it.", None
    except Exception as exc:  # lxml parse errors and the like: the file is kept all the same
        log.info("DOCX text extraction failed: %s", exc)
        return None, "The document could not be read (it may be damaged); download it to open it.", None
    text = "\n".join(line for line in lines if line.strip()).strip()[:MAX_TEXT_CHARS]
    return (text, None, None) if text else (None, "The document has no text.", None)
