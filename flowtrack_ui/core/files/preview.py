"""A PDF's first pages drawn as PNGs (pypdfium2), once, at upload, so staff read them in the page.

Runs inside the file worker (``worker.py``), never in the server. The cost of drawing is bounded
whatever the file says: at most ``MAX_PREVIEW_PAGES`` pages, pages of a sane size only (a 72 ×
14,400 pt strip drawn 900 px wide would be 900 × 180,000 px), and every image within
``MAX_PIXELS`` and at most ``MAX_SCALE`` (144 DPI).
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass

log = logging.getLogger("flowtrack.files")

MAX_PREVIEW_PAGES = 10
WIDTH_PX = 900
MAX_WIDTH_PX = 1100
MAX_SCALE = 2.0  # 144 DPI
MAX_PIXELS = 2_000_000
# Larger than A0 (2384 × 3370 pt) is no résumé page: it is kept, not drawn.
MAX_PAGE_SIDE_PT = 3500.0
MAX_PAGE_AREA_PT2 = 9_000_000.0


@dataclass(frozen=True)
class PageImage:
    page_no: int  # from 0
    png: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Rendering:
    pages: list[PageImage]
    page_count: int | None
    note: str | None


def scale_for(width_pt: float, height_pt: float, width_px: int = WIDTH_PX) -> float | None:
    """The scale that draws a page ``width_px`` wide within the limits; None for a page too large."""
    if not (0 < width_pt <= MAX_PAGE_SIDE_PT and 0 < height_pt <= MAX_PAGE_SIDE_PT):
        return None
    if width_pt * height_pt > MAX_PAGE_AREA_PT2:
        return None
    wanted = min(MAX_WIDTH_PX, max(200, width_px)) / width_pt
    return min(wanted, MAX_SCALE, math.sqrt(MAX_PIXELS / (width_pt * height_pt)))


def render_pages(data: bytes, max_pages: int = MAX_PREVIEW_PAGES, width_px: int = WIDTH_PX) -> Rendering:
    """The first pages as PNGs; a page that cannot or may not be drawn is left out, with a note."""
    import pypdfium2 as pdfium

    max_pages = max(0, min(max_pages, MAX_PREVIEW_PAGES))
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.info("PDF preview failed: %s", exc)
        return Rendering([], None, "The pages could not be drawn (the PDF may be damaged); download it.")
    pages: list[PageImage] = []
    skipped: list[int] = []
    try:
        count = len(pdf)
        for index in range(min(count, max_pages)):
            page = pdf[index]
            try:
                width_pt, height_pt = page.get_size()
                scale = scale_for(width_pt, height_pt, width_px)
                if scale is None:
                    skipped.append(index)
                    continue
                image = page.render(scale=scale, may_draw_forms=False).to_pil()
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
                pages.append(PageImage(index, out.getvalue(), image.width, image.height))
                image.close()
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        log.info("PDF preview failed: %s", exc)
        return Rendering(pages, None, "The pages could not be drawn (the PDF may be damaged); download it.")
    finally:
        pdf.close()
    return Rendering(pages, count, _note(count, max_pages, skipped))


def _note(count: int, max_pages: int, skipped: list[int]) -> str | None:
    notes = []
    if skipped:
        which = ", ".join(str(i + 1) for i in skipped)
        notes.append(
            f"Page {which} is too large to preview; download the file to read it."
            if len(skipped) == 1
            else f"Pages {which} are too large to preview; download the file to read them."
        )
    if count > max_pages:
        notes.append(f"Only the first {max_pages} of its {count:,} pages are shown here.")
    return " ".join(notes) or None
