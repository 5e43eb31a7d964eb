"""Markdown written by staff (a job's description, a company's "about") rendered to safe HTML.

markdown-it-py renders CommonMark with raw HTML switched off (``<script>`` stays text); nh3 then
keeps only the tags and attributes listed here and links with http(s) or mailto targets, so
neither a ``javascript:`` link nor an event handler reaches a page whatever the input.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def to_html(text: str) -> str:
    """Markdown → sanitised HTML. Links open normally and carry ``rel="nofollow noopener"``."""
    if not text:
        return ""
    return nh3.clean(
        _md.render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def to_plain(text: str, limit: int | None = None) -> str:
    """The words of Markdown without its markup (meta descriptions, feeds, previews)."""
    words = html.unescape(_SPACE.sub(" ", _TAG.sub(" ", _md.render(text or ""))).strip())
    if limit is not None and len(words) > limit:
        cut = words[: limit - 1].rsplit(" ", 1)[0]
        return cut + "…"
    return words
