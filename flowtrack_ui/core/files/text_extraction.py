"""Text of a résumé for search and for reading a DOCX in the page (pypdf, python-docx).

A file whose text cannot be read (encrypted, damaged, scanned images only, too large) is still
kept: the note says why there is no text, and the file can be downloaded. This runs inside the
file worker (``worker.py``), which bounds its time and memory; a DOCX is checked here as well
before it is opened, so a zip bomb is refused cheaply instead of filling the worker's memory.
"""

from __future__ import annotations

import io
import logging
import zipfile

from .file_types import DOCX, PDF

log = logging.getLogger("flowtrack.files")

MAX_TEXT_CHARS = 200_000
MAX_PAGES = 100
# A DOCX is a zip: what its parts may unpack to, in all and per compressed byte (text and XML
# compress around 10:1; a part of whitespace compresses 1000:1).
MAX_DOCX_INFLATED = 40 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_PARTS = 1000
TOO_LARGE_DOCX = "The document is too large to read (it unpacks to {size}); download it to open it."


class DocxTooLarge(Exception):
    """A DOCX whose parts unpack to more than the limits allow."""


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
        parts, size = [], 0
        for index in range(min(pages, MAX_PAGES)):
            parts.append(reader.pages[index].extract_text() or "")
            size += len(parts[-1])
            if size > MAX_TEXT_CHARS:
                break
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        log.info("PDF text extraction failed: %s", exc)
        return None, "The PDF could not be read (it may be damaged); download it to open it.", None
    text = "\n".join(parts).strip()[:MAX_TEXT_CHARS]
    if not text:
        return None, "The PDF has no text layer (a scan?); download it to read it.", pages
    if pages > MAX_PAGES:
        return text, f"Only the text of the first {MAX_PAGES} of its {pages:,} pages is searchable.", pages
    return text, None, pages


def _docx(data: bytes) -> tuple[str | None, str | None, int | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_docx_size(data)
        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    except DocxTooLarge as exc:
        return None, TOO_LARGE_DOCX.format(size=str(exc)), None
    except MemoryError:
        return None, TOO_LARGE_DOCX.format(size="more than the worker may hold"), None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        log.info("DOCX text extraction failed: %s", exc)
        return None, "The document could not be read (it may be damaged); download it to open it.", None
    except Exception as exc:  # lxml parse errors and the like: the file is kept all the same
        log.info("DOCX text extraction failed: %s", exc)
        return None, "The document could not be read (it may be damaged); download it to open it.", None
    text = "\n".join(line for line in lines if line.strip()).strip()[:MAX_TEXT_CHARS]
    return (text, None, None) if text else (None, "The document has no text.", None)


def _mib(n: int) -> str:
    return f"{n / 1_048_576:,.0f} MB" if n >= 1_048_576 else f"{n // 1024:,} KB"


def check_docx_size(data: bytes) -> None:
    """DocxTooLarge unless every part unpacks within the limits, read to the end to make sure.

    First the sizes the zip declares (free to read), then every part inflated in chunks and
    counted, so a zip that declares less than it holds is stopped at the limit too (zipfile also
    stops a part at its declared size and then fails its checksum).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_DOCX_PARTS:
            raise DocxTooLarge(f"{len(infos):,} parts")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_DOCX_INFLATED:
            raise DocxTooLarge(_mib(declared))
        for info in infos:
            if info.file_size > 1_048_576 and info.file_size > MAX_DOCX_RATIO * max(1, info.compress_size):
                raise DocxTooLarge(_mib(declared))
        total = 0
        for info in infos:
            with zf.open(info) as part:
                while chunk := part.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_DOCX_INFLATED:
                        raise DocxTooLarge(f"more than {_mib(MAX_DOCX_INFLATED)}")
