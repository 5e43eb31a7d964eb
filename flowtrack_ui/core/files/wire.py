"""The messages between the server and a file worker: a JSON header, then raw byte blobs.

No pickle: the worker parses untrusted files, so nothing it sends back may run code in the
server. A message is a 4-byte length, the JSON header (with ``blobs``: the blob lengths), then
the blobs themselves.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence

MAX_HEADER_BYTES = 1 << 20
MAX_MESSAGE_BYTES = 64 << 20
_LEN = struct.Struct(">I")


class WireError(Exception):
    """A message that is not one: the other side is broken and is not talked to again."""


def encode(header: dict, blobs: Sequence[bytes] = ()) -> bytes:
    """One message, ready to write."""
    head = json.dumps({**header, "blobs": [len(b) for b in blobs]}, separators=(",", ":")).encode()
    return b"".join([_LEN.pack(len(head)), head, *blobs])


def header_size(prefix: bytes) -> int:
    """The header's length, from the first four bytes of a message."""
    (size,) = _LEN.unpack(prefix[:4])
    if size > MAX_HEADER_BYTES:
        raise WireError("header too long")
    return size


def decode_header(raw: bytes) -> dict:
    """The header, checked enough that its blob lengths can be trusted for reading."""
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise WireError("header is not JSON") from exc
    blobs = header.get("blobs") if isinstance(header, dict) else None
    if not isinstance(blobs, list) or not all(isinstance(n, int) and n >= 0 for n in blobs):
        raise WireError("bad blob lengths")
    if sum(blobs) > MAX_MESSAGE_BYTES:
        raise WireError("message too long")
    return header


def split_blobs(header: dict, body: bytes) -> list[bytes]:
    """The blobs of a message body whose header was decoded."""
    out, at = [], 0
    for n in header["blobs"]:
        out.append(body[at : at + n])
        at += n
    return out


def read_message(stream) -> tuple[dict, list[bytes]] | None:
    """A whole message from a blocking binary stream; None at its end (the worker's side)."""
    prefix = _read_exactly(stream, 4)
    if prefix is None:
        return None
    head = _read_exactly(stream, header_size(prefix))
    if head is None:
        raise WireError("truncated header")
    header = decode_header(head)
    body = _read_exactly(stream, sum(header["blobs"]))
    if body is None:
        raise WireError("truncated body")
    return header, split_blobs(header, body)


def _read_exactly(stream, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
