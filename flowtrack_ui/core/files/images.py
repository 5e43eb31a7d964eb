"""Uploaded images (a company's logo): which are accepted, and their re-encoding to a small PNG.

The type is read from the bytes, never the name. Decoding happens in the file worker (job
``image`` in ``worker.py``), never in the server: a small file may claim any number of pixels (a
decompression bomb), so the worker (``reencode.py``) reads the size from the header first and
refuses more than ``MAX_PIXELS`` before decoding anything, inside its memory and time limits.
What is stored is the worker's PNG, at most ``LOGO_SIDE`` pixels a side.
"""

from __future__ import annotations

from ..errors import InvalidInput, TooLarge, UnsupportedFile
from . import quota, sandbox

MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_SIDE = 512
# 4096 × 4096: more than any logo needs, and decoded well within a worker's memory.
MAX_PIXELS = 4096 * 4096
PNG, JPEG, WEBP = "image/png", "image/jpeg", "image/webp"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_TOO_MANY_PIXELS = "The image has too many pixels: at most 4096 × 4096 are accepted."


def sniff_image(data: bytes) -> str | None:
    """PNG, JPEG or WebP by their signatures; None for anything else (SVG, GIF, HTML…)."""
    if data.startswith(PNG_MAGIC):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def check_logo(data: object) -> tuple[bytes, str]:
    """(bytes, type) of an acceptable upload, or why it is refused (422, 413, 415)."""
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput("Send the logo as a file.")
    data = bytes(data)
    if not data:
        raise InvalidInput("The file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise TooLarge(f"The logo is {len(data) / 1_048_576:.1f} MiB; at most 2 MiB is accepted.")
    content_type = sniff_image(data)
    if content_type is None:
        raise UnsupportedFile("A logo must be a PNG, JPEG or WebP image; this file is none of them.")
    return data, content_type


def logo_png(data: bytes, content_type: str) -> tuple[bytes, int, int]:
    """The checked upload re-encoded by a worker: (PNG, width, height), or why not.

    Blocks for as long as the worker takes (bounded by its time limit): call it from a thread,
    never on the event loop. FilesBusy (429) when no worker came free."""
    outcome = sandbox.run("image", data, content_type=content_type, max_side=LOGO_SIDE, max_pixels=MAX_PIXELS)
    if outcome.status == "busy":
        raise quota.FilesBusy()
    if outcome.ok:
        png = outcome.blobs[0] if len(outcome.blobs) == 1 else b""
        width, height = outcome.result.get("width"), outcome.result.get("height")
        if (
            png.startswith(PNG_MAGIC)
            and isinstance(width, int)
            and isinstance(height, int)
            and 0 < width <= LOGO_SIDE
            and 0 < height <= LOGO_SIDE
        ):
            return png, width, height
        raise InvalidInput("The image could not be read (it may be damaged).")
    if outcome.status == "failed" and outcome.result.get("detail") in (
        "TooManyPixels",
        "DecompressionBombError",
    ):
        raise InvalidInput(_TOO_MANY_PIXELS)
    if outcome.status in ("timeout", "memory", "crashed"):
        raise InvalidInput("The image is too large to read in time; send a smaller one.")
    raise InvalidInput("The image could not be read (it may be damaged).")
