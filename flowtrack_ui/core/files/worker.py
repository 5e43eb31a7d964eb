"""The file worker: a child process that reads untrusted files (text, pages, images) for the server.

Started by ``sandbox.py`` as ``python -m flowtrack_ui.core.files.worker MEMORY_BYTES``. Its address
space is capped (RLIMIT_AS) before it reads anything, each job gets a CPU-time cap on top of the
server's wall-clock limit, and it speaks only the JSON-and-bytes messages of ``wire.py`` over its
stdin and stdout. A file that makes it run out of memory ends the worker, never the server.
"""

from __future__ import annotations

import os
import resource
import sys

from . import wire


def _limit_memory(max_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_cpu(seconds: float) -> None:
    """A CPU-time cap for the next job, counted from what this process has already used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + max(1, int(seconds)) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def handle(header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
    """One job: ``text`` (text, note, page count), ``render`` (the first pages as PNGs) or
    ``image`` (an uploaded image re-encoded as a small PNG)."""
    from . import preview, reencode, text_extraction

    job = header.get("job")
    data = blobs[0] if blobs else b""
    if job == "text":
        text, note, pages = text_extraction.extract(str(header.get("content_type", "")), data)
        return {"text": text, "note": note, "page_count": pages}, []
    if job == "render":
        rendering = preview.render_pages(
            data, max_pages=int(header.get("max_pages", 10)), width_px=int(header.get("width_px", 900))
        )
        meta = [{"page_no": p.page_no, "width": p.width, "height": p.height} for p in rendering.pages]
        return {"page_count": rendering.page_count, "note": rendering.note, "pages": meta}, [
            p.png for p in rendering.pages
        ]
    if job == "image":
        png, width, height = reencode.reencode_image(
            data,
            str(header.get("content_type", "")),
            max_side=int(header["max_side"]),
            max_pixels=int(header["max_pixels"]),
        )
        return {"width": width, "height": height}, [png]
    if job == "calendar":  # an iCalendar feed's busy periods (scheduling/calendars.py)
        from . import calendar_busy

        busy = calendar_busy.busy_json(data, str(header["start"]), str(header["end"]), str(header["zone"]))
        return {"busy": busy}, []
    raise ValueError(f"unknown job {job!r}")


def main() -> None:
    memory = int(sys.argv[1])
    _limit_memory(memory)
    # The protocol keeps its own copy of stdout; whatever a library prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    # Loaded once per worker, not per job.
    import docx  # noqa: F401
    import pypdf  # noqa: F401
    import pypdfium2  # noqa: F401
    from PIL import Image  # noqa: F401

    while True:
        try:
            message = wire.read_message(inp)
        except wire.WireError:
            return
        if message is None:
            return
        header, blobs = message
        _limit_cpu(float(header.get("seconds", 10)))
        try:
            result, out_blobs = handle(header, blobs)
            # A worker that came near its memory cap hands its next job to a fresh one.
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            reply = wire.encode({"ok": True, "result": result, "retire": peak > memory // 2}, out_blobs)
        except MemoryError:
            out.write(wire.encode({"ok": False, "error": "memory"}))
            out.flush()
            return  # the heap may be in a poor state: the server starts a fresh worker
        except Exception as exc:  # a file the libraries choke on: reported, and the worker goes on
            reply = wire.encode({"ok": False, "error": "failed", "detail": type(exc).__name__})
        del blobs
        out.write(reply)
        out.flush()


if __name__ == "__main__":
    main()
