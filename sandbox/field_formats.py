"""Formats of the billing API's fields, as the official spec's index defines them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

# メール形式, case-insensitive.
EMAIL = re.compile(r"([a-z0-9\+_\-]+)(\.[a-z0-9\+_\-]+)*@([a-z0-9\-]+\.)+[a-z]+", re.IGNORECASE)
# 半角英数.
ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")
# 半角英数+記号: ASCII letters, digits and punctuation (printable ASCII without the space).
ALPHANUMERIC_SYMBOLS = re.compile(r"[!-~]+")


def is_user_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 100 and EMAIL.fullmatch(value) is not None


def is_access_key(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 100 and ALPHANUMERIC.fullmatch(value) is not None


def is_code(value: Any, max_length: int = 20) -> bool:
    """A billing code or payment method code: 1 to 20 of 半角英数+記号."""
    return (
        isinstance(value, str)
        and len(value) <= max_length
        and ALPHANUMERIC_SYMBOLS.fullmatch(value) is not None
    )


def as_number(value: Any, max_digits: int = 18) -> int | None:
    """A 決済情報番号 given as a JSON integer or a digit string (at most 18 digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        # JSON Schema counts 1771372.0 as an integer, and so does the OpenAPI document (inferred).
        value = int(value)
    if isinstance(value, int):
        return value if 0 <= value and len(str(value)) <= max_digits else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None


def is_origin(value: str) -> bool:
    """scheme://host[:port] and nothing more, as a browser writes an Origin header."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.path in ("", "/")
        and not (parts.query or parts.fragment or parts.username)
    )
