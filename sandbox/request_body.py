"""Reading request bodies under the service's size limit, and parsing them as JSON without ever failing."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request

# The service takes bodies under 9 MB; 9 MB and more answer HTTP 413.
MAX_BODY_BYTES = 9 * 1024 * 1024
# Deeper JSON is refused as not JSON: no real request nests like that, and the walks below stay shallow.
MAX_DEPTH = 32
INT64 = 2**63


class NotJson:
    """Marker for a body that is not JSON (or not UTF-8)."""


NOT_JSON = NotJson()


class Unrepresentable:
    """A JSON value the sandbox cannot keep: a string with a lone surrogate, an integer beyond 64 bits or a
    number beyond a double. It is no str, int or float, so every field check refuses it as that field's error."""

    __slots__ = ("shown",)

    def __init__(self, shown: str | int) -> None:
        self.shown = shown

    def __str__(self) -> str:
        return str(self.shown)

    def __repr__(self) -> str:
        return f"Unrepresentable({self.shown!r})"


class _TooDeep(ValueError):
    pass


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
    """The JSON value of the body, or NOT_JSON (empty, invalid JSON, not UTF-8, NaN, nested deeper than
    MAX_DEPTH and the like); values that cannot be kept come back as Unrepresentable."""
    try:
        value = json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, parse_int=_integer, parse_float=_number
        )
        return _checked(value, 0)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return NOT_JSON


def holds_unrepresentable(value: Any) -> bool:
    """True when an Unrepresentable sits anywhere in a parsed value."""
    if isinstance(value, Unrepresentable):
        return True
    if isinstance(value, dict):
        return any(holds_unrepresentable(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_unrepresentable(item) for item in value)
    return False


def plain_json(value: Any) -> Any:
    """A parsed value with every Unrepresentable replaced by what the request showed (for the journal)."""
    if isinstance(value, Unrepresentable):
        return value.shown
    if isinstance(value, dict):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_json(item) for item in value]
    return value


def _checked(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _TooDeep("nested too deep")
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return {_keep_text(key): _checked(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_checked(item, depth + 1) for item in value]
    return value


def _keep_text(text: str) -> str:
    """The text with lone surrogates replaced by U+FFFD (names of fields are only compared, never checked)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _string(text: str) -> str | Unrepresentable:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Unrepresentable(_keep_text(text))
    return text


def _integer(text: str) -> int | Unrepresentable:
    number = int(text)
    return number if -INT64 <= number < INT64 else Unrepresentable(number)


def _number(text: str) -> float | Unrepresentable:
    number = float(text)
    return number if math.isfinite(number) else Unrepresentable(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
