"""Random ids the merchant engine creates (accounts, billings), never holding a digit run a card could hide in."""

from __future__ import annotations

import re
import secrets

# Card numbers have 13 to 19 digits; an id with no run of 13 digits can never be taken for one.
_LONG_DIGIT_RUN = re.compile(r"[0-9]{13,}")


def random_id(hex_chars: int) -> str:
    """hex_chars random hexadecimal characters without a run of 13 or more digits."""
    while True:
        candidate = secrets.token_hex((hex_chars + 1) // 2)[:hex_chars]
        if not _LONG_DIGIT_RUN.search(candidate):
            return candidate
