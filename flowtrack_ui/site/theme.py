"""A company's accent colour on its careers site, with text colours that keep WCAG AA contrast."""

from __future__ import annotations

import hashlib
from base64 import b64encode

# Text on the accent: white or black, whichever contrasts more (one of them always passes AA).
WHITE, BLACK = "#ffffff", "#000000"
# The darkest background text and links sit on (the filter card), so they read on every other.
PAGE_BACKGROUND = "#f3f4f6"
AA = 4.5  # WCAG 2 AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def luminance(color: str) -> float:
    r, g, b = (_channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def on_color(background: str) -> str:
    """White or black on ``background``: the one that contrasts more (at least 4.58:1)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, BLACK) else BLACK


def readable_on_page(color: str, background: str = PAGE_BACKGROUND) -> str:
    """``color`` darkened just enough to read as text (links) on the page's background."""
    r, g, b = _rgb(color)
    step = 0
    candidate = color
    while contrast(candidate, background) < AA and step < 100:
        step += 1
        f = 1 - step / 100
        candidate = f"#{int(r * f):02x}{int(g * f):02x}{int(b * f):02x}"
    return candidate


def theme_css(accent: str) -> str:
    """The stylesheet a page inlines for its company: the accent (buttons), the text drawn on it,
    and the accent as link colour, darkened where it would be too light to read."""
    return f":root{{--accent:{accent};--on-accent:{on_color(accent)};--link:{readable_on_page(accent)}}}"


def csp_hash(text: str) -> str:
    """The CSP source that allows exactly this inline ``<style>`` text."""
    return "'sha256-" + b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
