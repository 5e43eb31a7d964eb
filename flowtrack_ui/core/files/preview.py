"""A PDF page drawn as a PNG on the server (pypdfium2), so the browser shows it without a plug-in.

The image goes to the page inside the permission-checked state update; no file URL exists.
"""

from __future__ import annotations

import io
import logging

log = logging.getLogger("flowtrack.files")

MAX_WIDTH_PX = 1100


def render_page(data: bytes, index: int, width_px: int = 900) -> tuple[bytes | None, int]:
    """(PNG of page ``index`` or None if it cannot be drawn, number of pages)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.info("PDF preview failed: %s", exc)
        return None, 0
    try:
        pages = len(pdf)
        if not 0 <= index < pages:
            return None, pages
        page = pdf[index]
        width_pt = page.get_width() or 612
        scale = min(MAX_WIDTH_PX, max(200, width_px)) / width_pt
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), pages
    except pdfium.PdfiumError as exc:
        log.info("PDF preview failed: %s", exc)
        return None, 0
    finally:
        pdf.close()
