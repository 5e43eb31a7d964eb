"""The offer letter as a PDF (reportlab, BSD) and its signed copy (pypdf, BSD).

The letter's Markdown is read by markdown-it (the same parser as ``core/markdown.py``, raw HTML
off) and laid out block by block: headings, paragraphs, lists, quotes, rules; inline bold, italic,
code and http(s)/mailto links. The text is escaped for reportlab's paragraph markup, so nothing a
recruiter writes becomes markup of its own. The fonts are the Bitstream Vera faces shipped with
reportlab, embedded, so the words can be read back from the file (tests parse it with pypdf).

Everything here is FlowTrack's own data (the logo was re-encoded by a file worker when uploaded),
so it runs in the server process, in a worker thread of the caller.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["strikethrough"]
)
_FONTS_READY = False
_SCHEMES = ("http://", "https://", "mailto:")


def _fonts() -> None:
    """Vera (regular, bold, italic, bold italic) as one family, registered once."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in (
        ("Vera", "Vera.ttf"),
        ("VeraBd", "VeraBd.ttf"),
        ("VeraIt", "VeraIt.ttf"),
        ("VeraBI", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    addMapping("Vera", 0, 0, "Vera")
    addMapping("Vera", 1, 0, "VeraBd")
    addMapping("Vera", 0, 1, "VeraIt")
    addMapping("Vera", 1, 1, "VeraBI")
    _FONTS_READY = True


@dataclass(frozen=True)
class Letterhead:
    """What stands above the letter and in its footer."""

    company_name: str
    logo_png: bytes | None
    footer: str  # "Offer 12, version 2"


def _inline(children: list[Token]) -> str:
    """Inline tokens as reportlab paragraph markup, every text escaped."""
    out: list[str] = []
    links: list[str] = []
    for t in children:
        if t.type == "text":
            out.append(escape(t.content))
        elif t.type == "softbreak":
            out.append(" ")
        elif t.type == "hardbreak":
            out.append("<br/>")
        elif t.type == "strong_open":
            out.append("<b>")
        elif t.type == "strong_close":
            out.append("</b>")
        elif t.type == "em_open":
            out.append("<i>")
        elif t.type == "em_close":
            out.append("</i>")
        elif t.type == "s_open":
            out.append("<strike>")
        elif t.type == "s_close":
            out.append("</strike>")
        elif t.type == "code_inline":
            out.append(f'<font face="Courier">{escape(t.content)}</font>')
        elif t.type == "link_open":
            href = str(t.attrs.get("href", ""))
            if href.startswith(_SCHEMES):
                out.append(f'<link href="{escape(href, {chr(34): "&quot;"})}" color="#1d4ed8"><u>')
                links.append("</u></link>")
            else:
                links.append("")
        elif t.type == "link_close":
            out.append(links.pop() if links else "")
        elif t.type == "image":
            out.append(escape(t.content))
        elif t.type in ("html_inline",):
            out.append(escape(t.content))
    return "".join(out)


def _flowables(markdown_text: str, styles: dict) -> list:
    from reportlab.platypus import HRFlowable, Paragraph, Spacer

    tokens = _md.parse(markdown_text)
    out: list = []
    lists: list[list[int]] = []  # per open list: [next number] (0 for bullets)
    quote = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            level = int(t.tag[1])
            style = styles["h1"] if level == 1 else styles["h2"] if level == 2 else styles["h3"]
            out.append(Paragraph(_inline(tokens[i + 1].children or []), style))
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            start = int(t.attrs.get("start", 1) or 1) if t.type == "ordered_list_open" else 0
            lists.append([start])
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append(Spacer(1, 4))
        elif t.type == "blockquote_open":
            quote += 1
        elif t.type == "blockquote_close":
            quote -= 1
        elif t.type == "hr":
            out.append(HRFlowable(width="100%", thickness=0.5, color="#9ca3af", spaceBefore=6, spaceAfter=6))
        elif t.type in ("fence", "code_block"):
            text = escape(t.content.rstrip("\n")).replace("\n", "<br/>")
            out.append(Paragraph(text, styles["code"]))
        elif t.type == "inline" and i > 0 and tokens[i - 1].type == "paragraph_open":
            markup = _inline(t.children or [])
            if lists and tokens[i - 2].type == "list_item_open":
                counter = lists[-1]
                bullet = "•" if counter[0] == 0 else f"{counter[0]}."
                if counter[0]:
                    counter[0] += 1
                style = styles["item"].clone(
                    "item", leftIndent=16 * len(lists) + 4, bulletIndent=16 * len(lists) - 10
                )
                out.append(Paragraph(markup, style, bulletText=bullet))
            elif lists:
                out.append(Paragraph(markup, styles["item"].clone("more", leftIndent=16 * len(lists) + 4)))
            elif quote:
                out.append(Paragraph(markup, styles["quote"]))
            else:
                out.append(Paragraph(markup, styles["body"]))
        i += 1
    return out


def _styles() -> dict:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    ink = HexColor("#1c2024")
    body = ParagraphStyle("body", fontName="Vera", fontSize=10.5, leading=15, textColor=ink, spaceAfter=8)
    return {
        "body": body,
        "h1": body.clone("h1", fontName="VeraBd", fontSize=18, leading=22, spaceBefore=4, spaceAfter=12),
        "h2": body.clone("h2", fontName="VeraBd", fontSize=13, leading=17, spaceBefore=8, spaceAfter=6),
        "h3": body.clone("h3", fontName="VeraBd", fontSize=11, leading=15, spaceBefore=6, spaceAfter=4),
        "item": body.clone("item", spaceAfter=3),
        "quote": body.clone("quote", leftIndent=18, textColor=HexColor("#4b5563")),
        "code": body.clone("code", fontName="Courier", fontSize=9.5, leading=12, leftIndent=12),
        "small": body.clone("small", fontSize=8.5, leading=11, textColor=HexColor("#4b5563")),
        "head": body.clone("head", fontName="VeraBd", fontSize=12, leading=16, spaceAfter=0),
    }


def _header_footer(head: Letterhead):
    from reportlab.lib.utils import ImageReader

    logo = ImageReader(io.BytesIO(head.logo_png)) if head.logo_png else None

    def draw(canvas, doc) -> None:
        from reportlab.lib.pagesizes import A4

        width, height = A4
        canvas.saveState()
        x = doc.leftMargin
        top = height - 42
        if logo is not None:
            w, h = logo.getSize()
            scale = 36 / max(w, h)
            canvas.drawImage(
                logo, x, top - 36 * (h / max(w, h)), width=w * scale, height=h * scale, mask="auto"
            )
            x += 36 * (w / max(w, h)) + 10
        canvas.setFont("VeraBd", 12)
        canvas.drawString(x, top - 24, head.company_name)
        canvas.setStrokeColorRGB(0.85, 0.86, 0.88)
        canvas.line(doc.leftMargin, top - 44, width - doc.rightMargin, top - 44)
        canvas.setFont("Vera", 8)
        canvas.setFillColorRGB(0.42, 0.45, 0.5)
        canvas.drawString(doc.leftMargin, 30, head.footer)
        canvas.drawRightString(width - doc.rightMargin, 30, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def letter_pdf(markdown_text: str, head: Letterhead, title: str) -> bytes:
    """The letter as a PDF: the letterhead (logo and company name) on each page, then the text."""
    _fonts()
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=56,
        rightMargin=56,
        topMargin=104,
        bottomMargin=56,
        title=title,
        author=head.company_name,
        creator="FlowTrack",
    )
    paint = _header_footer(head)
    doc.build(_flowables(markdown_text, _styles()), onFirstPage=paint, onLaterPages=paint)
    return buffer.getvalue()


@dataclass(frozen=True)
class Signature:
    """The acceptance as recorded: what the signature page states."""

    signed_name: str
    signed_at: datetime
    ip: str
    user_agent: str
    document_sha256: str
    offer_ref: str  # "Offer 12, version 2"


def signature_page(sig: Signature, head: Letterhead) -> bytes:
    """One page: who accepted, when (UTC), from where, and the SHA-256 of the letter they read."""
    _fonts()
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=104, bottomMargin=56
    )
    when = sig.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = [
        ("Signed by", sig.signed_name),
        ("Signed at", when),
        ("Client address", sig.ip or "unknown"),
        ("Browser", sig.user_agent or "unknown"),
        ("Letter", sig.offer_ref),
        ("SHA-256 of the letter", sig.document_sha256),
    ]
    story = [
        Paragraph("Acceptance and signature", styles["h1"]),
        Paragraph(
            "The candidate accepted the offer in the preceding pages by typing their full name as their "
            "signature and confirming that doing so signs the letter electronically.",
            styles["body"],
        ),
        Spacer(1, 10),
        Paragraph(
            escape(sig.signed_name),
            styles["h1"].clone("signature", fontName="VeraBI", fontSize=22, leading=28),
        ),
        Spacer(1, 6),
    ]
    for label, value in rows:
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["body"]))
    paint = _header_footer(head)
    doc.build(story, onFirstPage=paint, onLaterPages=paint)
    return buffer.getvalue()


def signed_copy(letter: bytes, sig: Signature, head: Letterhead) -> bytes:
    """The letter as served, unchanged page by page, with the signature page appended."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(letter)))
    writer.append(PdfReader(io.BytesIO(signature_page(sig, head))))
    writer.add_metadata({"/Title": f"{sig.offer_ref}, signed", "/Producer": "FlowTrack"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
