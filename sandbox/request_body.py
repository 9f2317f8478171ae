"""Reading request bodies under the service's size limit, and parsing them as JSON without ever failing."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

# The service takes bodies under 9 MB; 9 MB and more answer HTTP 413.
MAX_BODY_BYTES = 9 * 1024 * 1024


class NotJson:
    """Marker for a body that is not JSON (or not UTF-8)."""


NOT_JSON = NotJson()


async def read_limited(request: Request, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The whole body, or None as soon as it is known to be `limit` bytes or more."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) >= limit:
        return None
    chunks: list[bytes] = []
    size = 0
    # Chunked bodies declare no length: count while reading and stop at the limit.
    async for chunk in request.stream():
        size += len(chunk)
        if size >= limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """The JSON value of the body, or NOT_JSON (empty, invalid JSON, not UTF-8, NaN and the like)."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return NOT_JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
