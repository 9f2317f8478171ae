"""Which keys hold card data or secrets, and how their values are masked."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

MASK = "***"

# Keys whose values are masked: card data and credentials, however the key is cased or joined.
SENSITIVE_KEY_NAME = re.compile(
    r"(?i)[A-Za-z0-9_\-]*(?:token|token[_\-]?key|access[_\-]?key|api[_\-]?key|secret|password|passwd"
    r"|card[_\-]?(?:number|num|no)|security[_\-]?code)"
    r"|cn|pan|cvv2?|cvc2?|csc|tkn"
)
CARD_KEY = re.compile(r"(?i)[A-Za-z0-9_\-]*card[_\-]?(?:number|num|no)|cn|pan")
_ALREADY_MASKED = re.compile(r"\*+\d{0,4}")
_JSON_LITERALS = {"null", "true", "false"}
# Full-width digits (０–９) count as the digits they show.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def ascii_digits(text: str) -> str:
    """The text with full-width digits written as ASCII ones (one character for one)."""
    return text.translate(_FULL_WIDTH)


def plain_key(key: str) -> str:
    """A key as it reads once percent-decoded (cv%76 is cvv, access%5Fkey is access_key)."""
    return unquote_plus(key) if "%" in key or "+" in key else key


def is_sensitive_key(key: str) -> bool:
    """Whether the value under this key is card data or a secret (cn, cvv, tkn, token, accessKey, …)."""
    return SENSITIVE_KEY_NAME.fullmatch(plain_key(key)) is not None


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check digit that every card number carries."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_card_number(digits: str) -> str:
    """The only part of a card number a report may show: its last four digits."""
    return "****" + re.sub(r"[^0-9]", "", ascii_digits(digits))[-4:]


def mask_value(key: str, value: str) -> str:
    """The masked value of a sensitive key: a card number as **** and its last four, anything else as ***."""
    if not value or value.lower() in _JSON_LITERALS or value == MASK or _ALREADY_MASKED.fullmatch(value):
        return value
    if CARD_KEY.fullmatch(plain_key(key)):
        digits = re.sub(r"[^0-9]", "", ascii_digits(value))
        return mask_card_number(digits) if len(digits) >= 4 else MASK
    return MASK
