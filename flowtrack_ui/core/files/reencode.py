"""An uploaded image decoded and written again as a small PNG. Runs in the file worker only.

The header's size is checked before any pixel is decoded, so a file that claims a huge canvas
(a decompression bomb) costs nothing; a JPEG is decoded at a reduced scale; only the first frame
is kept, and nothing of the upload but its pixels reaches the PNG (no metadata, no trailing bytes).
"""

from __future__ import annotations

import io

_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


class TooManyPixels(ValueError):
    """The header claims more pixels than allowed; the worker reports it by this class's name."""


def reencode_image(data: bytes, content_type: str, max_side: int, max_pixels: int) -> tuple[bytes, int, int]:
    """(PNG bytes, width, height): the first frame, scaled down to fit ``max_side`` × ``max_side``."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own bomb check, beside the one below
    formats = [_PIL_FORMATS[content_type]] if content_type in _PIL_FORMATS else list(_PIL_FORMATS.values())
    with Image.open(io.BytesIO(data), formats=formats) as img:
        width, height = img.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise TooManyPixels(f"{width} × {height}")
        img.draft("RGB", (max_side, max_side))
        img.seek(0)
        transparent = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
        frame = img.convert("RGBA" if transparent else "RGB")
    frame.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    frame.save(out, format="PNG", optimize=True)
    return out.getvalue(), frame.width, frame.height
