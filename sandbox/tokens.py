"""Card tokens: how they look, how long they live."""

from __future__ import annotations

import re
import secrets
import string

TOKEN_LIFETIME_SECONDS = 15 * 60
TOKEN_MAX_LENGTH = 100
BASE64_ALPHABET = string.ascii_letters + string.digits + "+/"
BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def new_token() -> str:
    """32 random Base64-alphabet characters and `==`: 34 characters like the official 2019 example."""
    return "".join(secrets.choice(BASE64_ALPHABET) for _ in range(32)) + "=="


def well_formed(value: object) -> bool:
    """True for a non-empty string of the Base64 alphabet no longer than TOKEN_MAX_LENGTH."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= TOKEN_MAX_LENGTH
        and BASE64_TEXT.fullmatch(value) is not None
    )


def expired(issued_at: float, now: float) -> bool:
    return now - issued_at >= TOKEN_LIFETIME_SECONDS
